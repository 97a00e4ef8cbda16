// prims/win32_os.hpp: Win32Os, the segment layer's Os on Windows (the contract is at the top of
// core/registry.hpp): named, pagefile-backed file mappings in the session's Local\ namespace.
//
//   open(name, size, create, at)
//     create: CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, size, L"Local\\name")
//       with a security descriptor whose OWNER is the token user's SID (set explicitly: the
//       default owner is the token's TokenOwner, which is BUILTIN\Administrators for an elevated
//       admin and Wine's S-1-5-21-0-0-0-513) and whose protected DACL holds ONE access-allowed
//       ACE: SECTION_ALL_ACCESS for that SID (the analogue of mode 0600: no group, no Everyone,
//       no Administrators). GetLastError() == ERROR_ALREADY_EXISTS means the object existed and
//       was opened instead ("create if missing"; created=false). A new mapping is zero-filled.
//     existing (create == false): OpenFileMappingW(FILE_MAP_ALL_ACCESS).
//     Ours or refused (never share an object another user made): Local\ is a directory every
//       user of the session may create objects and symbolic links in, and names are predictable,
//       so another local user can be there first. Every handle open() gets, created or not, is
//       VERIFIED before anything is mapped (the analogue of PosixOs's "owner == euid and
//       mode & 077 == 0"):
//         (1) name:  NtQueryObject(ObjectNameInformation) is exactly <Local dir>\name, where
//                    <Local dir> is what Local\ resolves to in this process (learned once from
//                    an event of a random name: \Sessions\<n>\BaseNamedObjects, or
//                    \BaseNamedObjects in session 0). A symbolic link squatted at our name
//                    resolves elsewhere (to another user's object, or to another of OUR objects,
//                    or creates ours in a directory someone else controls): refused.
//         (2) owner: GetSecurityInfo(SE_KERNEL_OBJECT, OWNER | DACL): the owner is our SID.
//         (3) DACL:  present and not NULL (a NULL DACL lets everyone in), and every
//                    access-allowed ACE names our SID (deny ACEs are harmless; an ACE of any
//                    other type is refused: we never make one).
//       A name held by an object of another type (an event, a mutex, a link to one) makes the
//       API fail with ERROR_INVALID_HANDLE, and a link to a missing target (under Wine, which
//       does not create through it) with ERROR_PATH_NOT_FOUND: refused too. A refusal closes the handle (so an
//       object we created through a link goes away), maps nothing, and fails with
//       ERROR_ACCESS_DENIED and a reason (last_reason()). What this does NOT prevent: another
//       user squatting our name still makes us refuse it, so that process runs on private memory
//       (a forced fallback). Private object namespaces (a boundary holding our SID) would remove
//       even that; Wine 8.0 has none, see docs/backends.md.
//     Mapping: MapViewOfFileEx(h, FILE_MAP_ALL_ACCESS, 0, 0, size, at). at == nullptr maps
//       anywhere; otherwise exactly at `at` or the call fails (ERROR_INVALID_ADDRESS, 487, when
//       the range is taken): Windows never replaces an existing mapping. An existing object
//       smaller than `size` fails to map; a larger one is mapped in its first `size` bytes
//       (sections carry no size query short of the native API; the segment layer's headers
//       record their geometry). A failure is base == nullptr (GetLastError() value in
//       last_error()); a failed open() closes its handle, so an object it created goes away.
//   create_local(size)  VirtualAlloc(MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE): zero-filled.
//   close(m)            UnmapViewOfFile (VirtualFree for a local copy) + CloseHandle of the
//                       mapping's handle (kept in the Mapping and in this object's table).
//                       Windows destroys a section object with its last handle AND view.
//   remove(name)        On Windows a name cannot be unlinked on its own: a named object keeps its
//                       name while any process holds a handle to it, and loses it when the last
//                       handle closes. remove() closes THIS process's handles of `name` at once
//                       (its views stay valid: a view references the section by itself), so once
//                       every process has removed or closed it the name is gone, which is what
//                       the segment layer asks for. A process that still holds a handle keeps the
//                       object openable by name until it closes it.
//   list(prefix)        Windows cannot enumerate named objects cheaply (only through the native
//                       object-directory API), so list() answers from a PROCESS-LOCAL table: the
//                       names this process has opened and still holds a handle to, plus `prefix`
//                       itself if an object of exactly that name exists AND IS OURS (it opens and
//                       passes checks (1)-(3); or it cannot be opened for a reason that says nothing
//                       about it, such as ERROR_NOT_ENOUGH_MEMORY). An object that is not ours
//                       (access denied, another type, another owner, a link) does not exist for
//                       us: the segment layer then drops an entry naming it and creates a new
//                       generation under a new name instead of failing on the squatted one. This
//                       answers the segment layer's "does this object still exist?" question for
//                       objects other processes hold. Consequences: remove_orphans() sees only this
//                       process's orphans and sweep_dead_groups() finds no other group; neither is
//                       needed here, because a process's handles close when it dies, so the objects
//                       of dead processes vanish by themselves (no /dev/shm leftovers).
//
// Never throws (beyond std::bad_alloc from the strings and the table). One object per process;
// not synchronised (the segment layer calls it under its registry lock or from one thread).
#pragma once

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <aclapi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "prim_win32.hpp"

namespace wc {

// Seeded bugs of Win32Os (negative twins: each skips one check, so the test of that check can
// be seen to fail). NoWin32OsBugs ships.
struct NoWin32OsBugs {
  static constexpr bool trust_name = false;   // skip check (1): follow a link at our name
  static constexpr bool trust_owner = false;  // skip check (2): accept another owner
  static constexpr bool trust_dacl = false;   // skip check (3): accept a DACL that lets others in
};

template <class Bugs = NoWin32OsBugs>
class BasicWin32Os {
 public:
  struct Mapping {
    void* base = nullptr;
    std::uint64_t size = 0;
    bool created = false;
    void* handle = nullptr;  // the section's HANDLE (nullptr for a local copy or after remove)
    bool local = false;      // create_local: VirtualAlloc'ed
  };

  static constexpr const wchar_t* kNamespace = L"Local\\";

  BasicWin32Os() = default;
  BasicWin32Os(const BasicWin32Os&) = delete;
  BasicWin32Os& operator=(const BasicWin32Os&) = delete;
  ~BasicWin32Os() {
    if (sd_) ::LocalFree(sd_);
    if (acl_) ::LocalFree(acl_);
  }

  Mapping open(const std::string& name, std::uint64_t size, bool create, void* at) {
    if (size == 0 || !valid_name(name))
      return fail(ERROR_INVALID_PARAMETER, "invalid name or size");
    SYSTEM_INFO si;
    ::GetSystemInfo(&si);
    // MapViewOfFileEx wants the allocation granularity (64 KiB) for a fixed address.
    if (at && reinterpret_cast<std::uintptr_t>(at) % si.dwAllocationGranularity != 0)
      return fail(ERROR_INVALID_PARAMETER, "fixed address not 64 KiB aligned");
    const std::wstring wname = object_name(name);
    HANDLE h = nullptr;
    bool created = false;
    if (create) {
      SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), private_sd(), FALSE};
      if (!sa.lpSecurityDescriptor) return fail(last_error_, last_reason_);
      h = ::CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, DWORD(size >> 32),
                               DWORD(size & 0xffffffffu), wname.c_str());
      if (!h) return fail_open(::GetLastError(), "CreateFileMappingW failed");
      created = ::GetLastError() != ERROR_ALREADY_EXISTS;
    } else {
      h = ::OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, wname.c_str());
      if (!h) return fail_open(::GetLastError(), "OpenFileMappingW failed");
    }
    if (const char* why = foreign(h, name)) {
      ::CloseHandle(h);  // maps nothing; an object we created through a link goes with it
      return fail(ERROR_ACCESS_DENIED, why);
    }
    void* b = ::MapViewOfFileEx(h, FILE_MAP_ALL_ACCESS, 0, 0, SIZE_T(size), at);
    if (!b || (at && b != at)) {
      const DWORD e = b ? ERROR_INVALID_ADDRESS : ::GetLastError();
      if (b) ::UnmapViewOfFile(b);
      ::CloseHandle(h);  // a created object goes with its only handle
      return fail(e, e == ERROR_INVALID_ADDRESS ? "the fixed address is taken"
                                                : "MapViewOfFileEx failed");
    }
    held_.push_back(Held{name, h, b});
    return Mapping{b, size, created, h, false};
  }

  Mapping create_local(std::uint64_t size) {
    if (size == 0) return fail(ERROR_INVALID_PARAMETER, "invalid size");
    void* b = ::VirtualAlloc(nullptr, SIZE_T(size), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!b) return fail(::GetLastError(), "VirtualAlloc failed");
    return Mapping{b, size, true, nullptr, true};
  }

  void close(Mapping& m) {
    if (m.base) {
      if (m.local) {
        ::VirtualFree(m.base, 0, MEM_RELEASE);
      } else {
        ::UnmapViewOfFile(m.base);
        for (std::size_t i = 0; i < held_.size(); ++i)
          if (held_[i].base == m.base) {
            if (held_[i].handle) ::CloseHandle(held_[i].handle);  // nullptr: remove() closed it
            held_.erase(held_.begin() + std::ptrdiff_t(i));
            break;
          }
      }
    }
    m = Mapping{};
  }

  void remove(const std::string& name) {
    for (auto& e : held_)
      if (e.name == name && e.handle) {
        ::CloseHandle(e.handle);
        e.handle = nullptr;  // the view stays mapped until close()
      }
  }

  std::vector<std::string> list(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& e : held_)
      if (e.handle && e.name.compare(0, prefix.size(), prefix) == 0) {
        bool dup = false;
        for (const auto& n : out) dup = dup || n == e.name;
        if (!dup) out.push_back(e.name);
      }
    bool have = false;
    for (const auto& n : out) have = have || n == prefix;
    if (!have && valid_name(prefix) && exists_and_ours(prefix)) out.push_back(prefix);
    return out;
  }

  // The GetLastError() value of the last failure (0 if none yet); ERROR_ACCESS_DENIED when an
  // object at our name is not ours.
  int last_error() const { return int(last_error_); }
  // Why the last failure happened, for the glue to report (why a process could not share):
  // a short fixed sentence, "" if none yet.
  const char* last_reason() const { return last_reason_; }

  // Names as the segment layer makes them: [A-Za-z0-9_] in practice; no '\' (a namespace
  // separator), no NUL, and short enough for an object name.
  static bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 200) return false;
    for (char c : name)
      if (c == '\\' || c == '/' || c == 0 || static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
  }

 private:
  struct Held {
    std::string name;
    HANDLE handle;
    void* base;
  };

  static std::wstring object_name(const std::string& name) {
    std::wstring w = kNamespace;
    for (char c : name) w += wchar_t(static_cast<unsigned char>(c));  // ASCII (valid_name)
    return w;
  }

  // list()'s question for a name no handle of ours holds (see the top). Keeps GetLastError().
  bool exists_and_ours(const std::string& name) {
    const DWORD saved = ::GetLastError();
    bool yes = false;
    HANDLE h = ::OpenFileMappingW(FILE_MAP_READ | READ_CONTROL, FALSE, object_name(name).c_str());
    if (h) {
      yes = foreign(h, name) == nullptr;
      ::CloseHandle(h);
    } else {
      const DWORD e = ::GetLastError();
      // Gone, or there but not ours (our DACL always lets us open ours; a name of another
      // type says ERROR_INVALID_HANDLE). Anything else (out of memory, quota) says nothing
      // about the object: count it as there, so the segment layer never unpublishes a segment
      // because of THIS process's trouble.
      yes = e != ERROR_FILE_NOT_FOUND && e != ERROR_ACCESS_DENIED && e != ERROR_INVALID_HANDLE &&
            e != ERROR_BAD_PATHNAME && e != ERROR_PATH_NOT_FOUND;
    }
    ::SetLastError(saved);
    return yes;
  }

  // ---- is it ours? (checks (1)-(3), see the top) ----------------------------------------
  // nullptr if the object behind h is ours, else why not.
  const char* foreign(HANDLE h, const std::string& name) {
    if (user_.empty() && !private_sd()) return last_reason_;
    if (!Bugs::trust_name) {
      std::wstring real, dir;
      if (!local_dir(dir)) return "cannot learn the directory Local\\ names resolve to";
      if (!real_name(h, real)) return "cannot read the object's name (NtQueryObject failed)";
      std::wstring want = dir + L"\\";
      for (char c : name) want += wchar_t(static_cast<unsigned char>(c));
      if (!same_name(real, want))
        return "the name resolves to another object (a symbolic link squatted at our name)";
    }
    PSID owner = nullptr;
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (::GetSecurityInfo(h, SE_KERNEL_OBJECT,
                          OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner, nullptr,
                          &dacl, nullptr, &sd) != ERROR_SUCCESS)
      return "cannot read the object's security descriptor (GetSecurityInfo failed)";
    const char* why = nullptr;
    if (!Bugs::trust_owner && (!owner || !::IsValidSid(owner) || !::EqualSid(owner, user())))
      why = "the object at our name is owned by another user";
    else if (!Bugs::trust_dacl)
      why = dacl_lets_others_in(dacl);
    ::LocalFree(sd);
    return why;
  }

  const char* dacl_lets_others_in(PACL dacl) {
    if (!dacl) return "the object at our name has a NULL DACL (everyone may open it)";
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
      void* p = nullptr;
      if (!::GetAce(dacl, i, &p)) return "the object's DACL cannot be read";
      const auto* head = static_cast<const ACE_HEADER*>(p);
      if (head->AceType == ACCESS_DENIED_ACE_TYPE) continue;  // takes access away: harmless
      if (head->AceType != ACCESS_ALLOWED_ACE_TYPE)
        return "the object's DACL holds an ACE of a type we never write";
      const auto* ace = static_cast<const ACCESS_ALLOWED_ACE*>(p);
      PSID sid = const_cast<DWORD*>(&ace->SidStart);
      if (ace->Mask != 0 && (!::IsValidSid(sid) || !::EqualSid(sid, user())))
        return "the object's DACL grants access to another SID";
    }
    return nullptr;
  }

  // The object's full name (\Sessions\1\BaseNamedObjects\x) through NtQueryObject, found at run
  // time (no import library for ntdll needed by either toolchain).
  static bool real_name(HANDLE h, std::wstring& out) {
    struct Unicode {  // UNICODE_STRING / OBJECT_NAME_INFORMATION
      USHORT length;  // bytes
      USHORT maximum;
      PWSTR buffer;
    };
    using QueryObject = LONG(WINAPI*)(HANDLE, int, void*, ULONG, ULONG*);
    constexpr int kObjectNameInformation = 1;
    static const auto query = reinterpret_cast<QueryObject>(reinterpret_cast<void*>(
        ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQueryObject")));
    if (!query) return false;
    alignas(8) unsigned char buf[2048];
    ULONG len = 0;
    if (query(h, kObjectNameInformation, buf, sizeof buf, &len) != 0) return false;  // NTSTATUS
    const auto* u = reinterpret_cast<const Unicode*>(buf);
    if (!u->buffer) return false;
    out.assign(u->buffer, u->length / sizeof(wchar_t));
    return true;
  }

  static bool same_name(const std::wstring& a, const std::wstring& b) {  // case-insensitive
    if (a.size() != b.size()) return false;                             // like the lookup
    for (std::size_t i = 0; i < a.size(); ++i) {
      wchar_t x = a[i], y = b[i];
      if (x >= L'A' && x <= L'Z') x = wchar_t(x - L'A' + L'a');
      if (y >= L'A' && y <= L'Z') y = wchar_t(y - L'A' + L'a');
      if (x != y) return false;
    }
    return true;
  }

  // What Local\ resolves to for this process, learned once: create an event under a name
  // nobody can have guessed (pid, performance counter, this object's address), read its real
  // name and cut the last component off.
  bool local_dir(std::wstring& out) {
    if (!dir_.empty()) {
      out = dir_;
      return true;
    }
    LARGE_INTEGER t;
    ::QueryPerformanceCounter(&t);
    const std::wstring leaf = L"wincache_dir_" + std::to_wstring(::GetCurrentProcessId()) + L"_" +
                              std::to_wstring(static_cast<unsigned long long>(t.QuadPart)) + L"_" +
                              std::to_wstring(reinterpret_cast<std::uintptr_t>(this));
    const DWORD saved = ::GetLastError();
    HANDLE e = ::CreateEventW(nullptr, TRUE, FALSE, (kNamespace + leaf).c_str());
    const bool fresh = e && ::GetLastError() != ERROR_ALREADY_EXISTS;
    std::wstring real;
    const bool named = fresh && real_name(e, real);
    if (e) ::CloseHandle(e);
    ::SetLastError(saved);
    if (!named || real.size() <= leaf.size() + 1 ||
        !same_name(real.substr(real.size() - leaf.size() - 1), L"\\" + leaf))
      return false;
    dir_ = real.substr(0, real.size() - leaf.size() - 1);
    out = dir_;
    return true;
  }

  PSID user() { return user_.data(); }

  // A security descriptor owned by the token user, granting SECTION_ALL_ACCESS to that user
  // only, with a protected DACL (no inherited ACEs); built once.
  PSECURITY_DESCRIPTOR private_sd() {
    if (sd_) return sd_;
    if (user_.empty()) user_ = PrimWin32::token_user_sid();
    if (user_.empty()) {
      last_error_ = ERROR_NO_TOKEN;
      last_reason_ = "cannot read this process's user SID";
      return nullptr;
    }
    PSID sid = user();
    const DWORD acl_size =
        DWORD(sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + ::GetLengthSid(sid));
    PACL acl = static_cast<PACL>(::LocalAlloc(LPTR, acl_size));
    PSECURITY_DESCRIPTOR sd = ::LocalAlloc(LPTR, SECURITY_DESCRIPTOR_MIN_LENGTH);
    if (!acl || !sd || !::InitializeAcl(acl, acl_size, ACL_REVISION) ||
        !::AddAccessAllowedAce(acl, ACL_REVISION, SECTION_ALL_ACCESS, sid) ||
        !::InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION) ||
        !::SetSecurityDescriptorOwner(sd, sid, FALSE) ||
        !::SetSecurityDescriptorDacl(sd, TRUE, acl, FALSE) ||
        !::SetSecurityDescriptorControl(sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED)) {
      last_error_ = ::GetLastError();
      last_reason_ = "cannot build the private security descriptor";
      if (acl) ::LocalFree(acl);
      if (sd) ::LocalFree(sd);
      return nullptr;
    }
    acl_ = acl;
    sd_ = sd;
    return sd_;
  }

  Mapping fail(DWORD e, const char* why) {
    last_error_ = e;
    last_reason_ = why;
    return Mapping{};
  }

  // A failed CreateFileMappingW / OpenFileMappingW: say what the error means for us.
  Mapping fail_open(DWORD e, const char* what) {
    if (e == ERROR_INVALID_HANDLE)  // the documented answer for a name of another type
      return fail(ERROR_ACCESS_DENIED, "our name is held by an object of another type");
    if (e == ERROR_ACCESS_DENIED)  // our DACL always lets us in: this one is not ours
      return fail(e, "the object at our name denies us access (another user's object)");
    if (e == ERROR_PATH_NOT_FOUND || e == ERROR_BAD_PATHNAME)  // our names have no '\':
      return fail(ERROR_ACCESS_DENIED,  // the name is a link to a missing target (Wine's answer)
                  "our name is a symbolic link (to a missing object)");
    if (e == ERROR_FILE_NOT_FOUND) return fail(e, "no object of that name");
    return fail(e, what);
  }

  std::vector<Held> held_;
  std::vector<unsigned char> user_;  // the token user's SID (PrimWin32::token_user_sid)
  std::wstring dir_;                 // what Local\ resolves to (local_dir), once known
  PACL acl_ = nullptr;
  PSECURITY_DESCRIPTOR sd_ = nullptr;
  DWORD last_error_ = 0;
  const char* last_reason_ = "";
};

using Win32Os = BasicWin32Os<>;

}  // namespace wc

// prims/win32_os.hpp: Win32Os, the segment layer's Os on Windows (the contract is at the top of
// core/registry.hpp): named, pagefile-backed file mappings in the session's Local\ namespace.
//
//   open(name, size, create, at)
//     create: CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, size, L"Local\\name")
//       with a security descriptor whose DACL holds ONE access-allowed ACE: SECTION_ALL_ACCESS
//       for the token user's SID (the analogue of mode 0600: no group, no Everyone, no
//       Administrators unless the process runs as one). GetLastError() == ERROR_ALREADY_EXISTS
//       means the object existed and was opened instead ("create if missing"; created=false).
//       A new mapping is zero-filled by the OS.
//     existing (create == false): OpenFileMappingW(FILE_MAP_ALL_ACCESS). An object squatted at our
//       name by another user would carry its own DACL; opening it then fails with access denied
//       unless that DACL grants us access (unlike PosixOs we do not inspect the owner: see
//       docs/backends.md, to confirm on Windows).
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
//                       itself if an object of exactly that name can be opened now (the segment
//                       layer's "does this object still exist?" question, answered for objects
//                       other processes hold). Consequences: remove_orphans() sees only this
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

#include <cstdint>
#include <string>
#include <vector>

namespace wc {

class Win32Os {
 public:
  struct Mapping {
    void* base = nullptr;
    std::uint64_t size = 0;
    bool created = false;
    void* handle = nullptr;  // the section's HANDLE (nullptr for a local copy or after remove)
    bool local = false;      // create_local: VirtualAlloc'ed
  };

  static constexpr const wchar_t* kNamespace = L"Local\\";

  Win32Os() = default;
  Win32Os(const Win32Os&) = delete;
  Win32Os& operator=(const Win32Os&) = delete;
  ~Win32Os() {
    if (sd_) ::LocalFree(sd_);
    if (acl_) ::LocalFree(acl_);
  }

  Mapping open(const std::string& name, std::uint64_t size, bool create, void* at) {
    if (size == 0 || !valid_name(name)) return fail(ERROR_INVALID_PARAMETER);
    SYSTEM_INFO si;
    ::GetSystemInfo(&si);
    // MapViewOfFileEx wants the allocation granularity (64 KiB) for a fixed address.
    if (at && reinterpret_cast<std::uintptr_t>(at) % si.dwAllocationGranularity != 0)
      return fail(ERROR_INVALID_PARAMETER);
    const std::wstring wname = object_name(name);
    HANDLE h = nullptr;
    bool created = false;
    if (create) {
      SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), private_sd(), FALSE};
      if (!sa.lpSecurityDescriptor) return fail(last_error_);
      h = ::CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, DWORD(size >> 32),
                               DWORD(size & 0xffffffffu), wname.c_str());
      if (!h) return fail(::GetLastError());
      created = ::GetLastError() != ERROR_ALREADY_EXISTS;
    } else {
      h = ::OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, wname.c_str());
      if (!h) return fail(::GetLastError());
    }
    void* b = ::MapViewOfFileEx(h, FILE_MAP_ALL_ACCESS, 0, 0, SIZE_T(size), at);
    if (!b || (at && b != at)) {
      const DWORD e = b ? ERROR_INVALID_ADDRESS : ::GetLastError();
      if (b) ::UnmapViewOfFile(b);
      ::CloseHandle(h);  // a created object goes with its only handle
      return fail(e);
    }
    held_.push_back(Held{name, h, b});
    return Mapping{b, size, created, h, false};
  }

  Mapping create_local(std::uint64_t size) {
    if (size == 0) return fail(ERROR_INVALID_PARAMETER);
    void* b = ::VirtualAlloc(nullptr, SIZE_T(size), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!b) return fail(::GetLastError());
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
    if (!have && valid_name(prefix)) {
      const DWORD saved = ::GetLastError();
      HANDLE h = ::OpenFileMappingW(FILE_MAP_READ, FALSE, object_name(prefix).c_str());
      if (h) {
        out.push_back(prefix);
        ::CloseHandle(h);
      } else if (::GetLastError() == ERROR_ACCESS_DENIED) {
        out.push_back(prefix);  // it exists, we just may not open it
      }
      ::SetLastError(saved);
    }
    return out;
  }

  // The GetLastError() value of the last failure (0 if none yet).
  int last_error() const { return int(last_error_); }

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

  // A security descriptor granting SECTION_ALL_ACCESS to the token user only; built once.
  PSECURITY_DESCRIPTOR private_sd() {
    if (sd_) return sd_;
    HANDLE tok = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &tok)) {
      last_error_ = ::GetLastError();
      return nullptr;
    }
    DWORD len = 0;
    ::GetTokenInformation(tok, TokenUser, nullptr, 0, &len);
    std::vector<unsigned char> buf(len ? len : 1);
    const bool ok = len && ::GetTokenInformation(tok, TokenUser, buf.data(), len, &len);
    if (!ok) last_error_ = ::GetLastError();
    ::CloseHandle(tok);
    if (!ok) return nullptr;
    PSID sid = reinterpret_cast<TOKEN_USER*>(buf.data())->User.Sid;
    const DWORD acl_size =
        DWORD(sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD) + ::GetLengthSid(sid));
    PACL acl = static_cast<PACL>(::LocalAlloc(LPTR, acl_size));
    PSECURITY_DESCRIPTOR sd = ::LocalAlloc(LPTR, SECURITY_DESCRIPTOR_MIN_LENGTH);
    if (!acl || !sd || !::InitializeAcl(acl, acl_size, ACL_REVISION) ||
        !::AddAccessAllowedAce(acl, ACL_REVISION, SECTION_ALL_ACCESS, sid) ||
        !::InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION) ||
        !::SetSecurityDescriptorDacl(sd, TRUE, acl, FALSE)) {
      last_error_ = ::GetLastError();
      if (acl) ::LocalFree(acl);
      if (sd) ::LocalFree(sd);
      return nullptr;
    }
    acl_ = acl;
    sd_ = sd;
    return sd_;
  }

  Mapping fail(DWORD e) {
    last_error_ = e;
    return Mapping{};
  }

  std::vector<Held> held_;
  PACL acl_ = nullptr;
  PSECURITY_DESCRIPTOR sd_ = nullptr;
  DWORD last_error_ = 0;
};

}  // namespace wc

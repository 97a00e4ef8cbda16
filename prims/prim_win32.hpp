// prims/prim_win32.hpp: PrimWin32, the primitive policy for real processes on Windows.
//
// It satisfies core/prim.hpp's contract across processes that share a named file mapping
// (CreateFileMappingW, see prims/win32_os.hpp). Proven under Wine by tests/win32/ (ctest label
// win32, scripts/win32_tests.sh); docs/backends.md says what a real Windows / IIS run must still
// confirm.
//
//   atomic<T>   std::atomic<T>; lock-free, address-free, of the size of T (asserted below).
//   proc_id     (ctime << 22) | (pid / 4).
//                 pid / 4: Windows process ids are multiples of 4 (handle-table indices), so
//                   dividing by 4 loses nothing; 22 bits hold pids below 2^24 (16.7 million),
//                   far above what a host reaches (the id table is bounded by the handle table).
//                 ctime: the process's creation time from GetProcessTimes (100 ns ticks since
//                   1601) in units of 1/64 s (ticks / 156250), keeping the low 34 bits: 2^34 / 64
//                   s = 8.5 years before the field wraps. A reused pid has a later creation time
//                   and so a different proc_id, unless the pid is recycled within 1/64 s (or
//                   exactly a multiple of 8.5 years later).
//               The packing is below 2^56 (22 + 34 bits) and never 0: pid 0 is the idle process,
//               never a caller; should the packed value still be 0 it is made 1 << 22 (a pid of
//               0 that no process has, so it can never alias a live process).
//   self()      computed once per process and cached (Windows has no fork(): a process's id never
//               changes under it).
//   alive(p)    OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE) on the pid:
//                 ERROR_INVALID_PARAMETER (no such pid)         -> dead
//                 any other failure (ERROR_ACCESS_DENIED: a process of another user or a
//                   protected one)                              -> alive (never false while it runs)
//                 creation time differs from p's               -> dead (the pid was reused)
//                 WaitForSingleObject(h, 0) == WAIT_TIMEOUT      -> alive, else dead.
//               The wait is the reliable test: a process handle is signalled exactly when the
//               process has terminated. GetExitCodeProcess == STILL_ACTIVE is not used: a process
//               may exit with code 259 (STILL_ACTIVE) and would then look alive forever. A process
//               that is gone but whose object is still held by someone's handle (a parent that has
//               not closed pi.hProcess) opens fine and is signalled: dead for us.
//   wait/wake   Futex semantics WITHOUT a kernel object: WaitOnAddress / WakeByAddressAll do not
//               cross processes, and a named event per word would need the word's segment name
//               and offset, which the contract does not pass (only the atomic's address). So
//               wait() POLLS: it returns woken as soon as the word != expected, re-checking it
//               after a few SwitchToThread() yields and then every Sleep(1), and timed_out after
//               timeout_ms; wake_all() is a no-op. This is CORRECT (futex semantics allow spurious
//               returns, core/ always re-checks its condition, and every wait in core/ is bounded
//               by a poll_ms timeout anyway) but NOT EFFICIENT: a waiter notices a release only at
//               its next poll, up to one scheduler tick late (Sleep(1) sleeps up to 15.6 ms unless
//               the timer resolution was raised), and a sleeping waiter costs a wake-up per tick.
//               A named-event wake keyed by (segment, offset) is future work.
//   relax()     YieldProcessor() (the pause instruction).
//
// Also parent_pid(): the parent's pid from a Toolhelp snapshot (th32ParentProcessID); the
// process group is named after it (core/naming.hpp). 0 if the snapshot fails.
//
// Who we are, for naming (the same two calls as PrimPosix, so core/naming.hpp can put them in
// every group name):
//   user_tag()       "s" + 16 lower-case hex digits: FNV-1a 64 (core/naming.hpp) of the string
//                    form ("S-1-5-82-...") of the PROCESS token's user SID. Stable for an
//                    identity across processes, boots and builds; only [a-z0-9]. IIS app pools
//                    run under different identities (ApplicationPoolIdentity: one virtual account
//                    per pool), so pools of different users get different names, hence their own
//                    shared cache. The process token, not a thread's impersonation token
//                    (fastcgi.impersonate): the objects belong to the process. If the token
//                    cannot be read the tag is "s" + 16 zeros; Win32Os then refuses to create or
//                    open anything (it needs the same SID), so that tag never names a shared
//                    object.
//   pid_namespace()  0: Windows has no pid namespaces (a pid is unique on the host; containers
//                    have their own object namespace, hence their own names anyway).
//   token_user_sid() the process token's user SID, copied (empty on failure); Win32Os builds
//                    its DACL from it and compares owners and ACEs with it.
#pragma once

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <tlhelp32.h>

#include <sddl.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../core/naming.hpp"
#include "../core/prim.hpp"

namespace wc {

struct PrimWin32 {
  using proc_id = std::uint64_t;
  enum class wait_result { woken, timed_out };
  template <class T>
  using atomic = std::atomic<T>;

  static constexpr int kPidBits = 22;  // pid / 4 below 2^22: pids below 2^24
  static constexpr std::uint64_t kPidMask = (std::uint64_t{1} << kPidBits) - 1;
  static constexpr int kTimeBits = kProcIdBits - kPidBits;  // 34
  static constexpr std::uint64_t kTimeMask = (std::uint64_t{1} << kTimeBits) - 1;
  static constexpr std::uint64_t kTicksPerUnit = 10000000 / 64;  // 100 ns ticks per 1/64 s

  static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "shared cells: lock-free");
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "shared cells: lock-free");
  static_assert(sizeof(std::atomic<std::uint32_t>) == 4 && alignof(std::atomic<std::uint32_t>) == 4,
                "32-bit cells are 4 aligned bytes (cross-process ABI)");
  static_assert(sizeof(std::atomic<std::uint64_t>) == 8 && alignof(std::atomic<std::uint64_t>) == 8,
                "64-bit cells are 8 aligned bytes (cross-process ABI)");

  // ---- identity ----------------------------------------------------------------------------
  static proc_id make_id(std::uint64_t pid, std::uint64_t creation_ticks) {
    const std::uint64_t t = (creation_ticks / kTicksPerUnit) & kTimeMask;
    const proc_id id = (t << kPidBits) | ((pid / 4) & kPidMask);
    return id != 0 ? id : (std::uint64_t{1} << kPidBits);
  }
  static std::uint64_t pid_of(proc_id p) { return (p & kPidMask) * 4; }
  static std::uint64_t time_of(proc_id p) { return (p >> kPidBits) & kTimeMask; }

  // Creation time of the process behind handle h (100 ns ticks since 1601), 0 on failure.
  static std::uint64_t creation_ticks(HANDLE h) {
    FILETIME c, e, k, u;
    if (!::GetProcessTimes(h, &c, &e, &k, &u)) return 0;
    return (std::uint64_t(c.dwHighDateTime) << 32) | c.dwLowDateTime;
  }

  // The proc_id of the process behind handle h (needs PROCESS_QUERY_[LIMITED_]INFORMATION).
  // Tests use it on the handle CreateProcessW returned, to know a child's id.
  static proc_id id_of(HANDLE h) {
    return make_id(std::uint64_t(::GetProcessId(h)), creation_ticks(h));
  }

  static proc_id self() {
    static const proc_id mine = id_of(::GetCurrentProcess());
    return mine;
  }

  static bool alive(proc_id p) {
    const std::uint64_t pid = pid_of(p);
    if (pid == 0) return false;  // not a proc_id of ours (contract: p came from self())
    const DWORD saved = ::GetLastError();
    bool live = true;
    HANDLE h = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, DWORD(pid));
    if (!h) {
      live = ::GetLastError() != ERROR_INVALID_PARAMETER;  // no such pid: dead; else unknown
    } else {
      const std::uint64_t ticks = creation_ticks(h);
      if (ticks != 0 && ((ticks / kTicksPerUnit) & kTimeMask) != time_of(p))
        live = false;  // the pid names another process now
      else
        live = ::WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
      ::CloseHandle(h);
    }
    ::SetLastError(saved);
    return live;
  }

  static std::uint64_t parent_pid() {
    const DWORD me = ::GetCurrentProcessId();
    std::uint64_t parent = 0;
    HANDLE snap = ::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return 0;
    PROCESSENTRY32W pe;
    pe.dwSize = sizeof pe;
    for (BOOL ok = ::Process32FirstW(snap, &pe); ok; ok = ::Process32NextW(snap, &pe))
      if (pe.th32ProcessID == me) {
        parent = pe.th32ParentProcessID;
        break;
      }
    ::CloseHandle(snap);
    return parent;
  }

  static std::uint64_t pid() { return std::uint64_t(::GetCurrentProcessId()); }
  // The proc_id of the parent process (0 if it is gone or cannot be opened): the anchor of a
  // group whose master started the workers (Group::pin, SEG-9).
  static proc_id parent_id() {
    const std::uint64_t ppid = parent_pid();
    if (ppid == 0) return 0;
    HANDLE h = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(ppid));
    if (!h) return 0;
    const proc_id id = id_of(h);
    ::CloseHandle(h);
    return id;
  }

  // ---- who we are (see the top) ------------------------------------------------------------
  static std::vector<unsigned char> token_user_sid() {
    std::vector<unsigned char> out;
    const DWORD saved = ::GetLastError();
    HANDLE tok = nullptr;
    if (::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &tok)) {
      DWORD len = 0;
      ::GetTokenInformation(tok, TokenUser, nullptr, 0, &len);
      std::vector<unsigned char> buf(len ? len : 1);
      if (len && ::GetTokenInformation(tok, TokenUser, buf.data(), len, &len)) {
        PSID sid = reinterpret_cast<TOKEN_USER*>(buf.data())->User.Sid;
        if (::IsValidSid(sid)) {
          const auto* p = static_cast<const unsigned char*>(sid);
          out.assign(p, p + ::GetLengthSid(sid));
        }
      }
      ::CloseHandle(tok);
    }
    ::SetLastError(saved);
    return out;
  }

  static std::string user_tag() {
    static const std::string tag = make_user_tag();
    return tag;
  }

  static std::uint64_t pid_namespace() { return 0; }  // Windows has no pid namespaces

  static std::string make_user_tag() {
    std::uint64_t h = 0;
    std::vector<unsigned char> sid = token_user_sid();
    LPWSTR w = nullptr;
    if (!sid.empty() && ::ConvertSidToStringSidW(sid.data(), &w)) {
      std::string text;
      for (const wchar_t* c = w; *c; ++c) text += char(*c & 0x7f);  // "S-1-..." is ASCII
      ::LocalFree(w);
      h = fnv1a64(text);
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "s%016llx", static_cast<unsigned long long>(h));
    return buf;
  }

  // ---- waiting (polled, see the top) -------------------------------------------------------
  static constexpr unsigned kYields = 8;  // SwitchToThread rounds before sleeping

  static wait_result wait(atomic<std::uint32_t>& word, std::uint32_t expected,
                          std::uint32_t timeout_ms) {
    if (word.load(std::memory_order_seq_cst) != expected) return wait_result::woken;
    const ULONGLONG start = ::GetTickCount64();
    for (unsigned round = 0;; ++round) {
      if (round < kYields)
        ::SwitchToThread();
      else
        ::Sleep(1);
      if (word.load(std::memory_order_seq_cst) != expected) return wait_result::woken;
      if (::GetTickCount64() - start >= timeout_ms) return wait_result::timed_out;
    }
  }

  static void wake_all(atomic<std::uint32_t>&) {}  // waiters poll (see the top)

  static void relax() { YieldProcessor(); }
};

}  // namespace wc

// prims/win32_watch.hpp: DirWatcher on Windows, the same contract as prims/posix_watch.hpp (read
// that file first: the interface, the event kinds, one thread owning it, never throws); this
// file says how Windows provides it and where it differs.
//
// How. One I/O completion port (CreateIoCompletionPort, one concurrent thread). Each add(dir)
// opens the directory (CreateFileW, FILE_LIST_DIRECTORY, FILE_SHARE_READ | FILE_SHARE_WRITE |
// FILE_SHARE_DELETE: a watched directory can still be written, renamed and deleted by others;
// FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED | FILE_FLAG_OPEN_REPARSE_POINT), associates
// it with the port (the key is the watch id) and arms ReadDirectoryChangesW, non-recursive,
// FILE_NOTIFY_CHANGE_FILE_NAME | DIR_NAME | LAST_WRITE | SIZE | ATTRIBUTES | SECURITY, into a
// 64 KiB buffer of its own (the most a network share accepts). wait() is
// GetQueuedCompletionStatus with the timeout; drain() takes that completion and whatever else
// the port holds (up to kMaxCompletions, then returns), re-arms the directory before it
// delivers the completion's events, and delivers them in the buffer's order. Between two arms
// the system keeps recording the directory's changes (in a buffer the size of the first arm's),
// so nothing is lost while the events are delivered.
//
//   add(dir)    dir: an absolute path in UTF-8 (converted with MultiByteToWideChar(CP_UTF8); a
//               path of 248 characters or more gets the \\?\ prefix). The id is > 0; the same
//               string added again returns the same id (the caller's canonical, lower-cased
//               path: "C:\A" and "c:\a" would be two watches of one directory). Failures:
//               ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND, ERROR_ACCESS_DENIED,
//               ERROR_DIRECTORY (not a directory, or a reparse point: a junction or symbolic
//               link is not followed, as IN_DONT_FOLLOW on Linux), ERROR_NO_UNICODE_TRANSLATION.
//   remove(id)  CancelIoEx + CloseHandle. The read in flight still completes to the port later
//               (ERROR_OPERATION_ABORTED, or with data): the watch's buffer and OVERLAPPED are
//               kept until that completion is dequeued (by drain(), wait() or close()), which
//               then delivers nothing.
//   close()     cancels every read and waits (at most kCloseWaitMs) for their completions
//               before the buffers are freed; a read that never came back leaves its buffer
//               allocated (leaked rather than freed under the kernel).
//
// Events, from FILE_NOTIFY_INFORMATION's actions (names converted from UTF-16 to UTF-8 with
// WideCharToMultiByte(CP_UTF8): WinCache used the ANSI code page, so a name outside it never
// matched its cache key; an unpaired surrogate becomes U+FFFD):
//   FILE_ACTION_ADDED, FILE_ACTION_RENAMED_NEW_NAME   -> appeared (WinCache ignored both: a file
//                                                        deployed by a rename over it stayed stale)
//   FILE_ACTION_REMOVED, FILE_ACTION_RENAMED_OLD_NAME -> vanished
//   FILE_ACTION_MODIFIED                              -> changed
//   any other action                                  -> overflow (unknown: assume the worst)
// overflow: a completion of 0 bytes (the system's buffer overflowed), ERROR_NOTIFY_ENUM_DIR, or a
// malformed buffer. Unlike Linux, its dir and id are the directory's (each directory has its
// own buffer); the caller still treats everything as unknown.
// dir_gone: a read that completed with any other error (the directory was deleted: its pending
// read ends with ERROR_ACCESS_DENIED, STATUS_DELETE_PENDING; its volume went away; or the thread
// that armed it exited: ERROR_OPERATION_ABORTED), or a re-arm that failed. The watch is closed
// and forgotten; the caller adds the path again if it still wants it.
// is_dir: for appeared and changed, GetFileAttributesW of the name at delivery time (a
// directory, or a directory symbolic link / junction: FILE_ATTRIBUTE_DIRECTORY); false when
// the name is gone by then and for every vanished event (Windows does not say). true for
// dir_gone. Events on the watched directory itself (name "") are not reported by Windows.
//
// What Windows does not report: a RENAME of the watched directory itself (or of an ancestor):
// the handle follows the directory to its new place and keeps reporting its changes under the
// old path; nothing tells the watcher. Changes through another hard link's directory, and
// changes made by another host on a network share beyond what the SMB server forwards.
// A thread that arms a read and exits may have it cancelled: add() and drain() belong on the
// watcher's thread.
//
// Not thread-safe (one thread owns it). Never throws (beyond std::bad_alloc);
// last_error() / last_reason() say why a call failed.
#pragma once

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wc {

// Seeded bugs of DirWatcher (negative twins). NoWatchBugs ships.
struct NoWatchBugs {
  static constexpr bool drop_appeared = false;  // WinCache's: ADDED / RENAMED_NEW_NAME ignored
  static constexpr bool drop_overflow = false;  // a lost-events signal swallowed
};

enum class WatchKind : std::uint8_t { changed, appeared, vanished, dir_gone, overflow };
struct WatchEvent {
  WatchKind kind;
  bool is_dir;
  int id;                 // the watch
  std::string_view dir;   // as added
  std::string_view name;  // UTF-8
};
enum class WatchWait : std::uint8_t { ready, timeout, failed };

template <class Bugs = NoWatchBugs>
class BasicDirWatcher {
 public:
  using Kind = WatchKind;
  using Event = WatchEvent;
  using Wait = WatchWait;

  static constexpr DWORD kFilter = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |
                                   FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE |
                                   FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SECURITY;
  static constexpr DWORD kBufferBytes = 64 * 1024;
  static constexpr unsigned kMaxCompletions = 64;  // per drain()
  static constexpr DWORD kCloseWaitMs = 5000;

  BasicDirWatcher() = default;
  BasicDirWatcher(const BasicDirWatcher&) = delete;
  BasicDirWatcher& operator=(const BasicDirWatcher&) = delete;
  ~BasicDirWatcher() { close(); }

  bool open() {
    if (port_) return true;
    port_ = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (!port_) return fail(::GetLastError(), "CreateIoCompletionPort failed");
    return true;
  }
  bool is_open() const { return port_ != nullptr; }

  void close() {
    if (!port_) return;
    for (auto& [id, w] : live_) {
      ::CancelIoEx(w->h, nullptr);
      ::CloseHandle(w->h);
      w->h = INVALID_HANDLE_VALUE;
      if (w->pending) dying_.emplace(id, std::move(w));
    }
    live_.clear();
    for (const Completion& c : held_) dying_.erase(int(c.key));
    held_.clear();
    const ULONGLONG until = ::GetTickCount64() + kCloseWaitMs;
    while (!dying_.empty()) {
      const ULONGLONG now = ::GetTickCount64();
      if (now >= until) break;
      DWORD bytes = 0;
      ULONG_PTR key = 0;
      OVERLAPPED* ov = nullptr;
      ::GetQueuedCompletionStatus(port_, &bytes, &key, &ov, DWORD(until - now));
      if (!ov) break;  // timed out, or the port failed
      dying_.erase(int(key));
    }
    for (auto& [id, w] : dying_) (void)w.release();  // still owned by the kernel: leaked
    dying_.clear();
    ::CloseHandle(port_);
    port_ = nullptr;
  }

  int add(const std::string& dir) {
    if (!port_) return fail_id(ERROR_INVALID_HANDLE, "the watcher is not open");
    for (const auto& [id, w] : live_)
      if (w->dir == dir) return id;
    std::wstring wdir;
    if (dir.empty() || !widen(dir, wdir))
      return fail_id(ERROR_NO_UNICODE_TRANSLATION, "not a UTF-8 path");
    const std::wstring opened = long_path(wdir);
    HANDLE h = ::CreateFileW(opened.c_str(), FILE_LIST_DIRECTORY,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_EXISTING,
                             FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED |
                                 FILE_FLAG_OPEN_REPARSE_POINT,
                             nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      const DWORD e = ::GetLastError();
      return fail_id(e, e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND
                            ? "the directory does not exist"
                        : e == ERROR_ACCESS_DENIED ? "the directory cannot be opened"
                                                   : "CreateFileW of the directory failed");
    }
    BY_HANDLE_FILE_INFORMATION info;
    if (!::GetFileInformationByHandle(h, &info) ||
        !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
        (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
      ::CloseHandle(h);
      return fail_id(ERROR_DIRECTORY, "not a directory (or a junction / symbolic link)");
    }
    const int id = next_id_++;
    if (next_id_ <= 0) next_id_ = 1;  // after 2^31 adds; the old ids are long gone
    if (::CreateIoCompletionPort(h, port_, ULONG_PTR(id), 0) != port_) {
      const DWORD e = ::GetLastError();
      ::CloseHandle(h);
      return fail_id(e, "the directory cannot be associated with the completion port");
    }
    auto w = std::make_unique<Watch>();
    w->h = h;
    w->dir = dir;
    w->wdir = wdir;
    if (!arm(*w)) {
      const DWORD e = ::GetLastError();
      ::CloseHandle(h);
      return fail_id(e, "ReadDirectoryChangesW failed");
    }
    live_.emplace(id, std::move(w));
    return id;
  }

  bool remove(int id) {
    const auto it = live_.find(id);
    if (it == live_.end()) return fail(ERROR_INVALID_PARAMETER, "no such watch");
    std::unique_ptr<Watch> w = std::move(it->second);
    live_.erase(it);
    ::CancelIoEx(w->h, nullptr);
    ::CloseHandle(w->h);
    w->h = INVALID_HANDLE_VALUE;
    if (w->pending) dying_.emplace(id, std::move(w));  // freed when its completion comes
    return true;
  }

  std::size_t size() const { return live_.size(); }

  Wait wait(int timeout_ms) {
    if (!port_) {
      fail(ERROR_INVALID_HANDLE, "the watcher is not open");
      return Wait::failed;
    }
    if (!held_.empty()) return Wait::ready;
    Completion c;
    if (dequeue(timeout_ms < 0 ? INFINITE : DWORD(timeout_ms), c)) {
      held_.push_back(c);
      return Wait::ready;
    }
    const DWORD e = ::GetLastError();
    if (e == WAIT_TIMEOUT) return Wait::timeout;
    fail(e, "GetQueuedCompletionStatus failed");
    return Wait::failed;
  }

  template <class OnEvent>
  std::size_t drain(OnEvent&& on_event) {
    std::size_t delivered = 0;
    if (!port_) return 0;
    for (unsigned i = 0; i < kMaxCompletions; ++i) {
      Completion c;
      if (!held_.empty()) {
        c = held_.front();
        held_.erase(held_.begin());
      } else if (!dequeue(0, c)) {
        break;
      }
      delivered += complete(c, on_event);
    }
    return delivered;
  }

  int last_error() const { return int(last_error_); }
  const char* last_reason() const { return reason_; }

 private:
  struct Watch {
    HANDLE h = INVALID_HANDLE_VALUE;
    OVERLAPPED ov = {};
    bool pending = false;  // a read is armed and its completion not yet dequeued
    std::string dir;       // as added
    std::wstring wdir;     // the same, UTF-16 (for is_dir's GetFileAttributesW)
    alignas(DWORD) unsigned char buf[kBufferBytes];
  };
  struct Completion {
    ULONG_PTR key = 0;
    DWORD bytes = 0;
    DWORD error = 0;
  };

  // One completion from the port within `ms`; false if none (GetLastError() says why).
  bool dequeue(DWORD ms, Completion& c) {
    OVERLAPPED* ov = nullptr;
    const BOOL ok = ::GetQueuedCompletionStatus(port_, &c.bytes, &c.key, &ov, ms);
    if (!ov) return false;
    c.error = ok ? 0 : ::GetLastError();
    return true;
  }

  bool arm(Watch& w) {
    std::memset(&w.ov, 0, sizeof w.ov);
    w.pending = ::ReadDirectoryChangesW(w.h, w.buf, kBufferBytes, FALSE, kFilter, nullptr,
                                        &w.ov, nullptr) != 0;
    return w.pending;
  }

  template <class OnEvent>
  std::size_t complete(const Completion& c, OnEvent& on_event) {
    const int id = int(c.key);
    if (dying_.erase(id)) return 0;  // removed: its last read is back, its buffer freed
    const auto it = live_.find(id);
    if (it == live_.end()) return 0;
    Watch& w = *it->second;
    w.pending = false;
    if (c.error != 0 && c.error != ERROR_NOTIFY_ENUM_DIR) {
      last_error_ = c.error;
      reason_ = "a directory's watch ended (deleted, its volume gone, or cancelled)";
      return gone(id, on_event);
    }
    // The events are copied out and the directory re-armed before any is delivered.
    const bool lost = c.error == ERROR_NOTIFY_ENUM_DIR || c.bytes == 0;
    scratch_.assign(w.buf, w.buf + (lost ? 0 : std::min<DWORD>(c.bytes, kBufferBytes)));
    dir_ = w.dir;
    wdir_ = w.wdir;
    const bool armed = arm(w);
    const DWORD arm_error = armed ? 0 : ::GetLastError();
    std::size_t n = lost ? overflow(id, on_event) : parse(id, on_event);
    if (!armed && live_.count(id)) {  // (on_event may have removed it)
      last_error_ = arm_error;
      reason_ = "ReadDirectoryChangesW could not be armed again";
      n += gone(id, on_event);
    }
    return n;
  }

  // The FILE_NOTIFY_INFORMATION chain in scratch_, every offset and length checked.
  template <class OnEvent>
  std::size_t parse(int id, OnEvent& on_event) {
    constexpr std::size_t kHead = offsetof(FILE_NOTIFY_INFORMATION, FileName);
    const std::size_t n = scratch_.size();
    std::size_t delivered = 0;
    std::size_t off = 0;
    for (;;) {
      if (n - off < kHead) return delivered + malformed(id, on_event);
      DWORD next, action, len;
      std::memcpy(&next, scratch_.data() + off, 4);
      std::memcpy(&action, scratch_.data() + off + 4, 4);
      std::memcpy(&len, scratch_.data() + off + 8, 4);
      if (len % 2 != 0 || n - off - kHead < len) return delivered + malformed(id, on_event);
      wname_.resize(len / 2);
      if (len) std::memcpy(&wname_[0], scratch_.data() + off + kHead, len);
      Kind kind;
      switch (action) {
        case FILE_ACTION_ADDED:
        case FILE_ACTION_RENAMED_NEW_NAME: kind = Kind::appeared; break;
        case FILE_ACTION_REMOVED:
        case FILE_ACTION_RENAMED_OLD_NAME: kind = Kind::vanished; break;
        case FILE_ACTION_MODIFIED: kind = Kind::changed; break;
        default: kind = Kind::overflow; break;
      }
      if (!live_.count(id)) return delivered;  // on_event removed it: the rest is skipped
      if (kind == Kind::overflow) {
        delivered += overflow(id, on_event);
      } else if (!(kind == Kind::appeared && Bugs::drop_appeared)) {
        narrow(wname_, name_);
        const bool is_dir = kind != Kind::vanished && directory(wdir_, wname_);
        on_event(Event{kind, is_dir, id, dir_, name_});
        ++delivered;
      }
      if (next == 0) return delivered;
      // Windows aligns the records to 4 bytes; Wine 8 packs them (NextEntryOffset 26 for a
      // 7-character name): every field is read with memcpy, so both are taken.
      if (next < kHead + len || next >= n - off)
        return delivered + malformed(id, on_event);
      off += next;
    }
  }

  template <class OnEvent>
  std::size_t gone(int id, OnEvent& on_event) {
    const auto it = live_.find(id);
    if (it == live_.end()) return 0;
    dir_ = it->second->dir;
    ::CloseHandle(it->second->h);
    live_.erase(it);  // no read in flight: its completion was the one just dequeued
    on_event(Event{Kind::dir_gone, true, id, dir_, std::string_view()});
    return 1;
  }
  template <class OnEvent>
  std::size_t overflow(int id, OnEvent& on_event) {
    if (Bugs::drop_overflow) return 0;
    on_event(Event{Kind::overflow, false, id, dir_, std::string_view()});
    return 1;
  }
  template <class OnEvent>
  std::size_t malformed(int id, OnEvent& on_event) {
    last_error_ = ERROR_INVALID_DATA;
    reason_ = "a malformed change notification buffer";
    return overflow(id, on_event);
  }

  static bool directory(const std::wstring& dir, const std::wstring& name) {
    std::wstring p = long_path(dir);
    if (!p.empty() && p.back() != L'\\') p += L'\\';
    p += name;
    const DWORD a = ::GetFileAttributesW(p.c_str());
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
  }
  static bool widen(const std::string& s, std::wstring& out) {
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), int(s.size()),
                                        nullptr, 0);
    if (n <= 0) return false;
    out.resize(std::size_t(n));
    return ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), int(s.size()), &out[0],
                                 n) == n;
  }
  static void narrow(const std::wstring& w, std::string& out) {
    out.clear();
    if (w.empty()) return;
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, w.data(), int(w.size()), nullptr, 0, nullptr,
                                        nullptr);
    if (n <= 0) return;
    out.resize(std::size_t(n));
    ::WideCharToMultiByte(CP_UTF8, 0, w.data(), int(w.size()), &out[0], n, nullptr, nullptr);
  }
  // MAX_PATH applies to a directory path from 248 characters on: \\?\ lifts it (that form is
  // not normalised, so '/' becomes '\').
  static std::wstring long_path(const std::wstring& p) {
    if (p.size() < 248 || p.compare(0, 4, L"\\\\?\\") == 0) return p;
    std::wstring q = p;
    for (wchar_t& c : q)
      if (c == L'/') c = L'\\';
    if (q.size() > 2 && q[1] == L':') return L"\\\\?\\" + q;
    if (q.compare(0, 2, L"\\\\") == 0) return L"\\\\?\\UNC\\" + q.substr(2);
    return p;
  }

  bool fail(DWORD e, const char* why) {
    last_error_ = e;
    reason_ = why;
    return false;
  }
  int fail_id(DWORD e, const char* why) {
    fail(e, why);
    return -1;
  }

  HANDLE port_ = nullptr;
  int next_id_ = 1;
  std::map<int, std::unique_ptr<Watch>> live_;   // id -> an armed (or being delivered) watch
  std::map<int, std::unique_ptr<Watch>> dying_;  // removed, its read not yet back from the kernel
  std::vector<Completion> held_;                 // dequeued by wait(), not yet drained
  std::vector<unsigned char> scratch_;           // the completion being delivered
  std::string dir_;                              // its directory (a copy: on_event may remove it)
  std::wstring wdir_;
  std::wstring wname_;
  std::string name_;
  DWORD last_error_ = 0;
  const char* reason_ = "";
};

using DirWatcher = BasicDirWatcher<>;

}  // namespace wc

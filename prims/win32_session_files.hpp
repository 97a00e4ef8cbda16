// prims/win32_session_files.hpp: SessionFiles on Windows, the same contract as
// prims/posix_session_files.hpp (read that file first): one record per session in a directory of
// ours inside session.save_path, the same two-slot format (core/session_record.hpp): a rewrite
// in place into the slot that is not the newest intact one (WriteFile at an offset), a new or
// outgrown record written to a temporary file and moved over the record (MoveFileExW with
// MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH); the last-write time as the idle clock.
//
// The directory: <save_path>\wincache-<user tag> (PrimWin32::user_tag(): the token user's SID),
// created with the save path's inherited ACL (IIS gives an app pool's save path to that pool's
// identity; a private DACL as our file mappings have is future work). A name there that is not
// a directory, or is a reparse point (a junction or symbolic link), is refused.
//
// Status: compiled for x86_64 Windows by the win32glue stage; the real-process tests of this
// file on Windows are future work (docs/backends.md).
#pragma once

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>

#include "../core/session_record.hpp"
#include "prim_win32.hpp"

namespace wc {

class SessionFiles {
 public:

  explicit SessionFiles(std::string save_path) : root_(std::move(save_path)) {}
  SessionFiles(const SessionFiles&) = delete;
  SessionFiles& operator=(const SessionFiles&) = delete;

  int last_error() const { return int(last_error_); }
  const char* last_reason() const { return reason_; }
  const std::string& dir() const { return dir_; }

  // hint: SREC-3's word, accepted for the POSIX backing's signature and not used here (the
  // record is always searched; out: 0, no hint).
  bool write(const std::string& id, const char* data, std::uint64_t n,
             std::uint64_t* hint = nullptr) {
    if (hint) *hint = 0;
    if (n > srec::kMaxData) return fail(ERROR_FILE_TOO_LARGE, "a session larger than 2 GB cannot be stored");
    if (!ensure_dir(true)) return false;
    const std::wstring rec = path("s_" + id);
    HANDLE h = ::CreateFileW(rec.c_str(), GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                             FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      const DWORD e = ::GetLastError();
      if (e != ERROR_FILE_NOT_FOUND) return fail(e, "a session file cannot be opened");
      return replace(rec, data, n, srec::plan(0, -1, srec::Head{}, n));
    }
    LARGE_INTEGER size;
    std::uint64_t slot = 0;
    if (::GetFileSizeEx(h, &size) && !reparse_point(h))
      slot = srec::slot_of_file(std::uint64_t(size.QuadPart));
    std::string cur;
    srec::Head head;
    const int c = slot == 0 ? -1 : srec::newest(slot, Reader{h}, cur, head);
    if (c == -2) {
      const DWORD e = ::GetLastError();
      ::CloseHandle(h);
      return fail(e, "a session file could not be read");
    }
    const srec::Plan p = srec::plan(slot, c, head, n);
    if (!p.in_place) {
      ::CloseHandle(h);
      return replace(rec, data, n, p);
    }
    char hd[srec::kHeader];
    srec::encode(hd, data, n, p.gen, p.slot);
    const std::uint64_t off = std::uint64_t(p.target) * p.slot;
    const bool ok = write_at(h, off, hd, srec::kHeader) &&
                    write_at(h, off + srec::kHeader, data, n);
    const DWORD e = ::GetLastError();
    ::CloseHandle(h);
    return ok || fail(e, "a session file could not be written (disk full?)");
  }

  enum class Got : std::uint8_t { found, missing, expired, damaged, error };

  Got read(const std::string& id, std::uint64_t now_ms, std::uint64_t maxlifetime_s,
           std::string& out, bool drop_damaged = true, std::uint64_t* hint = nullptr) {
    if (hint) *hint = 0;  // (SREC-3's hint is not made here)
    if (!ensure_dir(false)) return Got::missing;
    const std::wstring rec = path("s_" + id);
    HANDLE h = ::CreateFileW(rec.c_str(), GENERIC_READ,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      const DWORD e = ::GetLastError();
      if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND) return Got::missing;
      fail(e, "a session file cannot be opened");
      return Got::error;
    }
    FILETIME wt;
    LARGE_INTEGER size;
    if (!::GetFileTime(h, nullptr, nullptr, &wt) || !::GetFileSizeEx(h, &size)) {
      const DWORD e = ::GetLastError();
      ::CloseHandle(h);
      fail(e, "a session file cannot be examined");
      return Got::error;
    }
    if (reparse_point(h)) {
      ::CloseHandle(h);
      return drop(rec, drop_damaged, "not a session record of ours");
    }
    if (idle_out(wt, now_ms, maxlifetime_s)) {
      ::CloseHandle(h);
      return Got::expired;
    }
    const std::uint64_t slot = srec::slot_of_file(std::uint64_t(size.QuadPart));
    srec::Head head;
    int c = -1;
    for (unsigned attempt = 0; slot != 0 && c == -1 && attempt < 3; ++attempt)
      c = srec::newest(slot, Reader{h}, out, head);
    const DWORD e = ::GetLastError();
    ::CloseHandle(h);
    if (c >= 0) return Got::found;
    out.clear();
    if (c == -2) {
      fail(e, "a session file could not be read");
      return Got::error;
    }
    return drop(rec, drop_damaged,
                slot == 0 ? "damaged (its size)" : "damaged (no intact copy: checksum)");
  }

  bool exists(const std::string& id) {
    if (!ensure_dir(false)) return false;
    const DWORD a = ::GetFileAttributesW(path("s_" + id).c_str());
    return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
  }

  bool touch(const std::string& id) {
    if (!ensure_dir(false)) return false;
    HANDLE h = ::CreateFileW(path("s_" + id).c_str(), FILE_WRITE_ATTRIBUTES,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (h == INVALID_HANDLE_VALUE) return false;
    FILETIME now;
    ::GetSystemTimeAsFileTime(&now);
    const bool ok = ::SetFileTime(h, nullptr, nullptr, &now) != 0;
    ::CloseHandle(h);
    return ok;
  }

  bool remove(const std::string& id) {
    return ensure_dir(false) && ::DeleteFileW(path("s_" + id).c_str()) != 0;
  }

  template <class Keep>
  std::uint64_t gc(std::uint64_t now_ms, std::uint64_t maxlifetime_s, Keep&& keep) {
    if (!ensure_dir(false)) return 0;
    WIN32_FIND_DATAW fd;
    HANDLE f = ::FindFirstFileW(path("*").c_str(), &fd);
    if (f == INVALID_HANDLE_VALUE) return 0;
    std::uint64_t removed = 0;
    do {
      if (fd.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) continue;
      std::string n;
      for (const wchar_t* c = fd.cFileName; *c; ++c) n += char(*c < 128 ? *c : '?');
      if (n.compare(0, 2, "t_") == 0) {
        if (idle_out(fd.ftLastWriteTime, now_ms, 60)) ::DeleteFileW(path(n).c_str());
        continue;
      }
      if (n.compare(0, 2, "s_") != 0 || !idle_out(fd.ftLastWriteTime, now_ms, maxlifetime_s))
        continue;
      if (keep(n.substr(2))) continue;
      if (::DeleteFileW(path(n).c_str())) ++removed;
    } while (::FindNextFileW(f, &fd));
    ::FindClose(f);
    return removed;
  }

 private:
  static std::uint64_t unix_ms(const FILETIME& t) {
    const std::uint64_t ticks = (std::uint64_t(t.dwHighDateTime) << 32) | t.dwLowDateTime;
    return ticks / 10000 - 11644473600000ull;  // 100 ns since 1601 -> ms since 1970
  }
  static bool idle_out(const FILETIME& t, std::uint64_t now_ms, std::uint64_t ttl_s) {
    const std::uint64_t m = unix_ms(t);
    return ttl_s != 0 && now_ms > m && (now_ms - m) / 1000 > ttl_s;
  }
  static std::wstring widen(const std::string& s) {
    std::wstring w;
    for (char c : s) w += wchar_t(static_cast<unsigned char>(c));
    return w;
  }
  std::wstring path(const std::string& name) const { return widen(dir_ + "\\" + name); }

  // Our directory in the save path; a reparse point or a file at its name is refused.
  bool ensure_dir(bool create) {
    if (!dir_.empty()) return true;
    const std::string d = root_ + "\\wincache-" + PrimWin32::user_tag();
    const DWORD a = ::GetFileAttributesW(widen(d).c_str());
    if (a != INVALID_FILE_ATTRIBUTES) {
      if (!(a & FILE_ATTRIBUTE_DIRECTORY) || (a & FILE_ATTRIBUTE_REPARSE_POINT))
        return fail(ERROR_ACCESS_DENIED, "the session directory's name is taken by something else");
      dir_ = d;
      return true;
    }
    if (!create) return false;
    if (!::CreateDirectoryW(widen(d).c_str(), nullptr) &&
        ::GetLastError() != ERROR_ALREADY_EXISTS)
      return fail(::GetLastError(), "the session directory could not be created");
    dir_ = d;
    return true;
  }

  static OVERLAPPED at(std::uint64_t off) {
    OVERLAPPED o = {};
    o.Offset = DWORD(off);
    o.OffsetHigh = DWORD(off >> 32);
    return o;
  }
  static bool write_at(HANDLE h, std::uint64_t off, const char* p, std::uint64_t n) {
    while (n > 0) {
      DWORD w = 0;
      OVERLAPPED o = at(off);
      const DWORD chunk = DWORD(n > (1u << 30) ? (1u << 30) : n);
      if (!::WriteFile(h, p, chunk, &w, &o) || w == 0) return false;
      p += w;
      off += w;
      n -= w;
    }
    return true;
  }
  struct Reader {
    HANDLE h;
    bool operator()(std::uint64_t off, char* p, std::uint64_t n) const {
      while (n > 0) {
        DWORD r = 0;
        OVERLAPPED o = at(off);
        const DWORD chunk = DWORD(n > (1u << 30) ? (1u << 30) : n);
        if (!::ReadFile(h, p, chunk, &r, &o) || r == 0) return false;
        p += r;
        off += r;
        n -= r;
      }
      return true;
    }
  };
  static bool reparse_point(HANDLE h) {
    BY_HANDLE_FILE_INFORMATION info;
    return !::GetFileInformationByHandle(h, &info) ||
           (info.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)) != 0;
  }
  // A new record file for the plan (slot 0 written, slot 1 zero) moved over the record.
  bool replace(const std::wstring& rec, const char* data, std::uint64_t n, const srec::Plan& p) {
    static std::atomic<std::uint32_t> counter{0};
    const std::wstring tmp = path("t_" + std::to_string(::GetCurrentProcessId()) + "_" +
                                  std::to_string(counter.fetch_add(1)));
    HANDLE h = ::CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                             FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return fail(::GetLastError(), "a session file could not be created");
    char hd[srec::kHeader];
    srec::encode(hd, data, n, p.gen, p.slot);
    LARGE_INTEGER end;
    end.QuadPart = LONGLONG(2 * p.slot);
    const bool ok = write_at(h, 0, hd, srec::kHeader) && write_at(h, srec::kHeader, data, n) &&
                    ::SetFilePointerEx(h, end, nullptr, FILE_BEGIN) && ::SetEndOfFile(h);
    const DWORD e = ::GetLastError();
    ::CloseHandle(h);
    if (!ok) {
      ::DeleteFileW(tmp.c_str());
      return fail(e, "a session file could not be written (disk full?)");
    }
    if (!::MoveFileExW(tmp.c_str(), rec.c_str(),
                       MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      const DWORD e2 = ::GetLastError();
      ::DeleteFileW(tmp.c_str());
      return fail(e2, "a session file could not be moved into place");
    }
    return true;
  }
  Got drop(const std::wstring& rec, bool really, const char* why) {
    if (really) ::DeleteFileW(rec.c_str());
    fail(ERROR_INVALID_DATA, why);
    return Got::damaged;
  }
  bool fail(DWORD e, const char* why) {
    last_error_ = e;
    reason_ = why;
    return false;
  }

  std::string root_;
  std::string dir_;
  DWORD last_error_ = 0;
  const char* reason_ = "";
};

}  // namespace wc

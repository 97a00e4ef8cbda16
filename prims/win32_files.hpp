// prims/win32_files.hpp: Win32Files, the file system as the file cache sees it on Windows (the
// Fs of core/fcache.hpp; prims/posix_files.hpp is the POSIX one, same contract).
//
//   stat(path)   CreateFileW with FILE_READ_ATTRIBUTES only and every share mode (a stat never
//                blocks a writer or a rename), FILE_FLAG_BACKUP_SEMANTICS (a directory opens
//                too, and is then not regular); GetFileInformationByHandle: size, the file index
//                (inode), the volume serial number (device), the attributes (mode);
//                GetFileInformationByHandleEx(FileBasicInfo): LastWriteTime (mtime) and
//                ChangeTime (ctime), 100 ns ticks turned into ns since 1970.
//   load(...)    the same open with GENERIC_READ; GetFileType must be FILE_TYPE_DISK and the
//                handle not a directory; ReadFile to the end; the information taken again after
//                the read: `changing` unless size, both times and the file index agree.
//   real(path)   GetFinalPathNameByHandleW: the canonical path (not part of the Fs contract; the
//                rerouted unlink/rename name the entries they invalidate with it)
//   now_ns()     GetSystemTimePreciseAsFileTime (the clock NTFS stamps files with).
// Paths are UTF-8 (PHP's internal encoding on Windows since 7.1), converted with CP_UTF8.
#pragma once

#include <windows.h>

#include <cstdint>
#include <string>

#include "../core/fcache.hpp"

namespace wc {

class Win32Files {
 public:
  FileStat stat(const std::string& path) {
    FileStat s{};
    const HANDLE h = open(path, FILE_READ_ATTRIBUTES);
    if (h == INVALID_HANDLE_VALUE) return s;
    info(h, s);
    ::CloseHandle(h);
    return s;
  }

  // The canonical absolute path of `path` (GetFinalPathNameByHandleW: links and junctions
  // resolved, the \\?\ prefix dropped), false if it does not resolve. (Not part of the Fs
  // contract: the rerouted unlink/rename name the entries they invalidate with it.)
  bool real(const std::string& path, std::string& out) {
    const HANDLE h = open(path, FILE_READ_ATTRIBUTES);
    if (h == INVALID_HANDLE_VALUE) return false;
    std::wstring w(MAX_PATH, L'\0');
    DWORD n = ::GetFinalPathNameByHandleW(h, &w[0], DWORD(w.size()),
                                          FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (n >= w.size()) {
      w.assign(std::size_t(n) + 1, L'\0');
      n = ::GetFinalPathNameByHandleW(h, &w[0], DWORD(w.size()),
                                      FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    }
    ::CloseHandle(h);
    if (n == 0 || n >= w.size()) return false;
    w.resize(n);
    if (w.compare(0, 8, L"\\\\?\\UNC\\") == 0) w = L"\\\\" + w.substr(8);
    else if (w.compare(0, 4, L"\\\\?\\") == 0) w = w.substr(4);
    const int m = ::WideCharToMultiByte(CP_UTF8, 0, w.data(), int(w.size()), nullptr, 0, nullptr,
                                        nullptr);
    if (m <= 0) return false;
    out.assign(std::size_t(m), '\0');
    return ::WideCharToMultiByte(CP_UTF8, 0, w.data(), int(w.size()), &out[0], m, nullptr,
                                 nullptr) == m;
  }

  LoadStatus load(const std::string& path, std::uint64_t max, std::uint64_t head, FileStat& st,
                  std::string& buf) {
    const HANDLE h = open(path, GENERIC_READ);
    if (h == INVALID_HANDLE_VALUE) {
      const DWORD e = ::GetLastError();
      return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? LoadStatus::missing
                                                                    : LoadStatus::error;
    }
    const LoadStatus r = read_all(h, max, head, st, buf);
    ::CloseHandle(h);
    return r;
  }

  std::int64_t now_ns() const {
    FILETIME ft;
    ::GetSystemTimePreciseAsFileTime(&ft);
    return ns_of(ft);
  }

 private:
  static std::int64_t ns_of(const FILETIME& t) {
    const std::uint64_t ticks = (std::uint64_t(t.dwHighDateTime) << 32) | t.dwLowDateTime;
    return std::int64_t(ticks - 116444736000000000ull) * 100;
  }
  static std::int64_t ns_of(const LARGE_INTEGER& t) {
    return (std::int64_t(t.QuadPart) - 116444736000000000ll) * 100;
  }
  static bool widen(const std::string& s, std::wstring& out) {
    if (s.empty()) return false;
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), int(s.size()),
                                        nullptr, 0);
    if (n <= 0) return false;
    out.assign(std::size_t(n), L'\0');
    return ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), int(s.size()), &out[0],
                                 n) == n;
  }
  static HANDLE open(const std::string& path, DWORD access) {
    std::wstring w;
    if (!widen(path, w)) return INVALID_HANDLE_VALUE;
    return ::CreateFileW(w.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  }
  static bool info(HANDLE h, FileStat& s) {
    BY_HANDLE_FILE_INFORMATION bi;
    FILE_BASIC_INFO basic;
    if (!::GetFileInformationByHandle(h, &bi) ||
        !::GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof(basic)))
      return false;
    s.exists = true;
    s.regular = (bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0 &&
                ::GetFileType(h) == FILE_TYPE_DISK;
    s.size = (std::uint64_t(bi.nFileSizeHigh) << 32) | bi.nFileSizeLow;
    s.mtime_ns = ns_of(basic.LastWriteTime);
    s.ctime_ns = ns_of(basic.ChangeTime);
    s.inode = (std::uint64_t(bi.nFileIndexHigh) << 32) | bi.nFileIndexLow;
    s.device = bi.dwVolumeSerialNumber;
    s.mode = bi.dwFileAttributes;
    return true;
  }
  static LoadStatus read_all(HANDLE h, std::uint64_t max, std::uint64_t head, FileStat& st,
                             std::string& buf) {
    if (!info(h, st)) return LoadStatus::error;
    if (!st.regular) return LoadStatus::not_regular;
    if (st.size > max) return LoadStatus::too_large;
    buf.assign(std::size_t(head + st.size), '\0');
    std::uint64_t got = 0;
    while (got < st.size) {
      DWORD n = 0;
      const DWORD want = DWORD(st.size - got > 0x10000000 ? 0x10000000 : st.size - got);
      if (!::ReadFile(h, &buf[std::size_t(head + got)], want, &n, nullptr)) return LoadStatus::error;
      if (n == 0) return LoadStatus::changing;
      got += n;
    }
    FileStat a{};
    if (!info(h, a)) return LoadStatus::error;
    if (a.size != st.size || a.mtime_ns != st.mtime_ns || a.ctime_ns != st.ctime_ns ||
        a.inode != st.inode)
      return LoadStatus::changing;
    return LoadStatus::ok;
  }
};

}  // namespace wc

// tests/win32/test_win32_files_real.cpp: prims/win32_files.hpp's real() under Wine: the canonical
// path the rerouted unlink/rename name the entries they invalidate by (GetFinalPathNameByHandleW
// without its \\?\ prefix; the file cache compares such keys lower-cased), and nothing for a name
// that does not resolve.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "prims/win32_files.hpp"

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::string temp_root() {
  wchar_t buf[MAX_PATH];
  const DWORD n = ::GetTempPathW(MAX_PATH, buf);
  std::string s;
  for (DWORD i = 0; i < n; ++i) s += char(buf[i]);
  s += "wcreal_" + std::to_string(::GetCurrentProcessId());
  ::CreateDirectoryA(s.c_str(), nullptr);
  ::CreateDirectoryA((s + "\\dir").c_str(), nullptr);
  if (FILE* f = std::fopen((s + "\\dir\\file.txt").c_str(), "wb")) {
    std::fputs("x", f);
    std::fclose(f);
  }
  return s;
}

TEST(Win32FilesReal, AFileIsItsFullPathWithoutThePrefix) {
  const std::string root = temp_root();
  wc::Win32Files fs;
  std::string full, out;
  {
    char b[MAX_PATH];
    ASSERT_GT(::GetFullPathNameA((root + "\\dir\\file.txt").c_str(), MAX_PATH, b, nullptr), 0u);
    full = b;
  }
  ASSERT_TRUE(fs.real(root + "\\dir\\file.txt", out));
  EXPECT_EQ(lower(out), lower(full));
  EXPECT_NE(out.rfind("\\\\?\\", 0), 0u) << out;
  ASSERT_TRUE(fs.real(root + "\\dir\\..\\dir\\.\\file.txt", out));
  EXPECT_EQ(lower(out), lower(full));
  ASSERT_TRUE(fs.real(root + "/dir/file.txt", out));  // forward slashes, as PHP passes them too
  EXPECT_EQ(lower(out), lower(full));
  ::DeleteFileA((root + "\\dir\\file.txt").c_str());
  ::RemoveDirectoryA((root + "\\dir").c_str());
  ::RemoveDirectoryA(root.c_str());
}

TEST(Win32FilesReal, ANameThatDoesNotResolveIsRefusedAndOutIsUntouched) {
  const std::string root = temp_root();
  wc::Win32Files fs;
  std::string out = "kept";
  EXPECT_FALSE(fs.real(root + "\\nope.txt", out));
  EXPECT_FALSE(fs.real(root + "\\nodir\\file.txt", out));
  EXPECT_EQ(out, "kept");
  ::DeleteFileA((root + "\\dir\\file.txt").c_str());
  ::RemoveDirectoryA((root + "\\dir").c_str());
  ::RemoveDirectoryA(root.c_str());
}

}  // namespace

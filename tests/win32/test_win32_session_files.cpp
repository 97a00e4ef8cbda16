// tests/win32/test_win32_session_files.cpp: prims/win32_session_files.hpp under Wine, on real
// files: the two-slot record (core/session_record.hpp) rewritten in place, a torn newest copy,
// a record with no intact copy, growth, idle expiry and gc. The format's kill-at-any-byte
// property is proptests/prop_session_record.cpp's; this checks the Win32 file calls around it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "prims/win32_session_files.hpp"

namespace {

std::string temp_root(const char* name) {
  wchar_t buf[MAX_PATH];
  const DWORD n = ::GetTempPathW(MAX_PATH, buf);
  std::string s;
  for (DWORD i = 0; i < n; ++i) s += char(buf[i]);
  s += std::string("wcsf_") + name + "_" + std::to_string(::GetCurrentProcessId());
  ::CreateDirectoryA(s.c_str(), nullptr);
  return s;
}

std::string record_path(const wc::SessionFiles& f, const std::string& id) {
  return f.dir() + "\\s_" + id;
}

std::string slurp(const std::string& p) {
  std::string out;
  if (FILE* fp = std::fopen(p.c_str(), "rb")) {
    char b[4096];
    size_t n;
    while ((n = std::fread(b, 1, sizeof b, fp)) > 0) out.append(b, n);
    std::fclose(fp);
  }
  return out;
}

void spill(const std::string& p, const std::string& bytes) {
  FILE* fp = std::fopen(p.c_str(), "wb");
  ASSERT_NE(fp, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), fp);
  std::fclose(fp);
}

std::uint64_t file_id(const std::string& p) {
  HANDLE h = ::CreateFileA(p.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                           OPEN_EXISTING, 0, nullptr);
  BY_HANDLE_FILE_INFORMATION info = {};
  ::GetFileInformationByHandle(h, &info);
  ::CloseHandle(h);
  return (std::uint64_t(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
}

std::uint64_t now_ms() {
  FILETIME t;
  ::GetSystemTimeAsFileTime(&t);
  return ((std::uint64_t(t.dwHighDateTime) << 32) | t.dwLowDateTime) / 10000 - 11644473600000ull;
}

using Got = wc::SessionFiles::Got;

TEST(SessionFilesWin32, RewrittenInPlaceUntilItOutgrowsItsSlots) {
  wc::SessionFiles f(temp_root("inplace"));
  std::string out;
  EXPECT_EQ(f.read("abc", now_ms(), 1440, out), Got::missing);
  ASSERT_TRUE(f.write("abc", std::string(100, 'a').data(), 100)) << f.last_reason();
  const std::string p = record_path(f, "abc");
  const std::string first = slurp(p);
  ASSERT_EQ(first.size() % 1024, 0u);
  const std::uint64_t id = file_id(p);
  ASSERT_TRUE(f.write("abc", std::string(120, 'b').data(), 120));
  ASSERT_TRUE(f.write("abc", std::string(140, 'c').data(), 140));
  EXPECT_EQ(slurp(p).size(), first.size()) << "same slots";
  EXPECT_EQ(file_id(p), id) << "the same file, written in place";
  ASSERT_EQ(f.read("abc", now_ms(), 1440, out), Got::found);
  EXPECT_EQ(out, std::string(140, 'c'));
  ASSERT_TRUE(f.write("abc", std::string(5000, 'e').data(), 5000));
  EXPECT_GE(slurp(p).size(), 2u * 5032u) << "outgrown: a new, bigger file";
  ASSERT_EQ(f.read("abc", now_ms(), 1440, out), Got::found);
  EXPECT_EQ(out, std::string(5000, 'e'));
  EXPECT_TRUE(f.remove("abc"));
  EXPECT_EQ(f.read("abc", now_ms(), 1440, out), Got::missing);
}

TEST(SessionFilesWin32, ATornNewestCopyReadsAsThePreviousAndNoCopyIsDamaged) {
  wc::SessionFiles f(temp_root("torn"));
  std::string out;
  ASSERT_TRUE(f.write("t1", std::string(100, 'a').data(), 100));  // slot 0
  ASSERT_TRUE(f.write("t1", std::string(120, 'b').data(), 120));  // slot 1
  ASSERT_TRUE(f.write("t1", std::string(140, 'c').data(), 140));  // slot 0
  const std::string p = record_path(f, "t1");
  std::string bytes = slurp(p);
  bytes[40] ^= char(0xff);  // slot 0's data: as a writer killed mid-way would leave it
  spill(p, bytes);
  ASSERT_EQ(f.read("t1", now_ms(), 1440, out), Got::found);
  EXPECT_EQ(out, std::string(120, 'b'));
  ASSERT_TRUE(f.write("t1", std::string(150, 'd').data(), 150));  // into the torn slot
  ASSERT_EQ(f.read("t1", now_ms(), 1440, out), Got::found);
  EXPECT_EQ(out, std::string(150, 'd'));
  bytes = slurp(p);
  bytes[40] ^= char(0xff);
  bytes[bytes.size() / 2 + 40] ^= char(0xff);
  spill(p, bytes);
  EXPECT_EQ(f.read("t1", now_ms(), 1440, out, false), Got::damaged);
  EXPECT_FALSE(slurp(p).empty()) << "not dropped when asked not to";
  EXPECT_EQ(f.read("t1", now_ms(), 1440, out), Got::damaged);
  EXPECT_EQ(f.read("t1", now_ms(), 1440, out), Got::missing) << "dropped";
}

TEST(SessionFilesWin32, IdleRecordsExpireAndGcKeepsTheHeldOnes) {
  wc::SessionFiles f(temp_root("gc"));
  std::string out;
  ASSERT_TRUE(f.write("old", "x", 1));
  ASSERT_TRUE(f.write("held", "y", 1));
  ASSERT_TRUE(f.touch("held"));
  EXPECT_EQ(f.read("old", now_ms(), 1440, out), Got::found);
  const std::uint64_t later = now_ms() + 3600 * 1000;  // an hour on: both idle 3600 s > 1440
  EXPECT_EQ(f.read("old", later, 1440, out), Got::expired);
  EXPECT_EQ(f.read("old", later, 0, out), Got::found) << "maxlifetime 0: never idle out";
  EXPECT_EQ(f.gc(now_ms(), 1440, [](const std::string&) { return false; }), 0u);
  EXPECT_EQ(f.gc(later, 1440, [](const std::string& id) { return id == "held"; }), 1u);
  EXPECT_FALSE(f.exists("old"));
  EXPECT_TRUE(f.exists("held"));
}

}  // namespace

// tests/posix/test_posix_files.cpp: PosixFiles (prims/posix_files.hpp), the file cache's view of
// the file system, on the build tree's file system (label posix): what a stat reports, what a
// load reads, and what it refuses (core/fcache.hpp: only a regular file of at most `max` bytes,
// read between two agreeing fstats, is ever stored).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

#include "prims/posix_files.hpp"

namespace {

using wc::FileStat;
using wc::LoadStatus;
using wc::PosixFiles;

class PosixFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::string(WC_FILES_TEST_DIR) + "/" + std::to_string(::getpid());
    ::mkdir(WC_FILES_TEST_DIR, 0755);
    if (::mkdir(dir_.c_str(), 0755) != 0)  // another user's build tree: a directory of our own
      dir_ = "/tmp/wc_files_test." + std::to_string(::getpid()), ::mkdir(dir_.c_str(), 0755);
    ASSERT_EQ(::access(dir_.c_str(), W_OK), 0) << dir_;
  }
  void TearDown() override {
    for (const char* n : {"a", "big", "fifo", "empty", "link"}) ::unlink((dir_ + "/" + n).c_str());
    ::rmdir((dir_ + "/sub").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string path(const char* n) const { return dir_ + "/" + n; }
  void write(const char* n, const std::string& bytes) {
    std::ofstream(path(n), std::ios::binary | std::ios::trunc) << bytes;
    ASSERT_EQ(::access(path(n).c_str(), F_OK), 0) << path(n);
  }
  std::string dir_;
  PosixFiles fs_;
};

TEST_F(PosixFilesTest, LoadReadsTheWholeFileAfterTheHeadAndReportsItsStat) {
  std::string bytes(70000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7 + 3);
  write("a", bytes);
  FileStat st{};
  std::string buf;
  ASSERT_EQ(fs_.load(path("a"), 1 << 20, 64, st, buf), LoadStatus::ok);
  EXPECT_EQ(buf.size(), 64 + bytes.size());
  EXPECT_EQ(buf.substr(64), bytes);
  EXPECT_TRUE(st.exists && st.regular);
  EXPECT_EQ(st.size, bytes.size());
  struct stat sb;
  ASSERT_EQ(::stat(path("a").c_str(), &sb), 0);
  EXPECT_EQ(st.inode, std::uint64_t(sb.st_ino));
  EXPECT_EQ(st.mtime_ns, std::int64_t(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec);
  EXPECT_EQ(st.ctime_ns, std::int64_t(sb.st_ctim.tv_sec) * 1000000000 + sb.st_ctim.tv_nsec);
  // stat() of the path says the same as the load's fstat
  const FileStat s2 = fs_.stat(path("a"));
  EXPECT_TRUE(wc::same_file(wc::meta_of(st, 0, 1), s2));
}

TEST_F(PosixFilesTest, AnEmptyFileLoads) {
  write("empty", "");
  FileStat st{};
  std::string buf;
  ASSERT_EQ(fs_.load(path("empty"), 100, 64, st, buf), LoadStatus::ok);
  EXPECT_EQ(buf.size(), 64u);
  EXPECT_EQ(st.size, 0u);
}

TEST_F(PosixFilesTest, AFileOverTheLimitIsTooLargeAndNotRead) {
  write("big", std::string(1001, 'x'));
  FileStat st{};
  std::string buf;
  EXPECT_EQ(fs_.load(path("big"), 1000, 64, st, buf), LoadStatus::too_large);
  EXPECT_TRUE(buf.empty());
  EXPECT_EQ(fs_.load(path("big"), 1001, 0, st, buf), LoadStatus::ok);
}

TEST_F(PosixFilesTest, AMissingFileIsMissingAndStatSaysItDoesNotExist) {
  FileStat st{};
  std::string buf;
  EXPECT_EQ(fs_.load(path("none"), 1000, 0, st, buf), LoadStatus::missing);
  EXPECT_EQ(fs_.load(path("none/deeper"), 1000, 0, st, buf), LoadStatus::missing);
  EXPECT_FALSE(fs_.stat(path("none")).exists);
}

TEST_F(PosixFilesTest, ADirectoryIsNotRegular) {
  ::mkdir(path("sub").c_str(), 0755);
  FileStat st{};
  std::string buf;
  EXPECT_EQ(fs_.load(path("sub"), 1000, 0, st, buf), LoadStatus::not_regular);
  EXPECT_FALSE(fs_.stat(path("sub")).regular);
}

// A FIFO with no writer would block a plain open(O_RDONLY) forever: the load must return at once.
TEST_F(PosixFilesTest, AFifoIsNotRegularAndDoesNotBlock) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  FileStat st{};
  std::string buf;
  EXPECT_EQ(fs_.load(path("fifo"), 1000, 0, st, buf), LoadStatus::not_regular);
}

TEST_F(PosixFilesTest, ASymlinkIsFollowed) {
  write("a", "target bytes");
  ASSERT_EQ(::symlink(path("a").c_str(), path("link").c_str()), 0);
  FileStat st{};
  std::string buf;
  ASSERT_EQ(fs_.load(path("link"), 1000, 0, st, buf), LoadStatus::ok);
  EXPECT_EQ(buf, "target bytes");
  EXPECT_EQ(fs_.stat(path("link")).inode, fs_.stat(path("a")).inode);
}

TEST_F(PosixFilesTest, AnUnreadableFileIsAnErrorNotMissing) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads a mode-000 file";
  write("a", "secret");
  ::chmod(path("a").c_str(), 0);
  FileStat st{};
  std::string buf;
  EXPECT_EQ(fs_.load(path("a"), 1000, 0, st, buf), LoadStatus::error);
}

// FC-2's inputs: a rewrite in place that keeps the size and puts the mtime back still moves the
// ctime; a rename over the path changes the inode.
TEST_F(PosixFilesTest, ARewriteKeepingSizeAndMtimeStillChangesWhatACheckCompares) {
  write("a", "version 1");
  FileStat st{};
  std::string buf;
  ASSERT_EQ(fs_.load(path("a"), 1000, 0, st, buf), LoadStatus::ok);
  const wc::FileMeta m = wc::meta_of(st, 0, 1);
  // The kernel stamps files from its coarse clock: wait (on that clock) until it has moved past
  // the first write's ctime, so that the rewrite's ctime is another tick.
  for (timespec c{}; ::clock_gettime(CLOCK_REALTIME_COARSE, &c) == 0 &&
                     std::int64_t(c.tv_sec) * 1000000000 + c.tv_nsec <= st.ctime_ns;)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  write("a", "version 2");
  const timespec times[2] = {{0, UTIME_OMIT}, {st.mtime_ns / 1000000000, st.mtime_ns % 1000000000}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path("a").c_str(), times, 0), 0);
  const FileStat now = fs_.stat(path("a"));
  EXPECT_EQ(now.size, st.size);
  EXPECT_EQ(now.mtime_ns, st.mtime_ns);
  EXPECT_NE(now.ctime_ns, st.ctime_ns);
  EXPECT_FALSE(wc::same_file(m, now));
  write("big", "version 3");
  ASSERT_EQ(::rename(path("big").c_str(), path("a").c_str()), 0);
  EXPECT_NE(fs_.stat(path("a")).inode, st.inode);
}

}  // namespace

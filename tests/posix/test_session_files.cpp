// tests/posix/test_session_files.cpp: prims/posix_session_files.hpp on a real disk (the build
// tree), beyond what the phpt tests see through PHP:
//   - the crash-loss bound the docs state: a session write (the first, a new file renamed into
//     place; and a rewrite in place) has no dirty page left in the page cache within
//     vm.dirty_expire_centisecs + vm.dirty_writeback_centisecs (+ 10 s for the flusher's
//     scheduling), measured with cachestat(2) (Linux 6.5+; skipped where there is none, or on
//     tmpfs, which never writes back);
//   - a record that is a symbolic link or another user's file is never read through.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "prims/posix_session_files.hpp"

#ifndef WC_SESSION_TEST_DIR
#error "WC_SESSION_TEST_DIR: a directory on the build tree's file system"
#endif

namespace {

struct CacheStatRange {
  std::uint64_t off, len;
};
struct CacheStat {
  std::uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};
constexpr long kCachestat = 451;  // the same number on every architecture (Linux 6.5)

// Dirty + under-writeback pages of `path`, or -1 if the kernel cannot say.
long unwritten_pages(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  CacheStatRange r{0, 0};
  CacheStat st{};
  const long rc = ::syscall(kCachestat, fd, &r, &st, 0);
  ::close(fd);
  return rc == 0 ? long(st.nr_dirty + st.nr_writeback) : -1;
}

long sysctl_centisecs(const char* name) {
  std::ifstream f(std::string("/proc/sys/vm/") + name);
  long v = -1;
  f >> v;
  return v;
}

std::string fresh_dir(const char* name) {
  const std::string d = std::string(WC_SESSION_TEST_DIR) + "/" + name + "_" +
                        std::to_string(::getpid());
  ::mkdir(WC_SESSION_TEST_DIR, 0700);
  ::mkdir(d.c_str(), 0700);
  return d;
}

class SessionFilesDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fresh_dir("sessfiles");
    struct statfs fs;
    ASSERT_EQ(::statfs(root_.c_str(), &fs), 0);
    if (fs.f_type == 0x01021994)  // TMPFS_MAGIC
      GTEST_SKIP() << root_ << " is on tmpfs: nothing is ever written back";
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + root_ + "'";
    if (!root_.empty()) (void)std::system(cmd.c_str());
  }
  std::string root_;
};

TEST_F(SessionFilesDisk, AWriteIsOnDiskWithinTheDocumentedBound) {
  const long expire = sysctl_centisecs("dirty_expire_centisecs");
  const long every = sysctl_centisecs("dirty_writeback_centisecs");
  ASSERT_GT(expire, 0);
  if (every <= 0) GTEST_SKIP() << "periodic write-back is off (dirty_writeback_centisecs 0)";
  const double bound_s = double(expire + every) / 100.0 + 10.0;
  wc::SessionFiles f(root_);
  const std::string data(3000, 's');
  ASSERT_TRUE(f.write("bound1", data.data(), data.size())) << f.last_reason();  // a new file
  ASSERT_TRUE(f.write("bound2", data.data(), data.size()));
  ASSERT_TRUE(f.write("bound2", data.data(), 2000));  // bound2: then rewritten in place
  const std::string p1 = f.dir() + "/s_bound1", p2 = f.dir() + "/s_bound2";
  const long d1 = unwritten_pages(p1), d2 = unwritten_pages(p2);
  if (d1 < 0) GTEST_SKIP() << "no cachestat(2) on this kernel (Linux 6.5+)";
  std::printf("[bound] right after the writes: %ld and %ld unwritten pages; bound %.0f s "
              "(dirty_expire %ld cs + dirty_writeback %ld cs + 10 s)\n",
              d1, d2, bound_s, expire, every);
  const auto t0 = std::chrono::steady_clock::now();
  double took = 0;
  for (;;) {
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (unwritten_pages(p1) == 0 && unwritten_pages(p2) == 0) break;
    ASSERT_LT(took, bound_s) << "a session write still not written back after " << took << " s";
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::printf("[bound] both records written back after %.1f s\n", took);
}

TEST_F(SessionFilesDisk, ALinkOrAForeignModeIsNeverReadThrough) {
  wc::SessionFiles f(root_);
  ASSERT_TRUE(f.write("real", "secret", 6));
  std::string out;
  ASSERT_EQ(f.read("real", 0, 0, out), wc::SessionFiles::Got::found);
  ASSERT_EQ(out, "secret");
  const std::string link = f.dir() + "/s_link";
  ASSERT_EQ(::symlink((f.dir() + "/s_real").c_str(), link.c_str()), 0);
  EXPECT_EQ(f.read("link", 0, 0, out), wc::SessionFiles::Got::damaged);
  struct stat st;
  EXPECT_NE(::lstat(link.c_str(), &st), 0) << "the link is removed";
  EXPECT_EQ(::stat((f.dir() + "/s_real").c_str(), &st), 0) << "its target is not";
  ASSERT_EQ(::chmod((f.dir() + "/s_real").c_str(), 0644), 0);
  EXPECT_EQ(f.read("real", 0, 0, out, false), wc::SessionFiles::Got::damaged);
  EXPECT_EQ(::stat((f.dir() + "/s_real").c_str(), &st), 0) << "not dropped when asked not to";
  // A writer replaces what is not a record of ours instead of writing into it.
  ASSERT_TRUE(f.write("real", "fresh", 5));
  ASSERT_EQ(::stat((f.dir() + "/s_real").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(f.read("real", 0, 0, out), wc::SessionFiles::Got::found);
  EXPECT_EQ(out, "fresh");
}

}  // namespace

// tests/posix/test_files_real.cpp: prims/posix_files.hpp's real(): the canonical path the
// rerouted unlink/rename name the entries they invalidate by (it must be what PHP's realpath()
// gives for an existing name, and nothing for a name that does not resolve).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "prims/posix_files.hpp"

namespace {

struct Tree {
  std::string root;
  Tree() {
    char tmpl[] = "/tmp/wc_files_real.XXXXXX";
    root = ::mkdtemp(tmpl);
    char buf[4096];
    root = ::realpath(root.c_str(), buf);  // /tmp itself may be a symlink
    ::mkdir((root + "/dir").c_str(), 0755);
    std::FILE* f = std::fopen((root + "/dir/file.txt").c_str(), "w");
    std::fputs("x", f);
    std::fclose(f);
    ::symlink("dir/file.txt", (root + "/link").c_str());
    ::symlink("dir", (root + "/dlink").c_str());
    ::symlink("missing", (root + "/dangling").c_str());
  }
  ~Tree() {
    for (const char* p : {"/link", "/dlink", "/dangling", "/dir/file.txt"}) ::unlink((root + p).c_str());
    ::rmdir((root + "/dir").c_str());
    ::rmdir(root.c_str());
  }
};

TEST(PosixFilesReal, AFileNamedDirectlyIsItself) {
  Tree t;
  wc::PosixFiles fs;
  std::string out;
  ASSERT_TRUE(fs.real(t.root + "/dir/file.txt", out));
  EXPECT_EQ(out, t.root + "/dir/file.txt");
  ASSERT_TRUE(fs.real(t.root + "/dir/../dir/./file.txt", out));
  EXPECT_EQ(out, t.root + "/dir/file.txt");
}

TEST(PosixFilesReal, SymlinksAreResolvedLastComponentAndDirectories) {
  Tree t;
  wc::PosixFiles fs;
  std::string out;
  ASSERT_TRUE(fs.real(t.root + "/link", out));
  EXPECT_EQ(out, t.root + "/dir/file.txt");
  ASSERT_TRUE(fs.real(t.root + "/dlink/file.txt", out));
  EXPECT_EQ(out, t.root + "/dir/file.txt");
  ASSERT_TRUE(fs.real(t.root + "/dlink", out));
  EXPECT_EQ(out, t.root + "/dir");
}

TEST(PosixFilesReal, ANameThatDoesNotResolveIsRefusedAndOutIsUntouched) {
  Tree t;
  wc::PosixFiles fs;
  std::string out = "kept";
  EXPECT_FALSE(fs.real(t.root + "/nope.txt", out));
  EXPECT_FALSE(fs.real(t.root + "/dangling", out));
  EXPECT_FALSE(fs.real(t.root + "/dir/file.txt/x", out));
  EXPECT_EQ(out, "kept");
}

}  // namespace

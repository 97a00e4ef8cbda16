// tests/posix/test_watch.cpp: prims/posix_watch.hpp (DirWatcher, inotify) on real files in the
// build tree: each scenario of docs/design/files.md §3 the file cache relies on (a write in
// place, the atomic deploy's rename over a name, a delete, a create, a symbolic link swap, a
// watched directory removed or moved, an overflow of the kernel's queue, a removed watch) makes
// the event the cache needs.
//
// No test depends on timing. An expected event is waited for with a hang bound (10 s), never
// slept for. "Nothing else was reported" is only checked where the kernel guarantees it: one
// inotify instance has ONE queue, in the order the events happened, so everything a step caused
// is queued before the events of a later "sentinel" write (a new file, written: appeared,
// changed), and collecting until the sentinel's first event has seen all of it.
//
// Negative twins (BasicDirWatcher<seeded bug>): WinCache's dropped ADDED / RENAMED_NEW_NAME and a
// swallowed overflow; the same scenario must then find the event missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "prims/posix_watch.hpp"

#ifndef WC_WATCH_TEST_DIR
#error "WC_WATCH_TEST_DIR: a directory on the build tree's file system"
#endif

namespace {

using Kind = wc::DirWatcher::Kind;

struct DropAppeared : wc::NoWatchBugs {
  static constexpr bool drop_appeared = true;
};
struct DropOverflow : wc::NoWatchBugs {
  static constexpr bool drop_overflow = true;
};

struct Seen {
  Kind kind;
  bool is_dir;
  int id;
  std::string dir, name;
};
using Pred = std::function<bool(const Seen&)>;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::changed: return "changed";
    case Kind::appeared: return "appeared";
    case Kind::vanished: return "vanished";
    case Kind::dir_gone: return "dir_gone";
    case Kind::overflow: return "overflow";
  }
  return "?";
}

std::string show(const std::vector<Seen>& evs) {
  std::string s;
  std::size_t shown = 0;
  for (const Seen& e : evs) {
    if (++shown > 40) {
      s += "  ... (" + std::to_string(evs.size()) + " in all)\n";
      break;
    }
    s += std::string("  ") + kind_name(e.kind) + (e.is_dir ? " dir " : " ") + e.dir + " | " +
         e.name + " (id " + std::to_string(e.id) + ")\n";
  }
  return s.empty() ? "  (none)\n" : s;
}

Pred is(Kind k, const std::string& dir, const std::string& name) {
  return [=](const Seen& e) { return e.kind == k && e.dir == dir && e.name == name; };
}
bool any(const std::vector<Seen>& evs, const Pred& p) {
  for (const Seen& e : evs)
    if (p(e)) return true;
  return false;
}

constexpr int kHangMs = 10000;

// Waits and drains until an event satisfies `until` (a hang past kHangMs fails the test).
template <class W>
std::vector<Seen> collect(W& w, const Pred& until) {
  std::vector<Seen> evs;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHangMs);
  for (;;) {
    w.drain([&](const typename W::Event& e) {
      evs.push_back(Seen{e.kind, e.is_dir, e.id, std::string(e.dir), std::string(e.name)});
    });
    if (any(evs, until)) return evs;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      ADD_FAILURE() << "the awaited event did not come within " << kHangMs << " ms; seen:\n"
                    << show(evs);
      return evs;
    }
    if (w.wait(int(left)) == W::Wait::failed) {
      ADD_FAILURE() << "wait failed: " << w.last_reason();
      return evs;
    }
  }
}

void spill(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), ssize_t(bytes.size()));
  ::close(fd);
}

class Dirs {
 public:
  Dirs() {
    static int n = 0;
    root_ = std::string(WC_WATCH_TEST_DIR) + "/w" + std::to_string(::getpid()) + "_" +
            std::to_string(n++);
    ::mkdir(WC_WATCH_TEST_DIR, 0755);
    std::string cmd = "rm -rf '" + root_ + "'";
    (void)std::system(cmd.c_str());
    ::mkdir(root_.c_str(), 0755);
  }
  ~Dirs() {
    std::string cmd = "rm -rf '" + root_ + "'";
    (void)std::system(cmd.c_str());
  }
  const std::string& root() const { return root_; }
  std::string make(const std::string& rel) const {
    const std::string p = root_ + "/" + rel;
    ::mkdir(p.c_str(), 0755);
    return p;
  }

  // A new file in `dir`, written: its appeared/changed events come after everything before.
  std::string sentinel(const std::string& dir) {
    const std::string name = ".sentinel" + std::to_string(sentinels_++);
    spill(dir + "/" + name, "s");
    return name;
  }

 private:
  std::string root_;
  unsigned sentinels_ = 0;
};

// Performs `step` in watched `dir`, then a sentinel there; returns every event up to it.
template <class W>
std::vector<Seen> after(W& w, Dirs& d, const std::string& dir, const std::function<void()>& step) {
  step();
  const std::string s = d.sentinel(dir);
  return collect(w, [&](const Seen& e) { return e.dir == dir && e.name == s; });
}

template <class W>
int must_add(W& w, const std::string& dir) {
  const int id = w.add(dir);
  EXPECT_GT(id, 0) << dir << ": " << w.last_reason() << " (errno " << w.last_error() << ")";
  return id;
}

// --- the scenarios, run by the tests and by the twins --------------------------------------

// The atomic deploy: the new content written to a temporary name, renamed over the live one.
template <class W>
bool rename_over_reports_the_target(std::string* why) {
  Dirs d;
  const std::string dir = d.make("app");
  spill(dir + "/index.php", "<?php old");
  W w;
  EXPECT_TRUE(w.open()) << w.last_reason();
  must_add(w, dir);
  const auto evs = after(w, d, dir, [&] {
    spill(dir + "/.index.php.tmp", "<?php new");
    EXPECT_EQ(::rename((dir + "/.index.php.tmp").c_str(), (dir + "/index.php").c_str()), 0);
  });
  *why = show(evs);
  return any(evs, is(Kind::appeared, dir, "index.php"));
}

// More events than max_queued_events, not drained: the kernel queues IN_Q_OVERFLOW.
template <class W>
bool overflow_is_reported(std::string* why) {
  long max_queued = -1;
  std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> max_queued;
  EXPECT_GT(max_queued, 0) << "cannot read /proc/sys/fs/inotify/max_queued_events";
  if (max_queued <= 0 || max_queued > (1L << 22)) {
    *why = "max_queued_events = " + std::to_string(max_queued);
    return false;
  }
  Dirs d;
  const std::string dir = d.make("busy");
  W w;
  EXPECT_TRUE(w.open()) << w.last_reason();
  must_add(w, dir);
  // Two files written in turn: inotify merges an event only with an identical last one, so
  // each write is one queued IN_MODIFY; 2 * max_queued of them cannot all fit.
  const int a = ::open((dir + "/a").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  const int b = ::open((dir + "/b").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  EXPECT_GE(a, 0);
  EXPECT_GE(b, 0);
  for (long i = 0; i < max_queued; ++i) {
    EXPECT_EQ(::pwrite(a, "x", 1, 0), 1);
    EXPECT_EQ(::pwrite(b, "x", 1, 0), 1);
  }
  ::close(a);
  ::close(b);
  // The queue is full (a sentinel now would be dropped too): read it all, then the sentinel.
  std::vector<Seen> evs;
  while (w.wait(0) == W::Wait::ready)
    w.drain([&](const typename W::Event& e) {
      evs.push_back(Seen{e.kind, e.is_dir, e.id, std::string(e.dir), std::string(e.name)});
    });
  const auto rest = after(w, d, dir, [] {});
  evs.insert(evs.end(), rest.begin(), rest.end());
  std::size_t overflows = 0;
  for (const Seen& e : evs) overflows += e.kind == Kind::overflow;
  *why = "max_queued_events " + std::to_string(max_queued) + ", " +
         std::to_string(evs.size()) + " events, " + std::to_string(overflows) + " overflow(s)";
  if (overflows) {
    for (const Seen& e : evs)
      if (e.kind == Kind::overflow) {
        EXPECT_TRUE(e.dir.empty() && e.name.empty() && e.id == 0);
      }
    EXPECT_LE(evs.size(), std::size_t(max_queued) + 16) << "the queue held more than its limit";
  }
  return overflows > 0;
}

// --- tests ---------------------------------------------------------------------------------

TEST(DirWatcher, WriteInPlaceIsChanged) {
  Dirs d;
  const std::string dir = d.make("app");
  spill(dir + "/config.php", "<?php 1");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  const int id = must_add(w, dir);
  const auto evs = after(w, d, dir, [&] {
    const int fd = ::open((dir + "/config.php").c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "<?php 2", 7, 0), 7);
    ::close(fd);
  });
  EXPECT_TRUE(any(evs, is(Kind::changed, dir, "config.php"))) << show(evs);
  for (const Seen& e : evs)
    if (e.name == "config.php") {
      EXPECT_EQ(e.kind, Kind::changed) << show(evs);
      EXPECT_EQ(e.id, id);
      EXPECT_FALSE(e.is_dir);
    }
}

TEST(DirWatcher, AttributeChangeIsChanged) {
  Dirs d;
  const std::string dir = d.make("app");
  spill(dir + "/x.php", "<?php");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, dir);
  const auto evs = after(w, d, dir, [&] {
    ASSERT_EQ(::chmod((dir + "/x.php").c_str(), 0600), 0);
    ASSERT_EQ(::chmod(dir.c_str(), 0700), 0);
  });
  EXPECT_TRUE(any(evs, is(Kind::changed, dir, "x.php"))) << show(evs);
  EXPECT_TRUE(any(evs, [&](const Seen& e) {
    return e.kind == Kind::changed && e.dir == dir && e.name.empty() && e.is_dir;
  })) << "the directory's own mode: changed, name \"\", is_dir\n"
      << show(evs);
}

TEST(DirWatcher, RenameOverReportsTheTargetName) {
  std::string why;
  EXPECT_TRUE(rename_over_reports_the_target<wc::DirWatcher>(&why)) << why;
}

TEST(DirWatcher, DeleteIsVanished) {
  Dirs d;
  const std::string dir = d.make("app");
  spill(dir + "/old.php", "<?php");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, dir);
  const auto evs = after(w, d, dir, [&] { ASSERT_EQ(::unlink((dir + "/old.php").c_str()), 0); });
  EXPECT_TRUE(any(evs, is(Kind::vanished, dir, "old.php"))) << show(evs);
}

TEST(DirWatcher, CreateIsAppeared) {
  Dirs d;
  const std::string dir = d.make("app");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, dir);
  const auto evs = after(w, d, dir, [&] {
    spill(dir + "/new.php", "<?php");
    ASSERT_EQ(::mkdir((dir + "/lib").c_str(), 0755), 0);
  });
  EXPECT_TRUE(any(evs, is(Kind::appeared, dir, "new.php"))) << show(evs);
  EXPECT_TRUE(any(evs, [&](const Seen& e) {
    return e.kind == Kind::appeared && e.dir == dir && e.name == "lib" && e.is_dir;
  })) << "a new subdirectory: appeared, is_dir\n"
      << show(evs);
}

// `ln -sfn releases/2 current` done atomically: a new link renamed over `current`.
TEST(DirWatcher, SymlinkSwapReportsCurrent) {
  Dirs d;
  const std::string base = d.make("site");
  d.make("site/r1");
  d.make("site/r2");
  ASSERT_EQ(::symlink("r1", (base + "/current").c_str()), 0);
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, base);
  const auto evs = after(w, d, base, [&] {
    ASSERT_EQ(::symlink("r2", (base + "/.current.new").c_str()), 0);
    ASSERT_EQ(::rename((base + "/.current.new").c_str(), (base + "/current").c_str()), 0);
  });
  EXPECT_TRUE(any(evs, is(Kind::appeared, base, "current"))) << show(evs);
  char target[16] = {};
  ASSERT_GT(::readlink((base + "/current").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "r2");
}

TEST(DirWatcher, RemovedDirectoryIsDirGoneOnce) {
  Dirs d;
  const std::string parent = d.make("www");
  const std::string sub = d.make("www/lib");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, parent);
  const int id = must_add(w, sub);
  ASSERT_EQ(w.size(), 2u);
  // The sentinel goes to the parent: one queue, so the sub's events come before it.
  const auto evs = after(w, d, parent, [&] { ASSERT_EQ(::rmdir(sub.c_str()), 0); });
  std::size_t gone = 0;
  for (const Seen& e : evs)
    if (e.kind == Kind::dir_gone) {
      ++gone;
      EXPECT_EQ(e.dir, sub);
      EXPECT_EQ(e.id, id);
      EXPECT_TRUE(e.name.empty());
      EXPECT_TRUE(e.is_dir);
    }
  EXPECT_EQ(gone, 1u) << "IN_DELETE_SELF and IN_IGNORED make one dir_gone\n" << show(evs);
  EXPECT_TRUE(any(evs, [&](const Seen& e) {
    return e.kind == Kind::vanished && e.dir == parent && e.name == "lib" && e.is_dir;
  })) << show(evs);
  EXPECT_EQ(w.size(), 1u) << "the dead watch is forgotten";
  EXPECT_FALSE(w.remove(id));
}

// A moved directory's watch would follow it: reported gone, and nothing more under the old path.
TEST(DirWatcher, MovedDirectoryIsDirGoneAndForgotten) {
  Dirs d;
  const std::string parent = d.make("www");
  const std::string sub = d.make("www/lib");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, parent);
  const int id = must_add(w, sub);
  auto evs = after(w, d, parent, [&] {
    ASSERT_EQ(::rename(sub.c_str(), (parent + "/lib.old").c_str()), 0);
  });
  EXPECT_TRUE(any(evs, [&](const Seen& e) {
    return e.kind == Kind::dir_gone && e.dir == sub && e.id == id;
  })) << show(evs);
  evs = after(w, d, parent, [&] { spill(parent + "/lib.old/moved.php", "<?php"); });
  EXPECT_FALSE(any(evs, [&](const Seen& e) { return e.dir == sub; }))
      << "an event of the moved directory reported under its old path\n"
      << show(evs);
  EXPECT_EQ(w.size(), 1u);
  // The kernel's watch went too: the directory at its new place is a new watch.
  EXPECT_NE(must_add(w, parent + "/lib.old"), id) << "the moved directory was still watched";
}

TEST(DirWatcher, OverflowIsReported) {
  std::string why;
  EXPECT_TRUE(overflow_is_reported<wc::DirWatcher>(&why)) << why;
}

TEST(DirWatcher, EventsOfARemovedWatchAreSkipped) {
  Dirs d;
  const std::string a = d.make("a");
  const std::string b = d.make("b");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  const int ida = must_add(w, a);
  must_add(w, b);
  // Events of `a` queued, then its watch removed before they are read.
  for (int i = 0; i < 5; ++i) spill(a + "/f" + std::to_string(i), "x");
  ASSERT_TRUE(w.remove(ida)) << w.last_reason();
  EXPECT_FALSE(w.remove(ida)) << "removed twice";
  const auto evs = after(w, d, b, [] {});
  EXPECT_FALSE(any(evs, [&](const Seen& e) { return e.dir == a || e.id == ida; }))
      << "events of a removed watch delivered\n"
      << show(evs);
  // Added again: a new id (watch descriptors are allocated cyclically), events flow again.
  const int again = must_add(w, a);
  EXPECT_NE(again, ida);
  const auto more = after(w, d, a, [&] { spill(a + "/g", "x"); });
  EXPECT_TRUE(any(more, is(Kind::appeared, a, "g"))) << show(more);
}

TEST(DirWatcher, WaitTimesOutWithNoEvents) {
  Dirs d;
  const std::string dir = d.make("quiet");
  wc::DirWatcher w;
  ASSERT_TRUE(w.open()) << w.last_reason();
  must_add(w, dir);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(w.wait(200), wc::DirWatcher::Wait::timeout);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
  EXPECT_GE(ms, 190) << "poll() returned early";
  EXPECT_EQ(w.drain([](const wc::DirWatcher::Event&) {}), 0u);
}

TEST(DirWatcher, AddRefusesWhatIsNotADirectory) {
  Dirs d;
  const std::string dir = d.make("real");
  spill(d.root() + "/file", "x");
  ASSERT_EQ(::symlink("real", (d.root() + "/link").c_str()), 0);
  wc::DirWatcher w;
  EXPECT_EQ(w.add(dir), -1) << "not open";
  ASSERT_TRUE(w.open()) << w.last_reason();
  EXPECT_EQ(w.add(d.root() + "/missing"), -1);
  EXPECT_EQ(w.last_error(), ENOENT);
  EXPECT_EQ(w.add(d.root() + "/file"), -1);
  EXPECT_EQ(w.last_error(), ENOTDIR);
  EXPECT_EQ(w.add(d.root() + "/link"), -1) << "IN_DONT_FOLLOW: a symbolic link is not followed";
  EXPECT_EQ(w.last_error(), ENOTDIR);
  const int id = must_add(w, dir);
  EXPECT_EQ(w.add(dir), id) << "the same path again: the same watch";
  EXPECT_EQ(w.size(), 1u);
}

// --- negative twins ------------------------------------------------------------------------

TEST(DirWatcherTwin, DroppedAppearedMissesTheRenameOver) {
  std::string why;
  EXPECT_FALSE(rename_over_reports_the_target<wc::BasicDirWatcher<DropAppeared>>(&why))
      << "the twin dropping IN_MOVED_TO still reported the deploy\n"
      << why;
}

TEST(DirWatcherTwin, DroppedOverflowIsMissed) {
  std::string why;
  EXPECT_FALSE(overflow_is_reported<wc::BasicDirWatcher<DropOverflow>>(&why))
      << "the twin swallowing IN_Q_OVERFLOW still reported it: " << why;
}

}  // namespace

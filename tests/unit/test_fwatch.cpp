// tests/unit/test_fwatch.cpp: the owner's watcher applying an event (core/fwatch.hpp on_event)
// over real stores on real threads. An event on a cached file must leave nothing trusted that the
// change made stale: either the file's entry is gone, or the epoch moved (FC-6, FC-7). The case
// here is a removal the lock refuses (a misuse: this thread already holds the file store's read
// lock, as the extension's request thread once did beside its watcher thread, stop 28), which is
// handled as an overflow. The seeded twin (NoFileWatchBugs::ignore_failed_remove) drops the
// failed removal, and the same check must flag it.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/fcache.hpp"
#include "core/fwatch.hpp"
#include "core/watch_lease.hpp"
#include "prims/prim_std.hpp"

namespace {

using namespace wc;
using FileStore = KeyedStore<PrimStd, FilePolicy>;
using WatchStore = KeyedStore<PrimStd, WatchPolicy>;
using Lease = WatchLease<PrimStd>;

struct IgnoreFailedRemove : NoFileWatchBugs {
  static constexpr bool ignore_failed_remove = true;
};

struct alignas(64) Line {
  std::uint64_t w[8];
};

constexpr std::uint64_t kNow = 1000;
const std::string kDir = "/srv/app";
const std::string kFile = "/srv/app/x.php";

struct Stores {
  std::vector<Line> fmem = std::vector<Line>(1 << 14);  // 1 MB
  std::vector<Line> wmem = std::vector<Line>(1 << 12);  // 256 KB
  FileStore* files = FileStore::create(fmem.data(), fmem.size() * sizeof(Line), kNow);
  WatchStore* table = WatchStore::create(wmem.data(), wmem.size() * sizeof(Line), kNow);
  std::unique_ptr<Lease> lease = std::make_unique<Lease>();

  bool cache_file() {
    const std::string bytes = "<?php return 1;\n";
    return files->store(0, kFile.data(), std::uint32_t(kFile.size()), ValueType::string_v,
                        bytes.data(), bytes.size(), 0, kNow, FileStore::Mode::set) ==
           CacheStatus::ok;
  }
  bool file_cached() { return files->present(0, kFile.data(), std::uint32_t(kFile.size())); }
};

struct Outcome {
  bool applied = false;        // on_event's answer
  bool entry_gone = false;     // the file's entry was removed
  bool epoch_moved = false;    // nothing validated before the event is trusted any more
  std::uint64_t overflows = 0;  // the lease's count of overflows
};

// A change of x.php applied by the watcher; `holding`: while this thread holds the file store's
// read lock (inside a get of the entry), so that the removal's write lock is refused.
template <class Bugs>
Outcome apply_change(bool holding) {
  Stores s;
  Outcome o;
  if (!s.files || !s.table || !s.cache_file()) {
    ADD_FAILURE() << "set-up failed";
    return o;
  }
  FileWatch<Lease, WatchStore, FileStore, Bugs> fw(*s.lease, *s.table, *s.files);
  const std::uint64_t e0 = s.lease->epoch();
  auto event = [&] {
    o.applied = fw.on_event(0, kNow, DirEvent::changed, kDir, kDirFiles, "x.php", false);
  };
  if (holding) {
    const CacheStatus st =
        s.files->get_entry(0, kFile.data(), std::uint32_t(kFile.size()), kNow,
                           [&](auto&) { event(); });
    EXPECT_EQ(st, CacheStatus::ok);
  } else {
    event();
  }
  o.entry_gone = !s.file_cached();
  o.epoch_moved = s.lease->epoch() != e0;
  o.overflows = s.lease->stats().overflows;
  return o;
}

TEST(FileWatchEvent, AChangeRemovesTheFilesEntryAndLeavesTheEpoch) {
  const Outcome o = apply_change<NoFileWatchBugs>(false);
  EXPECT_TRUE(o.applied);
  EXPECT_TRUE(o.entry_gone);
  EXPECT_FALSE(o.epoch_moved);
  EXPECT_EQ(o.overflows, 0u);
}

TEST(FileWatchEvent, ARemovalTheLockRefusesIsAnOverflow) {
  const Outcome o = apply_change<NoFileWatchBugs>(true);
  EXPECT_TRUE(o.applied);
  EXPECT_FALSE(o.entry_gone);  // the lock did refuse it: the case is real
  EXPECT_TRUE(o.entry_gone || o.epoch_moved) << "a stale entry is still trusted";
  EXPECT_EQ(o.overflows, 1u);
}

// The negative twin: the same scenario and check with the failed removal dropped.
TEST(FileWatchEvent, TwinIgnoringTheFailedRemovalIsFlagged) {
  const Outcome o = apply_change<IgnoreFailedRemove>(true);
  EXPECT_FALSE(o.entry_gone);
  EXPECT_FALSE(o.entry_gone || o.epoch_moved) << "the check did not flag the seeded bug";
}

}  // namespace

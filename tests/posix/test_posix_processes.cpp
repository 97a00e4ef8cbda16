// tests/posix/test_posix_processes.cpp: the core on PrimPosix / PosixOs with REAL processes.
//
// Workers are separate processes (posix_worker, fork + exec; see worker.cpp for the commands).
// Kills are SIGKILL. Every test uses its own group (a unique namesalt), cleans the group's
// objects (in PosixOs's per-user directory under /dev/shm) before and after, and its Children
// destructor SIGKILLs and reaps whatever worker is left, whatever the test asserted. Where segments must survive a kill, the test
// process itself joins the group and stays attached (the "keeper"): a segment lives exactly as
// long as a live process uses it (SEG-2), so without a keeper the next join would reap the dead
// worker and destroy the very data we want to see recovered.
//
// Killed workers are usually NOT reaped (waitpid) before the survivors look: they are zombies,
// which PrimPosix::alive must already count as dead.
//
// Time is asserted only as a hang bound (kAcquireBoundMs = kHangMs, generous, for a loaded
// 2-core box shared with parallel builds and other tests): a bound that expires means "never
// happened", it never measures how fast something happened.
#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "common.hpp"
#include "harness.hpp"

namespace {

using namespace pt;
using wc::Acquire;
using wc::Scope;
using Status = Group::Status;

constexpr long long kAcquireBoundMs = kHangMs;  // a hang check, not a timing test

class Processes : public ::testing::Test {
 protected:
  void SetUp() override {
    salt_ = unique_salt();
    group_ = wc::group_name(std::uint64_t(::getpid()), "", salt_);
    also_clean(group_);
  }
  void TearDown() override {
    kids_.kill_all();
    if (keeper_) keeper_->leave();
    keeper_.reset();
    for (const auto& p : prefixes_) p.clean();
  }

  // Registers a group whose objects this test must not leave behind; cleans it now.
  void also_clean(const std::string& group) {
    prefixes_.emplace_back(group);
    prefixes_.back().clean();
  }
  std::vector<std::string> leftovers() const {
    std::vector<std::string> all;
    for (const auto& p : prefixes_)
      for (auto& n : p.list()) all.push_back(n);
    return all;
  }

  // The test process as a member of the group.
  Group& keeper() {
    if (!keeper_) {
      keeper_ = std::make_unique<Group>(os_, group_, kinds(), init_content);
      const auto s = keeper_->join();
      EXPECT_EQ(s, Status::ok) << status_name(s) << " errno " << os_.last_error();
    }
    return *keeper_;
  }
  void keeper_leaves() {
    if (keeper_) keeper_->leave();
    keeper_.reset();
  }

  Child& spawn(const std::vector<std::string>& args, bool via_intermediate = false,
               const std::string& exe = WC_POSIX_WORKER) {
    return kids_.spawn(args, via_intermediate, exe);
  }

  // Runs a worker to completion: its "result" line (empty if none), exit code in *code.
  Fields run(const std::vector<std::string>& args, int* code) {
    Child& c = spawn(args);
    Fields f = Children::expect_line(c, "result");
    if (f.empty()) Children::kill9(c);  // no report within the bound: do not wait twice
    *code = Children::wait_exit(c);
    last_transcript_ = c.transcript;
    std::printf("  [%s] %s", args[0].c_str(), c.transcript.c_str());
    return f;
  }

  // A new value at table[key] of the keeper's view, in one transaction.
  static void keeper_store(const View& v, unsigned key, u64 seed) {
    ASSERT_EQ(v.d->lock.lock(), Acquire::ok);
    v.h->begin();
    ASSERT_TRUE(store_value(v, key, seed, 50));
    v.h->commit();
    ASSERT_TRUE(v.d->lock.unlock());
  }

  std::string salt_;
  std::string group_;
  wc::PosixOs os_;
  std::unique_ptr<Group> keeper_;
  Children kids_;
  std::vector<ShmPrefix> prefixes_;
  std::string last_transcript_;
};

// (a) Four processes hammer one lock and one allocator: values written by one verify in all.
// Each runs at least 200 operations (the first a write, the second a read) and 1.5 s; then each
// stores a marker value of its own, and once all four have, each verifies every value and counts
// the other three's markers. Whatever the scheduling (even one worker after another), every
// marker is there to verify: the check does not depend on how the hammering interleaved.
TEST_F(Processes, FourWorkersShareTheLockAndTheAllocator) {
  std::vector<Child*> ws;
  for (int i = 0; i < 4; ++i)
    ws.push_back(&spawn({"hammer", group_, "ms=1500", "min_ops=200", "idx=" + std::to_string(i),
                         "seed=" + std::to_string(1000 + i)}));
  for (Child* w : ws) {
    const Fields f = Children::expect_line(*w, "ready");
    ASSERT_FALSE(f.empty()) << "worker " << w->pid << " never attached:\n" << w->transcript;
  }
  for (Child* w : ws) Children::send(*w, "g");  // all attached: start together
  for (Child* w : ws)
    ASSERT_FALSE(Children::expect_line(*w, "stored").empty())
        << "worker " << w->pid << " never stored its marker:\n" << w->transcript;
  for (Child* w : ws) Children::send(*w, "v");  // every marker is stored: verify
  long long foreign = 0;
  for (Child* w : ws) {
    const Fields r = Children::expect_line(*w, "result");
    const int code = Children::wait_exit(*w);
    std::printf("  [hammer %d] %s", int(w->pid), w->transcript.c_str());
    EXPECT_EQ(code, 0) << "worker " << w->pid << ":\n" << w->transcript;
    EXPECT_GE(num(r, "ops"), 200) << w->transcript;
    EXPECT_GT(num(r, "writes"), 0) << w->transcript;
    EXPECT_GT(num(r, "reads"), 0) << w->transcript;
    EXPECT_EQ(num(r, "markers"), 3) << "the other three workers' values, verified in this one";
    foreign += std::max(0LL, num(r, "foreign"));
  }
  std::printf("  values of other workers verified while hammering: %lld\n", foreign);
  const auto left = leftovers();
  EXPECT_TRUE(left.empty()) << "the last worker out must destroy everything: "
                            << join_names(left);
}

// RW-1 across processes: a writer waits while another process holds a read lock, and what the
// reader reads does not change under its hold. The writer is asleep in the lock (futex) before
// the reader looks again; the reader releases only after it has looked.
TEST_F(Processes, AWriterWaitsForALiveReader) {
  Child& reader = spawn({"read-hold-check", group_, "fill=5"});
  ASSERT_FALSE(Children::expect_line(reader, "ready").empty()) << reader.transcript;
  Child& writer = spawn({"store", group_, "key=2", "seed=777"});
  ASSERT_TRUE(Children::until_in_futex(writer)) << "the writer never waited:\n" << writer.transcript;
  Children::send(reader, "c");
  const Fields rr = Children::expect_line(reader, "result");
  ASSERT_FALSE(rr.empty()) << reader.transcript;
  EXPECT_EQ(num(rr, "changed"), 0) << "the table changed under a read hold: a writer was inside";
  EXPECT_EQ(num(rr, "bad"), 0);
  EXPECT_EQ(num(rr, "live"), 5);
  EXPECT_EQ(Children::wait_exit(reader), 0) << reader.transcript;
  const Fields rw = Children::expect_line(writer, "result");
  EXPECT_EQ(Children::wait_exit(writer), 0) << writer.transcript;
  EXPECT_EQ(str(rw, "acquire"), "ok") << writer.transcript;
  EXPECT_EQ(num(rw, "inside"), 0) << "the writer held the lock beside a reader";
  EXPECT_EQ(num(rw, "stored"), 1);
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// Starts a "check" worker that announces itself and then blocks on the data lock; returns once
// it sleeps in futex (a waiter that is already asleep when the holder dies).
Child& blocked_checker(Children& kids, const std::string& group) {
  Child& w = kids.spawn({"check", group, "mode=write", "announce=1"});
  EXPECT_FALSE(Children::expect_line(w, "acquiring").empty()) << w.transcript;
  EXPECT_TRUE(Children::until_in_futex(w)) << "the checker never slept on the lock";
  return w;
}

// SEG-10: an object already at a new generation's name is never adopted. (The join removes
// orphans, but only when it creates the registry: one planted at a FUTURE generation's name
// while the group lives, by hand or left by an earlier registry, was mapped as the fresh segment
// of the next recreate, and the extension died of SIGBUS on the first set.)
TEST_F(Processes, AStaleObjectAtANewGenerationsNameIsNotAdopted) {
  const u64 size = kinds()[kData].size;
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  const u64 next = k.registry()->last_generation_.load() + 1;
  const std::string nm = wc::segment_name(group_, kData, next);
  {
    wc::PosixOs planter;
    auto m = planter.open(nm, size, true, nullptr);
    ASSERT_NE(m.base, nullptr) << planter.last_error();
    std::memset(m.base, 0xFF, std::size_t(size));
    planter.close(m);
  }
  ASSERT_EQ(k.recreate(kData), Status::ok);
  ASSERT_EQ(k.generation(kData), next);
  const View v = view_of(k, kData);
  ASSERT_TRUE(v);
  // a fresh object: zero-filled where nothing was written (the middle of the heap's one free
  // block), consistent where the group wrote
  const auto* mid = static_cast<const unsigned char*>(k.base(kData)) + size / 2;
  EXPECT_EQ(*mid, 0u) << "the stale object's bytes were adopted";
  ASSERT_EQ(v.d->lock.lock(), Acquire::ok);
  EXPECT_TRUE(v.h->check_invariants()) << v.h->violation();
  EXPECT_EQ(census(v).live, 0u);
  EXPECT_TRUE(v.d->lock.unlock());
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (b) kill -9 while holding the WRITE lock: a waiter already asleep on the lock takes over, is
// told owner_died, repairs; every committed value is still there; a fresh process afterwards
// gets the lock plainly.
TEST_F(Processes, WriterKilledHoldingTheWriteLock) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  Child& holder = spawn({"hold-write", group_, "fill=20"});
  const Fields ready = Children::expect_line(holder, "ready");
  ASSERT_FALSE(ready.empty()) << holder.transcript;
  ASSERT_EQ(num(ready, "live"), 20);
  const View v = view_of(k, kData);
  ASSERT_TRUE(v);
  EXPECT_EQ(Prim::pid_of(v.d->lock.writer_owner()), std::uint64_t(holder.pid));
  Child& waiter = blocked_checker(kids_, group_);
  ASSERT_FALSE(HasFailure());

  const std::int64_t killed_at = now_ms();
  Children::kill9(holder);  // never reaped before the waiter gets in: a zombie is dead for us
  const Fields r = Children::expect_line(waiter, "result");
  const std::int64_t took = now_ms() - killed_at;
  ASSERT_EQ(Children::wait_exit(waiter), 0) << waiter.transcript;
  std::printf("  [check, blocked] %s", waiter.transcript.c_str());
  EXPECT_LT(took, kAcquireBoundMs) << "hang bound";
  EXPECT_EQ(str(r, "acquire"), "owner_died") << "the recovery must be REPORTED";
  EXPECT_EQ(num(r, "needs_recovery"), 0) << "no transaction was open";
  EXPECT_EQ(str(r, "heap"), "ok");
  EXPECT_EQ(num(r, "lock_ok"), 1);
  EXPECT_EQ(num(r, "live"), 20) << "every committed value is still there";
  EXPECT_EQ(num(r, "bad"), 0) << "and verifies";
  EXPECT_EQ(num(r, "used"), 20);
  EXPECT_GE(num(r, "takeovers"), 1);
  EXPECT_EQ(num(r, "released"), 1);
  EXPECT_EQ(num(r, "state"), 0) << "consistent after mark_consistent + unlock";
  EXPECT_EQ(Children::wait_exit(holder), 128 + SIGKILL);

  // The repair is done once: a fresh process, and the keeper, get the lock plainly.
  int code = -1;
  const Fields again = run({"check", group_, "mode=read"}, &code);
  ASSERT_EQ(code, 0) << last_transcript_;
  EXPECT_EQ(str(again, "acquire"), "ok");
  EXPECT_EQ(num(again, "live"), 20);
  EXPECT_EQ(num(again, "bad"), 0);
  ASSERT_EQ(v.d->lock.lock(), Acquire::ok);
  const Census c = census(v);
  EXPECT_EQ(c.live, 20u);
  EXPECT_EQ(c.bad, 0u);
  EXPECT_TRUE(v.h->check_invariants()) << v.h->violation();
  EXPECT_TRUE(v.d->lock.unlock());
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (c) kill -9 while holding a READ lock: a writer already draining (asleep) gets in, plainly
// (nothing to repair).
TEST_F(Processes, ReaderKilledHoldingAReadLock) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  Child& holder = spawn({"hold-read", group_, "fill=5"});
  const Fields ready = Children::expect_line(holder, "ready");
  ASSERT_FALSE(ready.empty()) << holder.transcript;
  ASSERT_EQ(num(ready, "readers"), 1);
  Child& waiter = blocked_checker(kids_, group_);
  ASSERT_FALSE(HasFailure());

  const std::int64_t killed_at = now_ms();
  Children::kill9(holder);
  const Fields r = Children::expect_line(waiter, "result");
  const std::int64_t took = now_ms() - killed_at;
  ASSERT_EQ(Children::wait_exit(waiter), 0) << waiter.transcript;
  std::printf("  [check, blocked] %s", waiter.transcript.c_str());
  EXPECT_LT(took, kAcquireBoundMs) << "hang bound";
  EXPECT_EQ(str(r, "acquire"), "ok") << "a dead reader changed nothing: no repair";
  EXPECT_GE(num(r, "reaped"), 1) << "the dead reader's hold was cleared (RW-4)";
  EXPECT_EQ(str(r, "heap"), "ok");
  EXPECT_EQ(num(r, "lock_ok"), 1);
  EXPECT_EQ(num(r, "live"), 5);
  EXPECT_EQ(num(r, "bad"), 0);
  EXPECT_EQ(Children::wait_exit(holder), 128 + SIGKILL);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (d) kill -9 in the middle of an allocator transaction (alloc done, value half written, its table
// entry journaled, a committed value freed): the next holder rolls it all back.
TEST_F(Processes, WriterKilledInsideAnAllocatorTransaction) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  Child& holder = spawn({"mid-txn", group_, "fill=20"});
  const Fields ready = Children::expect_line(holder, "ready");
  ASSERT_FALSE(ready.empty()) << holder.transcript;
  ASSERT_EQ(num(ready, "open"), 1) << "the transaction is open when the worker is killed";
  ASSERT_GT(num(ready, "journal"), 0);
  const long long used_before = num(ready, "used");
  ASSERT_EQ(used_before, 20);
  Children::kill9(holder);
  ASSERT_TRUE(Children::until_zombie(holder));

  int code = -1;
  const Fields r = run({"check", group_, "mode=write"}, &code);
  ASSERT_EQ(code, 0) << last_transcript_;
  EXPECT_EQ(str(r, "acquire"), "owner_died") << "the recovery must be REPORTED";
  EXPECT_LT(num(r, "ms"), kAcquireBoundMs) << "hang bound";
  EXPECT_EQ(num(r, "needs_recovery"), 1) << "the open transaction is visible";
  EXPECT_EQ(num(r, "recovered"), 1);
  EXPECT_EQ(num(r, "open_after"), 0);
  EXPECT_EQ(str(r, "heap"), "ok") << "check_invariants after recover()";
  EXPECT_EQ(num(r, "used"), used_before) << "the interrupted alloc is undone";
  EXPECT_EQ(num(r, "live"), 20) << "the value freed inside the transaction is back";
  EXPECT_EQ(num(r, "bad"), 0) << "and every committed value verifies";
  EXPECT_EQ(num(r, "t200"), 0) << "the journaled table entry is rolled back";
  EXPECT_EQ(num(r, "lock_ok"), 1);
  EXPECT_EQ(num(r, "state"), 0);
  EXPECT_EQ(Children::wait_exit(holder), 128 + SIGKILL);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (e) SEG-4 for real: a process that cannot map the fixed kind at its recorded address runs on
// a local copy and says so; a normal process maps the shared one.
TEST_F(Processes, FixedKindFallsBackToLocalWhereItsAddressIsTaken) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kFixed), Status::ok);
  ASSERT_EQ(k.scope(kFixed), Scope::global);
  const u64 fixed_base = k.registry()->entries_[kFixed].fixed_base.load();
  EXPECT_EQ(fixed_base, kFixedBase) << "the creator maps at the preferred base when it is free";
  ASSERT_EQ(reinterpret_cast<u64>(k.base(kFixed)), fixed_base);
  const View v = view_of(k, kFixed);
  ASSERT_TRUE(v);
  const u64 marker = 0x4d41524bull;
  keeper_store(v, 0, marker);

  int code = -1;
  const Fields local = run({"scope", group_, "block=1", "marker=" + std::to_string(marker)}, &code);
  ASSERT_EQ(code, 0) << last_transcript_;
  EXPECT_EQ(str(local, "blocked"), "mapped") << "the worker occupied the recorded range first";
  EXPECT_EQ(str(local, "scope"), "local") << "the fallback must be REPORTED";
  EXPECT_EQ(num(local, "local_ok"), 1) << "the local copy is a working, separate heap";
  EXPECT_EQ(num(local, "use_count"), 1) << "a local copy is not a use of the global segment";
  EXPECT_EQ(num(local, "generation"), 0);

  const Fields global = run({"scope", group_, "block=0", "marker=" + std::to_string(marker)}, &code);
  ASSERT_EQ(code, 0) << last_transcript_;
  EXPECT_EQ(str(global, "scope"), "global");
  EXPECT_EQ(std::strtoull(str(global, "base").c_str(), nullptr, 16), fixed_base);
  EXPECT_EQ(num(global, "marker_ok"), 1) << "it reads what the keeper wrote";
  EXPECT_EQ(num(global, "use_count"), 2);

  // The local writer wrote into its own copy only.
  EXPECT_EQ(k.use_count(kFixed), 1u);
  ASSERT_EQ(v.d->lock.lock_shared(k.slot_index()), Acquire::ok);
  EXPECT_TRUE(verify_value(v, 0, v.d->table[0]));
  EXPECT_EQ(reinterpret_cast<const ValueHead*>(v.base + v.d->table[0])->seed, marker);
  EXPECT_TRUE(v.d->lock.unlock_shared(k.slot_index()));
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (f) Groups named after another salt or another parent see nothing of ours, and we nothing of
// theirs; the same parent and salt (the control) does see our segment.
TEST_F(Processes, GroupsAreIsolatedBySaltAndByParent) {
  const std::string salt = salt_;
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  const u64 gen_a = k.generation(kData);
  const std::string seg_a = wc::segment_name(group_, kData, gen_a);
  ASSERT_TRUE(ShmPrefix::exists(seg_a));
  int code = -1;

  // Control: a child of this process with our salt computes our group and sees our segment.
  {
    Child& c = spawn({"probe", "ppid:" + salt});
    const Fields seen = Children::expect_line(c, "seen");
    const Fields r = Children::expect_line(c, "result");
    EXPECT_EQ(Children::wait_exit(c), 0) << c.transcript;
    EXPECT_EQ(str(seen, "group"), group_);
    EXPECT_EQ(num(seen, "use_count0"), 1);
    EXPECT_EQ(num(seen, "gen0"), (long long)gen_a);
    EXPECT_EQ(str(r, "segment"), seg_a) << "it attached to our segment";
  }
  // Same parent, another salt.
  {
    const std::string other = wc::group_name(std::uint64_t(::getpid()), "", unique_salt());
    also_clean(other);
    Child& c = spawn({"probe", other});
    const Fields seen = Children::expect_line(c, "seen");
    const Fields r = Children::expect_line(c, "result");
    EXPECT_EQ(Children::wait_exit(c), 0) << c.transcript;
    EXPECT_EQ(num(seen, "use_count0"), 0);
    EXPECT_EQ(num(seen, "gen0"), 0) << "no entry for the kind our group created";
    EXPECT_NE(str(r, "segment"), seg_a);
    EXPECT_EQ(str(r, "segment").rfind(other + "_k0_g", 0), 0u) << str(r, "segment");
    EXPECT_NE(str(r, "listed").find(str(r, "segment")), std::string::npos);
  }
  // Same salt, another parent: the worker's parent is an intermediate process.
  {
    Child& c = spawn({"probe", "ppid:" + salt}, /*via_intermediate=*/true);
    const std::string other = wc::group_name(std::uint64_t(c.pid), "", salt);
    also_clean(other);
    const Fields seen = Children::expect_line(c, "seen");
    const Fields r = Children::expect_line(c, "result");
    EXPECT_EQ(Children::wait_exit(c), 0) << c.transcript;
    EXPECT_EQ(str(seen, "group"), other);
    EXPECT_NE(other, group_);
    EXPECT_EQ(num(seen, "use_count0"), 0);
    EXPECT_EQ(num(seen, "gen0"), 0);
    EXPECT_NE(str(r, "segment"), seg_a);
    EXPECT_EQ(str(r, "segment").rfind(other + "_k0_g", 0), 0u) << str(r, "segment");
  }
  (void)code;
  // Ours is untouched by either.
  EXPECT_TRUE(ShmPrefix::exists(seg_a));
  EXPECT_EQ(k.current_generation(kData), gen_a);
  EXPECT_EQ(k.use_count(kData), 1u);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (g) The group's objects are 0600 in a 0700 directory whatever the creator's umask; another
// user can open neither them nor the directory, and its own PosixOs and Group land in ITS
// directory: a group of its own, never a failure (map_failed) and never ours.
TEST_F(Processes, OtherUserCannotOpenTheGroupsObjects) {
  mode_t old = ::umask(0);
  Group& k = keeper();
  ::umask(0277);
  const auto s = k.attach(kData);
  ::umask(old);
  ASSERT_EQ(s, Status::ok);
  const std::string reg = wc::registry_name(group_);
  const std::string seg = wc::segment_name(group_, kData, k.generation(kData));
  const std::string dir = os_.dir();
  ASSERT_FALSE(dir.empty());
  struct stat ds {};
  ASSERT_EQ(::lstat(dir.c_str(), &ds), 0) << dir;
  EXPECT_TRUE(S_ISDIR(ds.st_mode));
  EXPECT_EQ(ds.st_mode & 07777, mode_t(0700)) << dir;
  EXPECT_EQ(ds.st_uid, ::geteuid()) << dir;
  for (const auto& n : {reg, seg}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/" + n).c_str(), &st), 0) << n;
    EXPECT_EQ(st.st_mode & 07777, mode_t(0600)) << n;
    EXPECT_EQ(st.st_uid, ::geteuid()) << n;
  }
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to user nobody";
  const passwd* pw = ::getpwnam("nobody");
  if (!pw) GTEST_SKIP() << "no user nobody";
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  const std::string group = group_;
  const std::string theirs = std::string(wc::PosixOs::kDefaultRoot) + "/" +
                             wc::PosixOs::dir_name(uid, 0);

  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::alarm(60);
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0 ||
        ::getuid() != uid || ::geteuid() != uid)
      ::_exit(77);
    int fd = ::open((dir + "/" + reg).c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0 || errno != EACCES) ::_exit(1);
    fd = ::open((dir + "/" + reg).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0 || errno != EACCES) ::_exit(2);
    fd = ::open((dir + "/" + seg).c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0 || errno != EACCES) ::_exit(3);
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 || errno != EACCES) ::_exit(4);
    wc::PosixOs os;
    if (!os.list(reg).empty()) ::_exit(5);  // our registry is invisible to it
    Group g(os, group, kinds(), init_content);
    if (g.join() != Status::ok) ::_exit(6);
    if (os.dir() == dir || os.dir().rfind(theirs, 0) != 0) ::_exit(7);
    if (g.use_count(kData) != 0 || g.current_generation(kData) != 0) ::_exit(8);
    g.leave();  // the last one out: its registry and (if now empty) its directory go
    ::_exit(0);
  }
  int st = 0;
  const std::int64_t deadline = now_ms() + kHangMs;
  while (::waitpid(pid, &st, WNOHANG) == 0 && now_ms() < deadline)
    std::this_thread::sleep_for(2ms);
  if (now_ms() >= deadline) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &st, 0);
    FAIL() << "the nobody child hung";
  }
  ASSERT_TRUE(WIFEXITED(st));
  if (WEXITSTATUS(st) == 77) GTEST_SKIP() << "could not switch to nobody (no CAP_SETUID?)";
  EXPECT_EQ(WEXITSTATUS(st), 0)
      << "1-4: opening our objects or directory did not fail with EACCES; 5: it listed our "
         "registry; 6: its join failed; 7: it did not use its own directory; 8: it saw our "
         "segment";
  // Still ours, unchanged.
  EXPECT_TRUE(ShmPrefix::exists(reg));
  EXPECT_TRUE(ShmPrefix::exists(seg));
  EXPECT_EQ(k.use_count(kData), 1u);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// Defect 2 of the hostile test: a group had 64 process slots; the 65th process (any php-fpm pool
// with pm.max_children > 64) silently got a private cache and a private lock table. Now 1,024
// processes are members at once, every one of them global; the 1,025th is told no_slot (the
// extension then refuses its locks); when they die, the next registry operation reaps them all.
TEST_F(Processes, AGroupHolds1024ProcessesAtOnce) {
  constexpr unsigned kMembers = wc::RegistryTuning::slots;
  static_assert(kMembers >= 1024, "the registry must hold at least 1,024 processes");
  int up[2], go[2];
  unsigned global = 0, other = 0;
  ASSERT_EQ(::pipe(up), 0);
  ASSERT_EQ(::pipe(go), 0);
  std::vector<pid_t> pids;
  for (unsigned i = 0; i < kMembers; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << "fork " << i;
    if (pid == 0) {  // a member: join, attach, report its scope, stay until the parent is done
      ::close(up[0]);
      ::close(go[1]);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      wc::PosixOs os;
      Group g(os, group_, kinds(), init_content);
      char r = 'j';  // join failed
      if (g.join() == Status::ok) r = g.attach(kData) != Status::ok ? 'a'
                                       : g.scope(kData) == Scope::global ? 'g' : 'l';
      (void)!::write(up[1], &r, 1);
      char b;
      (void)!::read(go[0], &b, 1);  // EOF when the parent closes its end
      ::_exit(0);
    }
    pids.push_back(pid);
    // One member joins at a time (each reports before the next is forked): what this test
    // checks is the registry's capacity, 1,024 members at once, not a stampede of 1,024 joins,
    // whose time on a 2-core machine is the scheduler's (on one VM it ran past 10 minutes: every
    // waiter re-checks the holder's liveness every 20 ms; noted in docs/backends.md).
    char r = 0;
    ASSERT_EQ(::read(up[0], &r, 1), 1) << "member " << i << " never reported";
    (r == 'g' ? global : other)++;
  }
  ::close(up[1]);
  ::close(go[0]);
  EXPECT_EQ(global, kMembers) << other << " members were not global members";
  // The 1,025th process: no slot, said so (never a silent private group).
  {
    wc::PosixOs os;
    Group g(os, group_, kinds(), init_content);
    EXPECT_EQ(g.join(), Status::no_slot);
  }
  // All of them gone (killed): the next join reaps every slot and finds the group usable again.
  for (pid_t p : pids) ::kill(p, SIGKILL);
  for (pid_t p : pids) ::waitpid(p, nullptr, 0);
  ::close(go[1]);
  ::close(up[0]);
  Group& k2 = keeper();
  ASSERT_TRUE(k2.joined());
  EXPECT_EQ(k2.use_count(kData), 0u);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (h) SEG-2 for real: a killed attached process is reaped by the next reap / join / attach; its use
// vanishes, and when it was the last user its segment is destroyed.
TEST_F(Processes, KilledAttachedProcessIsReaped) {
  Group& k = keeper();  // joined, not attached
  // 1. One user among two: killed, reaped by reap(); the segment stays for the keeper.
  Child& a = spawn({"attach-hold", group_, "kind=0"});
  const Fields ra = Children::expect_line(a, "ready");
  ASSERT_FALSE(ra.empty()) << a.transcript;
  const u64 g1 = u64(num(ra, "gen"));
  ASSERT_EQ(k.attach(kData), Status::ok);
  ASSERT_EQ(k.generation(kData), g1);
  EXPECT_EQ(k.use_count(kData), 2u);
  Children::kill9(a);
  ASSERT_TRUE(Children::until_zombie(a));
  EXPECT_EQ(k.use_count(kData), 1u) << "the derived count ignores the dead (a zombie) at once";
  k.reap();
  unsigned owners = 0;
  for (const auto& sl : k.registry()->slots_used_) owners += sl.owner.load() != 0;
  EXPECT_EQ(owners, 1u) << "the dead process's slot is cleared";
  EXPECT_TRUE(ShmPrefix::exists(wc::segment_name(group_, kData, g1))) << "the keeper still uses it";
  EXPECT_EQ(k.current_generation(kData), g1);
  EXPECT_EQ(Children::wait_exit(a), 128 + SIGKILL);
  ASSERT_EQ(k.detach(kData), Status::ok);
  EXPECT_EQ(k.current_generation(kData), 0u) << "no user left: destroyed";
  EXPECT_FALSE(ShmPrefix::exists(wc::segment_name(group_, kData, g1)));

  // 2. The last user killed; the next JOIN (another process) reaps it and destroys the segment.
  Child& b = spawn({"attach-hold", group_, "kind=0"});
  const Fields rb = Children::expect_line(b, "ready");
  ASSERT_FALSE(rb.empty()) << b.transcript;
  const u64 g2 = u64(num(rb, "gen"));
  EXPECT_GT(g2, g1) << "a recreated segment gets a new generation";
  Children::kill9(b);
  EXPECT_EQ(Children::wait_exit(b), 128 + SIGKILL);
  EXPECT_TRUE(ShmPrefix::exists(wc::segment_name(group_, kData, g2))) << "nobody looked yet";
  int code = -1;
  const Fields rj = run({"join-report", group_}, &code);
  ASSERT_EQ(code, 0) << last_transcript_;
  EXPECT_EQ(num(rj, "use_count0"), 0);
  EXPECT_EQ(num(rj, "gen0"), 0);
  EXPECT_FALSE(ShmPrefix::exists(wc::segment_name(group_, kData, g2)));
  EXPECT_EQ(k.current_generation(kData), 0u);

  // 3. The last user killed (a zombie); the keeper's next ATTACH reaps it, destroys its segment
  // and creates a new generation.
  Child& c = spawn({"attach-hold", group_, "kind=0"});
  const Fields rc = Children::expect_line(c, "ready");
  ASSERT_FALSE(rc.empty()) << c.transcript;
  const u64 g3 = u64(num(rc, "gen"));
  Children::kill9(c);
  ASSERT_TRUE(Children::until_zombie(c));
  ASSERT_EQ(k.attach(kData), Status::ok);
  EXPECT_GT(k.generation(kData), g3);
  EXPECT_FALSE(ShmPrefix::exists(wc::segment_name(group_, kData, g3)));
  EXPECT_EQ(k.use_count(kData), 1u);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// (i) SEG-6 for real: a process killed while holding the REGISTRY lock, having left an orphan
// object; the next registry operation is told owner_died, removes the orphan, reaps the dead and
// keeps the live segment.
TEST_F(Processes, RegistryLockHolderKilledIsRepaired) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  const View v = view_of(k, kData);
  ASSERT_TRUE(v);
  keeper_store(v, 0, 0xabcdef);
  const std::string mine = wc::segment_name(group_, kData, k.generation(kData));
  const std::string orphan = wc::segment_name(group_, kData, 999);
  Child& h = spawn({"hold-registry", group_, "orphan=999"});
  const Fields ready = Children::expect_line(h, "ready");
  ASSERT_FALSE(ready.empty()) << h.transcript;
  ASSERT_EQ(str(ready, "acquire"), "ok");
  ASSERT_TRUE(ShmPrefix::exists(orphan));
  Children::kill9(h);
  ASSERT_TRUE(Children::until_zombie(h));

  const std::int64_t t0 = now_ms();
  k.reap();
  EXPECT_LT(now_ms() - t0, kAcquireBoundMs) << "hang bound";
  EXPECT_EQ(k.repairs(), 1u) << "the registry lock reported owner_died and the repair ran";
  EXPECT_FALSE(ShmPrefix::exists(orphan)) << "the orphan is removed";
  EXPECT_TRUE(ShmPrefix::exists(mine));
  auto names = ShmPrefix(group_).list();
  std::sort(names.begin(), names.end());
  std::vector<std::string> want{mine, wc::registry_name(group_)};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names, want);
  EXPECT_EQ(k.use_count(kData), 1u);
  EXPECT_TRUE(k.registry()->lock_.check_invariants());
  ASSERT_EQ(v.d->lock.lock_shared(k.slot_index()), Acquire::ok);
  EXPECT_TRUE(verify_value(v, 0, v.d->table[0]));
  EXPECT_TRUE(v.d->lock.unlock_shared(k.slot_index()));
  EXPECT_EQ(Children::wait_exit(h), 128 + SIGKILL);
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// SEG-8 for real: Linux keeps shm objects after their processes die. A group whose processes were
// all SIGKILLed (still zombies) is removed by another group's sweep; a group whose only process
// is merely stopped (SIGSTOP) is alive and stays; the sweeper's own group stays.
TEST_F(Processes, SweepRemovesGroupsWhoseProcessesAllDied) {
  const std::string dead = wc::group_name(std::uint64_t(::getpid()), "", unique_salt());
  const std::string stopped = wc::group_name(std::uint64_t(::getpid()), "", unique_salt());
  also_clean(dead);
  also_clean(stopped);
  std::vector<Child*> victims;
  for (int i = 0; i < 2; ++i) {
    victims.push_back(&spawn({"attach-hold", dead, "kind=0"}));
    ASSERT_FALSE(Children::expect_line(*victims.back(), "ready").empty())
        << victims.back()->transcript;
  }
  Child& sleeper = spawn({"attach-hold", stopped, "kind=0"});
  ASSERT_FALSE(Children::expect_line(sleeper, "ready").empty()) << sleeper.transcript;
  for (Child* v : victims) Children::kill9(*v);
  for (Child* v : victims) ASSERT_TRUE(Children::until_zombie(*v));
  ::kill(sleeper.pid, SIGSTOP);
  bool is_stopped = false;
  for (const std::int64_t deadline = now_ms() + kHangMs; !is_stopped && now_ms() < deadline;) {
    Prim::ProcStat st;
    is_stopped = Prim::read_stat(std::uint64_t(sleeper.pid), st) == 0 && st.state == 'T';
    if (!is_stopped) std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(is_stopped);
  ASSERT_FALSE(ShmPrefix(dead).list().empty());

  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  // The three groups share this prefix (same parent, salts from this process); nothing else does.
  std::string prefix = dead;
  while (stopped.compare(0, prefix.size(), prefix) != 0 || group_.compare(0, prefix.size(), prefix) != 0)
    prefix.pop_back();
  EXPECT_EQ(k.sweep_dead_groups(prefix), 1u);
  EXPECT_TRUE(ShmPrefix(dead).list().empty()) << join_names(ShmPrefix(dead).list());
  EXPECT_EQ(ShmPrefix(stopped).list().size(), 2u) << "a stopped process is not a dead one";
  EXPECT_EQ(ShmPrefix(group_).list().size(), 2u) << "the sweeper's own group stays";
  ::kill(sleeper.pid, SIGCONT);
  kids_.kill_all();
  keeper_leaves();
  for (const auto& p : prefixes_) p.clean();
}

// ---- regressions: three registry defects these tests found (fixed in core by 26170a5) ---------

// remove_orphans() used to sweep every name starting with "<group>_k". A group without a salt
// ("wincache_1_p<pid>") then took the segments of a sibling group (same parent, e.g. another
// php-fpm pool) whose salt starts with 'k' ("wincache_1_p<pid>_k1_k0_g1") for its own orphans.
TEST_F(Processes, OrphanSweepSparesASiblingGroupWhoseSaltStartsWithK) {
  const std::string plain = wc::group_name(std::uint64_t(::getpid()), "", "");
  const std::string sibling =
      wc::group_name(std::uint64_t(::getpid()), "", "k" + unique_salt().substr(1));
  also_clean(sibling);
  also_clean(plain);
  Child& b = spawn({"attach-hold", sibling, "kind=0"});
  const Fields rb = Children::expect_line(b, "ready");
  ASSERT_FALSE(rb.empty()) << b.transcript;
  const std::string theirs = wc::segment_name(sibling, kData, u64(num(rb, "gen")));
  ASSERT_TRUE(ShmPrefix::exists(theirs));

  wc::PosixOs os;
  Group a(os, plain, kinds(), init_content);
  ASSERT_EQ(a.join(), Status::ok);
  Child& h = spawn({"hold-registry", plain, "orphan=7"});
  ASSERT_FALSE(Children::expect_line(h, "ready").empty()) << h.transcript;
  const std::string ours = wc::segment_name(plain, kData, 7);
  ASSERT_TRUE(ShmPrefix::exists(ours));
  Children::kill9(h);
  ASSERT_TRUE(Children::until_zombie(h));
  a.reap();  // owner_died -> repair -> remove_orphans
  EXPECT_EQ(a.repairs(), 1u);
  EXPECT_FALSE(ShmPrefix::exists(ours)) << "our own orphan is still swept";
  EXPECT_TRUE(ShmPrefix::exists(theirs)) << "another group's live segment was swept as an orphan";
  a.leave();
}

// attach used to take ANY failure to open a published non-fixed segment for "its object is
// gone" and unpublish the entry: one process out of file descriptors (EMFILE; ENFILE, ENOMEM,
// EPERM, a size mismatch alike) dropped the live segment every other process uses.
TEST_F(Processes, AProcessThatCannotOpenALiveSegmentDoesNotUnpublishIt) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  const u64 gen = k.generation(kData);
  int code = -1;
  const Fields r = run({"attach-no-fds", group_}, &code);
  ASSERT_EQ(code, 0) << last_transcript_;
  EXPECT_EQ(str(r, "attach"), "map_failed") << "a clear failure for that process";
  EXPECT_EQ(num(r, "errno"), EMFILE);
  EXPECT_EQ(k.current_generation(kData), gen) << "a live segment was unpublished";
  EXPECT_TRUE(ShmPrefix::exists(wc::segment_name(group_, kData, gen)));
  keeper_leaves();
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// leave() used to decide "I am the last" under the registry lock but unlink the registry AFTER
// releasing it: a process joining in between lived on in the unlinked registry, invisible to
// later joiners (a new registry under the same name, generations from 1 again, so the late
// process even re-initialised the early one's live segment). The leaver here stops itself
// (SIGSTOP) right before its unlink; a second process joins meanwhile (it gets in, or blocks on
// the registry lock, depending on where the unlink sits); then the leaver goes on. A third
// process must find the second.
TEST_F(Processes, AJoinRacingTheLastLeaveIsNotSplitOff) {
  Child& leaver = spawn({"leave-pausing", group_});
  ASSERT_FALSE(Children::expect_line(leaver, "ready").empty()) << leaver.transcript;
  Children::send(leaver, "g");
  ASSERT_FALSE(Children::expect_line(leaver, "unlinking").empty()) << leaver.transcript;
  ASSERT_TRUE(Children::until_stopped(leaver)) << "the leaver never stopped before its unlink";
  Child& early = spawn({"attach-hold", group_, "kind=0"});
  Fields re;
  for (const std::int64_t deadline = now_ms() + kHangMs; re.empty() && now_ms() < deadline;) {
    if (Children::until_in_futex(early, 5)) break;  // blocked on the registry lock
    re = Children::expect_line(early, "ready", 5);  // or already in
  }
  ::kill(leaver.pid, SIGCONT);
  ASSERT_FALSE(Children::expect_line(leaver, "result").empty()) << leaver.transcript;
  EXPECT_EQ(Children::wait_exit(leaver), 0);
  if (re.empty()) re = Children::expect_line(early, "ready");
  ASSERT_FALSE(re.empty()) << early.transcript;

  Child& late = spawn({"probe", group_});
  const Fields seen = Children::expect_line(late, "seen");
  const Fields rl = Children::expect_line(late, "result");
  EXPECT_EQ(Children::wait_exit(late), 0) << late.transcript;
  EXPECT_EQ(num(seen, "use_count0"), 1) << "the group was split: the live member is invisible";
  EXPECT_EQ(num(seen, "gen0"), num(re, "gen"));
  EXPECT_EQ(str(rl, "segment"), wc::segment_name(group_, kData, u64(num(re, "gen"))))
      << "the late process must attach to the early one's segment";
  kids_.kill_all();
  int code = -1;
  run({"join-report", group_}, &code);  // reaps the killed early process: nothing remains
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(leftovers().empty()) << join_names(leftovers());
}

// SEG-7 regression (found by this test): the last leaver used to unlink the registry and THEN
// store closed_. Killed between the two, it left the lock to a joiner that had mapped the
// registry before the unlink, and that joiner lived on in the unlinked registry, invisible to
// every later joiner. closed_ is now stored first.
TEST_F(Processes, AJoinRacingALeaverKilledAfterItsUnlinkIsNotSplitOff) {
  Child& leaver = spawn({"leave-pausing", group_, "after=1"});
  ASSERT_FALSE(Children::expect_line(leaver, "ready").empty()) << leaver.transcript;
  Children::send(leaver, "g");
  ASSERT_FALSE(Children::expect_line(leaver, "unlinking").empty()) << leaver.transcript;
  // A SIGCONT sent before the leaver has stopped would be lost (it would then stop for good).
  ASSERT_TRUE(Children::until_stopped(leaver)) << "the leaver never stopped before its unlink";
  // Stopped before its unlink, holding the registry lock: a joiner maps the registry and waits.
  Child& early = spawn({"attach-hold", group_, "kind=0"});
  ASSERT_TRUE(Children::until_in_futex(early)) << early.transcript;
  ::kill(leaver.pid, SIGCONT);
  ASSERT_FALSE(Children::expect_line(leaver, "unlinked").empty()) << leaver.transcript;
  Children::kill9(leaver);  // between the unlink and closed_ = 1 (stopped there, or about to)
  const Fields re = Children::expect_line(early, "ready");
  ASSERT_FALSE(re.empty()) << early.transcript;
  Child& late = spawn({"probe", group_});
  const Fields seen = Children::expect_line(late, "seen");
  EXPECT_EQ(Children::wait_exit(late), 0) << late.transcript;
  EXPECT_EQ(num(seen, "use_count0"), 1) << "the group was split: the live member is invisible";
}

// SEG-7, the other window: the last leaver marks the registry closed, then is killed before it
// unlinks the name. A joiner that mapped the closed object must not retry on it forever: holding
// its lock, it finds the name still naming that very object, removes the name and starts afresh.
TEST_F(Processes, AJoinRacingALeaverKilledBeforeItsUnlinkStartsAfresh) {
  Child& leaver = spawn({"leave-pausing", group_});
  ASSERT_FALSE(Children::expect_line(leaver, "ready").empty()) << leaver.transcript;
  Children::send(leaver, "g");
  ASSERT_FALSE(Children::expect_line(leaver, "unlinking").empty()) << leaver.transcript;
  ASSERT_TRUE(Children::until_stopped(leaver)) << "the leaver never stopped before its unlink";
  // Stopped after closed_ = 1, before its unlink, holding the registry lock.
  Child& early = spawn({"attach-hold", group_, "kind=0"});
  ASSERT_TRUE(Children::until_in_futex(early)) << early.transcript;
  Children::kill9(leaver);
  const Fields re = Children::expect_line(early, "ready");
  ASSERT_FALSE(re.empty()) << early.transcript;
  Child& late = spawn({"probe", group_});
  const Fields seen = Children::expect_line(late, "seen");
  EXPECT_EQ(Children::wait_exit(late), 0) << late.transcript;
  EXPECT_EQ(num(seen, "use_count0"), 1) << "the group was split: the live member is invisible";
}

// ---- negative twins: the same scenarios with a worker built with one seeded bug ---------------
// Each must be caught, and as the failure its bug causes (see common.hpp, core/prim.hpp).

class PosixTwin : public Processes {
 protected:
  static std::string twin(const char* bug) { return std::string(WC_POSIX_TWIN) + bug; }
};

// skip_journal: the allocator's own writes bypass the undo journal. Scenario (d), the killed
// transaction and the recovery both run in twins: recover() puts back only the caller's journaled
// table words, so a committed value now names a block the allocator considers free.
TEST_F(PosixTwin, SkipJournalLosesCommittedData) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  Child& holder = spawn({"mid-txn", group_, "fill=20"}, false, twin("skip_journal"));
  ASSERT_FALSE(Children::expect_line(holder, "ready").empty()) << holder.transcript;
  Children::kill9(holder);
  ASSERT_TRUE(Children::until_zombie(holder));
  Child& c = spawn({"check", group_, "mode=write"}, false, twin("skip_journal"));
  const Fields r = Children::expect_line(c, "result");
  ASSERT_EQ(Children::wait_exit(c), 0) << c.transcript;
  std::printf("  [check, twin] %s", c.transcript.c_str());
  EXPECT_EQ(str(r, "acquire"), "owner_died") << "the lock is not the seeded part";
  EXPECT_EQ(num(r, "recovered"), 1);
  EXPECT_GE(num(r, "bad"), 1)
      << "the twin's rollback left the data intact: scenario (d) would not catch skip_journal";
}

// forget_dirty: a takeover from a writer that died inside is not reported. Scenario (b) with a
// twin checker: it gets `ok` where the shipped lock says owner_died.
TEST_F(PosixTwin, ForgetDirtyHidesTheDeath) {
  Group& k = keeper();
  ASSERT_EQ(k.attach(kData), Status::ok);
  Child& holder = spawn({"hold-write", group_, "fill=3"});
  ASSERT_FALSE(Children::expect_line(holder, "ready").empty()) << holder.transcript;
  Children::kill9(holder);
  ASSERT_TRUE(Children::until_zombie(holder));
  Child& c = spawn({"check", group_, "mode=write"}, false, twin("forget_dirty"));
  const Fields r = Children::expect_line(c, "result");
  ASSERT_EQ(Children::wait_exit(c), 0) << c.transcript;
  EXPECT_EQ(str(r, "acquire"), "ok") << "the twin must hide the death (else (b) proves nothing)";
  EXPECT_GE(num(r, "takeovers"), 1) << "it did take over from the dead writer";
}

// skip_drain: a writer enters without waiting for the readers inside. Scenario
// AWriterWaitsForALiveReader with a twin writer: it gets in at once beside the live reader
// (inside >= 1: RW-1 broken), and the reader sees the table change under its read hold (a torn
// read). Deterministic: the reader holds until the test has the writer's result.
TEST_F(PosixTwin, SkipDrainLetsAWriterInBesideAReader) {
  Child& reader = spawn({"read-hold-check", group_, "fill=5"});
  ASSERT_FALSE(Children::expect_line(reader, "ready").empty()) << reader.transcript;
  Child& writer = spawn({"store", group_, "key=2", "seed=777"}, false, twin("skip_drain"));
  const Fields rw = Children::expect_line(writer, "result");
  ASSERT_FALSE(rw.empty()) << "the twin writer waited for the reader: skip_drain not seeded?\n"
                           << writer.transcript;
  EXPECT_EQ(Children::wait_exit(writer), 0) << writer.transcript;
  EXPECT_GE(num(rw, "inside"), 1) << "the twin held the write lock beside a live reader";
  Children::send(reader, "c");
  const Fields rr = Children::expect_line(reader, "result");
  ASSERT_FALSE(rr.empty()) << reader.transcript;
  EXPECT_GE(num(rr, "changed"), 1) << "the reader did not see the write under its read hold";
  EXPECT_EQ(Children::wait_exit(reader), 0) << reader.transcript;
}

}  // namespace

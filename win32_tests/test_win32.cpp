// win32_tests/test_win32.cpp: PrimWin32 and Win32Os with REAL processes (ctest label win32,
// run under Wine by scripts/win32_tests.sh). A subset of posix_tests/: children are started with
// CreateProcessW from win32_worker.exe (next to this executable) and killed with
// TerminateProcess, the Windows analogue of SIGKILL.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common.hpp"

using namespace wt;

namespace {

std::wstring worker_path() {
  wchar_t buf[MAX_PATH];
  const DWORD n = ::GetModuleFileNameW(nullptr, buf, MAX_PATH);
  std::wstring p(buf, n);
  return p.substr(0, p.find_last_of(L"\\/") + 1) + L"win32_worker.exe";
}

// A unique name per test and run (ctest runs tests in parallel).
std::string unique(const char* what) {
  return std::string("wctest_") + std::to_string(::GetCurrentProcessId()) + "_" + what;
}

// A child process; killed and reaped when the test ends, even after a failed assertion.
struct Child {
  PROCESS_INFORMATION pi{};
  bool started = false;
  explicit Child(const std::vector<std::string>& args) {
    std::wstring cmd = L"\"" + worker_path() + L"\"";
    for (const auto& a : args) cmd += L" " + widen(a);
    STARTUPINFOW si{};
    si.cb = sizeof si;
    std::vector<wchar_t> line(cmd.begin(), cmd.end());
    line.push_back(0);
    started = ::CreateProcessW(nullptr, line.data(), nullptr, nullptr, FALSE, 0, nullptr,
                               nullptr, &si, &pi) != 0;
  }
  ~Child() {
    if (!started) return;
    kill();
    ::CloseHandle(pi.hThread);
    ::CloseHandle(pi.hProcess);
  }
  Prim::proc_id id() const { return Prim::id_of(pi.hProcess); }
  void kill() {
    ::TerminateProcess(pi.hProcess, 9);
    ::WaitForSingleObject(pi.hProcess, 10000);
  }
  // Waits for exit; returns the exit code, or -1 on timeout.
  long wait_exit(DWORD ms = 10000) {
    if (::WaitForSingleObject(pi.hProcess, ms) != WAIT_OBJECT_0) return -1;
    DWORD code = 0;
    ::GetExitCodeProcess(pi.hProcess, &code);
    return long(code);
  }
};

// A manual-reset named event the worker sets when it is where the test wants it.
struct Event {
  std::string name;
  HANDLE h = nullptr;
  explicit Event(const char* what) : name("Local\\" + unique(what) + "_ev") {
    h = ::CreateEventW(nullptr, TRUE, FALSE, widen(name).c_str());
  }
  ~Event() {
    if (h) ::CloseHandle(h);
  }
  // True once signalled; false if the child exited first or 10 s passed.
  bool wait_for(const Child& c) {
    HANDLE hs[2] = {h, c.pi.hProcess};
    return ::WaitForMultipleObjects(2, hs, FALSE, 10000) == WAIT_OBJECT_0;
  }
};

struct Segment {
  wc::Win32Os os;
  std::string name;
  wc::Win32Os::Mapping m;
  View v;
  explicit Segment(const char* what) : name(unique(what)) {
    m = os.open(name, kSegSize, true, nullptr);
    if (m.base) {
      init_content(static_cast<char*>(m.base), kSegSize);
      v = view_at(m.base, kSegSize);
    }
  }
  ~Segment() {
    os.remove(name);
    os.close(m);
  }
};

}  // namespace

// ---- a. proc_id / alive ------------------------------------------------------------------------
TEST(PrimWin32, SelfIsPackedNonZeroAndAlive) {
  const auto me = Prim::self();
  EXPECT_NE(me, 0u);
  EXPECT_LT(me, wc::kProcIdMask + 1);
  EXPECT_EQ(Prim::pid_of(me), ::GetCurrentProcessId());
  EXPECT_EQ(me, Prim::self());
  EXPECT_TRUE(Prim::alive(me));
  // parent_pid() is checked in a child (NamedMappingSharedWithAChild): this process was started
  // by a Unix process (ctest), which Wine reports as parent 0.
}

TEST(PrimWin32, ExitedRunningAndTerminatedChildren) {
  Child exits({"exit"});
  ASSERT_TRUE(exits.started);
  const auto exit_id = exits.id();
  EXPECT_EQ(exits.wait_exit(), 0);
  EXPECT_FALSE(Prim::alive(exit_id)) << "a child that exited (its handle still open) is dead";

  Child runs({"sleep"});
  ASSERT_TRUE(runs.started);
  const auto run_id = runs.id();
  EXPECT_TRUE(Prim::alive(run_id));
  EXPECT_NE(run_id, exit_id);
  runs.kill();
  EXPECT_FALSE(Prim::alive(run_id)) << "a TerminateProcess'ed child is dead";
  // The same pid with another creation time is not that process.
  EXPECT_FALSE(Prim::alive(Prim::make_id(::GetCurrentProcessId(), 0)));
}

TEST(PrimWin32, WaitReturnsOnChangeAndTimesOut) {
  Prim::atomic<std::uint32_t> w{5};
  EXPECT_EQ(Prim::wait(w, 4, 1000), Prim::wait_result::woken);  // word != expected: at once
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(Prim::wait(w, 5, 50), Prim::wait_result::timed_out);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(40));
}

// ---- b. named mapping between processes; fixed address never replaces ------------------------
TEST(Win32Os, NamedMappingSharedWithAChild) {
  Segment s("map");
  ASSERT_NE(s.m.base, nullptr) << s.os.last_error();
  EXPECT_TRUE(s.m.created);
  Child c({"write", s.name, "0x5eed1234"});
  ASSERT_TRUE(c.started);
  EXPECT_EQ(c.wait_exit(), 0);
  EXPECT_EQ(s.v.d->report[0].load(), 0x5eed1234u);
  EXPECT_EQ(s.v.d->report[1].load(), c.id()) << "the child's self() is what the parent computes";
  EXPECT_EQ(s.v.d->report[2].load(), ::GetCurrentProcessId()) << "the child's parent_pid()";

  // A second open of the same name sees the same memory and is not "created".
  auto m2 = s.os.open(s.name, kSegSize, true, nullptr);
  ASSERT_NE(m2.base, nullptr);
  EXPECT_FALSE(m2.created);
  EXPECT_EQ(static_cast<Data*>(m2.base)->report[0].load(), 0x5eed1234u);
  // Mapping it exactly where the first view is must fail, never replace it.
  auto m3 = s.os.open(s.name, kSegSize, false, s.m.base);
  EXPECT_EQ(m3.base, nullptr);
  EXPECT_EQ(s.os.last_error(), ERROR_INVALID_ADDRESS);
  EXPECT_EQ(s.v.d->report[0].load(), 0x5eed1234u) << "the first view is intact";
  // A free fixed address works: map, release, map there again.
  auto m4 = s.os.open(s.name, kSegSize, false, nullptr);
  ASSERT_NE(m4.base, nullptr);
  void* at = m4.base;
  s.os.close(m4);
  auto m5 = s.os.open(s.name, kSegSize, false, at);
  EXPECT_EQ(m5.base, at);
  s.os.close(m5);
  s.os.close(m2);
  // list(): the exact name is found (held here), an unknown one is not.
  EXPECT_EQ(s.os.list(s.name).size(), 1u);
  EXPECT_TRUE(s.os.list(unique("nosuch")).empty());
}

TEST(Win32Os, ObjectGoesWithItsLastHandle) {
  wc::Win32Os os;
  const std::string name = unique("gone");
  auto m = os.open(name, kSegSize, true, nullptr);
  ASSERT_NE(m.base, nullptr);
  static_cast<char*>(m.base)[100] = 42;
  os.remove(name);  // closes our handle: the name goes, the view stays valid
  EXPECT_EQ(static_cast<char*>(m.base)[100], 42);
  EXPECT_TRUE(os.list(name).empty());
  EXPECT_EQ(os.open(name, kSegSize, false, nullptr).base, nullptr);
  os.close(m);
  auto local = os.create_local(kSegSize);
  ASSERT_NE(local.base, nullptr);
  EXPECT_EQ(static_cast<char*>(local.base)[kSegSize - 1], 0);
  os.close(local);
}

// ---- c. RwLock: a holder killed by TerminateProcess ------------------------------------------
TEST(RwLockWin32, TerminatedWriterGivesOwnerDied) {
  Segment s("lock");
  ASSERT_NE(s.m.base, nullptr);
  Event ev("lock");
  Child c({"hold-lock", s.name, ev.name});
  ASSERT_TRUE(c.started);
  ASSERT_TRUE(ev.wait_for(c)) << "worker exit code " << c.wait_exit(0);
  EXPECT_EQ(s.v.d->lock.try_lock(), wc::Acquire::would_block);
  c.kill();
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = s.v.d->lock.lock();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r, wc::Acquire::owner_died);
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_TRUE(s.v.d->lock.mark_consistent());
  EXPECT_TRUE(s.v.d->lock.unlock());
  EXPECT_EQ(s.v.d->lock.lock(), wc::Acquire::ok);
  EXPECT_TRUE(s.v.d->lock.unlock());
  EXPECT_TRUE(s.v.d->lock.check_invariants());
}

TEST(RwLockWin32, BlockedWaiterWakesWhenTheHolderIsKilled) {
  Segment s("lockwait");
  ASSERT_NE(s.m.base, nullptr);
  Event ev("lockwait");
  Child c({"hold-lock", s.name, ev.name});
  ASSERT_TRUE(c.started);
  ASSERT_TRUE(ev.wait_for(c));
  struct Arg {
    Lock* lock;
    wc::Acquire r;
  } arg{&s.v.d->lock, wc::Acquire::misuse};
  HANDLE t = ::CreateThread(
      nullptr, 0,
      [](void* p) -> DWORD {
        auto* a = static_cast<Arg*>(p);
        a->r = a->lock->lock();
        return 0;
      },
      &arg, 0, nullptr);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(::WaitForSingleObject(t, 300), WAIT_TIMEOUT) << "the waiter blocks while it lives";
  c.kill();
  EXPECT_EQ(::WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
  ::CloseHandle(t);
  EXPECT_EQ(arg.r, wc::Acquire::owner_died);
  s.v.d->lock.mark_consistent();
  s.v.d->lock.unlock();
}

// ---- d. Group: two processes, reaping a killed one -------------------------------------------
TEST(GroupWin32, SecondProcessSeesTheGenerationAndTheKilledOneIsReaped) {
  wc::Win32Os os;
  const std::string name = unique("grp");
  Group g(os, name, kinds(), group_init);
  ASSERT_EQ(g.join(), Group::Status::ok);
  ASSERT_EQ(g.attach(0), Group::Status::ok);
  const auto gen = g.generation(0);
  EXPECT_NE(gen, 0u);
  EXPECT_EQ(g.use_count(0), 1u);
  auto* d = reinterpret_cast<Data*>(g.content(0));

  Event ev("grp");
  Child c({"group-attach", name, ev.name});
  ASSERT_TRUE(c.started);
  ASSERT_TRUE(ev.wait_for(c)) << "worker exit code " << c.wait_exit(0);
  EXPECT_EQ(d->report[2].load(), gen) << "the worker attached the same generation";
  EXPECT_EQ(d->report[1].load(), c.id());
  EXPECT_EQ(g.use_count(0), 2u);

  c.kill();
  g.reap();  // the next registry operation reaps the dead
  EXPECT_EQ(g.use_count(0), 1u);
  EXPECT_EQ(g.generation(0), gen) << "the segment we still use stays";
  EXPECT_EQ(g.current_generation(0), gen);
  g.leave();
  EXPECT_TRUE(os.list(wc::registry_name(name)).empty()) << "the last leaver's name is gone";
}

TEST(GroupWin32, KilledLastUserWhileWeAreDetachedDropsTheSegment) {
  wc::Win32Os os;
  const std::string name = unique("grp2");
  Group g(os, name, kinds(), group_init);
  ASSERT_EQ(g.join(), Group::Status::ok);
  Event ev("grp2");
  Child c({"group-attach", name, ev.name});
  ASSERT_TRUE(c.started);
  ASSERT_TRUE(ev.wait_for(c));
  const auto gen = g.current_generation(0);
  EXPECT_NE(gen, 0u);
  EXPECT_EQ(g.use_count(0), 1u);
  c.kill();
  g.reap();
  EXPECT_EQ(g.use_count(0), 0u);
  EXPECT_EQ(g.current_generation(0), 0u) << "nobody alive uses it: unpublished";
  ASSERT_EQ(g.attach(0), Group::Status::ok);
  EXPECT_GT(g.generation(0), gen) << "a new generation, never the old name";
  g.leave();
}

TEST(GroupWin32, RegistryLockHolderKilledIsRepaired) {
  wc::Win32Os os;
  const std::string name = unique("grp3");
  Group g(os, name, kinds(), group_init);
  ASSERT_EQ(g.join(), Group::Status::ok);
  ASSERT_EQ(g.attach(0), Group::Status::ok);
  const auto gen = g.generation(0);
  Event ev("grp3");
  Child c({"hold-registry", name, ev.name});
  ASSERT_TRUE(c.started);
  ASSERT_TRUE(ev.wait_for(c)) << "worker exit code " << c.wait_exit(0);
  EXPECT_EQ(g.use_count(0), 2u);
  c.kill();
  const auto t0 = std::chrono::steady_clock::now();
  g.reap();  // the registry lock says owner_died: repair (SEG-6), reap the dead
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(g.repairs(), 1u);
  EXPECT_EQ(g.use_count(0), 1u);
  EXPECT_EQ(g.current_generation(0), gen) << "the live segment is kept";
  EXPECT_EQ(g.registry()->lock_.try_lock(), wc::Acquire::ok);
  g.registry()->lock_.unlock();
  g.leave();
}

// ---- e. Allocator: a writer killed inside an open transaction -------------------------------
TEST(AllocatorWin32, KilledInsideATransactionIsRolledBack) {
  Segment s("heap");
  ASSERT_NE(s.m.base, nullptr);
  const View& v = s.v;
  ASSERT_NE(v.h, nullptr);
  const unsigned n = 10;
  for (unsigned k = 0; k < n; ++k) {
    ASSERT_EQ(v.d->lock.lock(), wc::Acquire::ok);
    v.h->begin();
    ASSERT_TRUE(store_value(v, k, 0x5eed0000u + k, 100 + 13 * k));
    v.h->commit();
    v.d->lock.unlock();
  }
  u64 before[kTable];
  std::memcpy(before, v.d->table, sizeof before);
  const auto stats_before = v.h->stats();

  Event ev("heap");
  Child c({"mid-txn", s.name, ev.name});
  ASSERT_TRUE(c.started);
  ASSERT_TRUE(ev.wait_for(c)) << "worker exit code " << c.wait_exit(0);
  EXPECT_TRUE(v.h->needs_recovery());
  c.kill();

  ASSERT_EQ(v.d->lock.lock(), wc::Acquire::owner_died);
  ASSERT_TRUE(v.h->needs_recovery());
  v.h->recover();
  EXPECT_FALSE(v.h->needs_recovery());
  EXPECT_TRUE(v.h->check_invariants()) << (v.h->violation() ? v.h->violation() : "");
  EXPECT_EQ(std::memcmp(before, v.d->table, sizeof before), 0) << "the table is rolled back";
  for (unsigned k = 0; k < n; ++k) EXPECT_TRUE(verify_value(v, k, v.d->table[k])) << k;
  EXPECT_EQ(v.h->stats().free, stats_before.free);
  EXPECT_EQ(v.h->stats().used_blocks, stats_before.used_blocks);
  EXPECT_TRUE(v.d->lock.mark_consistent());
  EXPECT_TRUE(v.d->lock.unlock());

  // The heap goes on working.
  ASSERT_EQ(v.d->lock.lock(), wc::Acquire::ok);
  v.h->begin();
  EXPECT_TRUE(store_value(v, 1, 0xabc, 3000));
  v.h->commit();
  EXPECT_TRUE(verify_value(v, 1, v.d->table[1]));
  EXPECT_TRUE(v.h->check_invariants());
  v.d->lock.unlock();
}

// tests/win32/test_win32.cpp: PrimWin32 and Win32Os with REAL processes (ctest label win32,
// run under Wine by scripts/win32_tests.sh). A subset of tests/posix/: children are started with
// CreateProcessW from win32_worker.exe (next to this executable) and killed with
// TerminateProcess, the Windows analogue of SIGKILL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"

#include <sddl.h>
#include <winternl.h>

using namespace wt;

namespace {

// win32_worker.exe, or with `twin` its seeded-bug twin win32_worker_twin_<twin>.exe.
std::wstring worker_path(const char* twin = nullptr) {
  wchar_t buf[MAX_PATH];
  const DWORD n = ::GetModuleFileNameW(nullptr, buf, MAX_PATH);
  std::wstring p(buf, n);
  p = p.substr(0, p.find_last_of(L"\\/") + 1);
  return twin ? p + L"win32_worker_twin_" + widen(twin) + L".exe" : p + L"win32_worker.exe";
}

// A unique name per test and run (ctest runs tests in parallel).
std::string unique(const char* what) {
  return std::string("wctest_") + std::to_string(::GetCurrentProcessId()) + "_" + what;
}

// A child process; killed and reaped when the test ends, even after a failed assertion.
struct Child {
  PROCESS_INFORMATION pi{};
  bool started = false;
  DWORD error = 0;  // CreateProcessW's last error if !started
  explicit Child(const std::vector<std::string>& args, const char* twin = nullptr) {
    std::wstring cmd = L"\"" + worker_path(twin) + L"\"";
    for (const auto& a : args) cmd += L" " + widen(a);
    STARTUPINFOW si{};
    si.cb = sizeof si;
    std::vector<wchar_t> line(cmd.begin(), cmd.end());
    line.push_back(0);
    // Under load Wine's CreateProcessW fails now and then (seen: 2 in 40 stage runs with a full
    // build beside them); that is not what these tests are about, so try again a few times.
    for (int attempt = 0; attempt < 5 && !started; ++attempt) {
      if (attempt) {
        std::fprintf(stderr, "  CreateProcessW failed (error %lu), retrying\n", error);
        ::Sleep(200);
      }
      std::vector<wchar_t> copy = line;  // CreateProcessW may write into the command line
      started = ::CreateProcessW(nullptr, copy.data(), nullptr, nullptr, FALSE, 0, nullptr,
                                 nullptr, &si, &pi) != 0;
      if (!started) error = ::GetLastError();
    }
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

// The report words workers write (see worker.cpp): kReportWords per worker index.
struct ReportMap {
  wc::Win32Os os;
  std::string name;
  wc::Win32Os::Mapping m;
  explicit ReportMap(const char* what) : name(unique(what) + "_rep") {
    m = os.open(name, kReportSize, true, nullptr);
  }
  ~ReportMap() {
    os.remove(name);
    os.close(m);
  }
  u64 at(unsigned index, unsigned word) const {
    return static_cast<std::atomic<u64>*>(m.base)[kReportWords * index + word].load();
  }
};

// A salt for a group named like a real one, group_name(our pid, "", salt): at most 7 of the 8
// characters a salt keeps (clean_salt), so that salt + one character is still another salt.
std::string salt_of(const char* what) {
  return std::string(what).substr(0, 3) + std::to_string(::GetTickCount() % 10000);
}

// OpenFileMappingW's verdict on a name: 0 if it opens, else GetLastError().
DWORD open_error(const std::string& name) {
  HANDLE h = ::OpenFileMappingW(FILE_MAP_READ, FALSE, widen("Local\\" + name).c_str());
  if (h) {
    ::CloseHandle(h);
    return 0;
  }
  return ::GetLastError();
}

// ---- squatters: objects another user could have put at our names -----------------------------
// Wine runs every process as one user (S-1-5-21-0-0-0-1000) and has no second identity to log
// on as, so the "other user" is played by this process building what that user could build: a
// section whose security descriptor names another owner (Wine, unlike Windows, lets a token set
// any owner), grants Everyone, or has a NULL DACL; a symbolic link; an object of another type.
// The refusals are decided by what open() reads back from the object, which is the same
// whoever made it.

// Negative twins of Win32Os: each skips one check (prims/win32_os.hpp, NoWin32OsBugs).
struct TrustName : wc::NoWin32OsBugs {
  static constexpr bool trust_name = true;
};
struct TrustOwner : wc::NoWin32OsBugs {
  static constexpr bool trust_owner = true;
};
struct TrustDacl : wc::NoWin32OsBugs {
  static constexpr bool trust_dacl = true;
};

enum class Sd { ours, everyone, other_owner, null_dacl };

struct SidPtr {  // a SID from its string form
  PSID sid = nullptr;
  explicit SidPtr(const wchar_t* text) { ::ConvertStringSidToSidW(text, &sid); }
  ~SidPtr() {
    if (sid) ::LocalFree(sid);
  }
};

constexpr unsigned char kSquatByte = 0xa5;

// A section at Local\<name> made directly with CreateFileMappingW and security descriptor `sd`,
// every byte `fill`. ours: owner = our SID, DACL = one ACE for our SID (what Win32Os makes).
struct Squat {
  HANDLE h = nullptr;
  unsigned char* view = nullptr;
  DWORD error = 0;
  unsigned char fill;
  Squat(const std::string& name, Sd kind, unsigned char fill_with = kSquatByte) : fill(fill_with) {
    std::vector<unsigned char> me = Prim::token_user_sid();
    SidPtr everyone(L"S-1-1-0"), stranger(L"S-1-5-21-1111-2222-3333-1001");
    if (me.empty() || !everyone.sid || !stranger.sid) {
      error = ERROR_INVALID_SID;
      return;
    }
    alignas(8) unsigned char acl_buf[512];
    auto* acl = reinterpret_cast<PACL>(acl_buf);
    SECURITY_DESCRIPTOR sd;
    ::InitializeAcl(acl, sizeof acl_buf, ACL_REVISION);
    ::AddAccessAllowedAce(acl, ACL_REVISION, SECTION_ALL_ACCESS, me.data());
    if (kind == Sd::everyone) ::AddAccessAllowedAce(acl, ACL_REVISION, SECTION_ALL_ACCESS, everyone.sid);
    ::InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
    ::SetSecurityDescriptorOwner(&sd, kind == Sd::other_owner ? stranger.sid : me.data(), FALSE);
    ::SetSecurityDescriptorDacl(&sd, TRUE, kind == Sd::null_dacl ? nullptr : acl, FALSE);
    SECURITY_ATTRIBUTES sa{sizeof sa, &sd, FALSE};
    h = ::CreateFileMappingW(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, DWORD(kSegSize),
                             widen("Local\\" + name).c_str());
    if (!h || ::GetLastError() == ERROR_ALREADY_EXISTS) {
      error = h ? ERROR_ALREADY_EXISTS : ::GetLastError();
      return;
    }
    view = static_cast<unsigned char*>(::MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, kSegSize));
    if (!view) {
      error = ::GetLastError();
      return;
    }
    std::memset(view, fill, kSegSize);
  }
  ~Squat() {
    if (view) ::UnmapViewOfFile(view);
    if (h) ::CloseHandle(h);
  }
  bool ok() const { return view != nullptr; }
  // Every byte still as the squatter left it: nobody wrote into it.
  bool untouched() const {
    for (u64 i = 0; i < kSegSize; ++i)
      if (view[i] != fill) return false;
    return true;
  }
};

// The object directory Local\ names land in (Windows' rule; Wine uses session 1).
std::wstring local_directory() {
  DWORD session = 0;
  ::ProcessIdToSessionId(::GetCurrentProcessId(), &session);
  return session == 0 ? L"\\BaseNamedObjects"
                      : L"\\Sessions\\" + std::to_wstring(session) + L"\\BaseNamedObjects";
}

// A symbolic link object Local\<name> -> Local\<target> (NtCreateSymbolicLinkObject).
struct Link {
  HANDLE h = nullptr;
  long status = -1;
  Link(const std::string& name, const std::string& target) {
    using Create = LONG(NTAPI*)(HANDLE*, ACCESS_MASK, OBJECT_ATTRIBUTES*, UNICODE_STRING*);
    const auto create = reinterpret_cast<Create>(reinterpret_cast<void*>(
        ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtCreateSymbolicLinkObject")));
    if (!create) return;
    std::wstring ln = local_directory() + L"\\" + widen(name);
    std::wstring tn = local_directory() + L"\\" + widen(target);
    UNICODE_STRING lu{USHORT(ln.size() * 2), USHORT(ln.size() * 2), &ln[0]};
    UNICODE_STRING tu{USHORT(tn.size() * 2), USHORT(tn.size() * 2), &tn[0]};
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &lu, OBJ_CASE_INSENSITIVE, nullptr, nullptr);
    status = create(&h, 0xF0001 /* SYMBOLIC_LINK_ALL_ACCESS */, &oa, &tu);
  }
  ~Link() {
    if (h) ::CloseHandle(h);
  }
};

bool says(const char* reason, const char* part) { return std::strstr(reason, part) != nullptr; }

// Commits one value with key `key` and seed `seed` (the caller is the only writer).
void store_one(const View& v, unsigned key, u64 seed) {
  ASSERT_EQ(v.d->lock.lock(), wc::Acquire::ok);
  v.h->begin();
  ASSERT_TRUE(store_value(v, key, seed, 200));
  v.h->commit();
  ASSERT_TRUE(v.d->lock.unlock());
}

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

TEST(PrimWin32, UserTagHashesTheTokenUsersSid) {
  const std::vector<unsigned char> sid = Prim::token_user_sid();
  ASSERT_FALSE(sid.empty());
  ASSERT_TRUE(::IsValidSid(const_cast<unsigned char*>(sid.data())));
  LPWSTR w = nullptr;
  ASSERT_TRUE(::ConvertSidToStringSidW(const_cast<unsigned char*>(sid.data()), &w));
  std::string text;
  for (const wchar_t* c = w; *c; ++c) text += char(*c);
  ::LocalFree(w);
  EXPECT_EQ(text.compare(0, 4, "S-1-"), 0) << text;
  char want[24];
  std::snprintf(want, sizeof want, "s%016llx", (unsigned long long)wc::fnv1a64(text));
  const std::string tag = Prim::user_tag();
  EXPECT_EQ(tag, want) << "the tag of " << text;
  EXPECT_EQ(tag.size(), 17u);
  for (char c : tag) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << tag;
  EXPECT_EQ(Prim::user_tag(), tag) << "stable";
  EXPECT_EQ(Prim::pid_namespace(), 0u) << "Windows has no pid namespaces";
  // A child of the same user computes the same tag: Win32Os.PrivateObjectOfOursIsSharedWithAChild.
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

// ---- f. the real-process scenarios of tests/posix/test_posix_processes.cpp -------------------

// (a) Four workers join one group, attach kData and hammer store/remove/verify under the lock for
// 1 s, then detach and leave: all exit 0, every read verified every checksum, some process read
// another's values, and the last one out destroyed the registry and the segment (with every handle
// closed, OpenFileMappingW says ERROR_FILE_NOT_FOUND for both names).
TEST(ProcessesWin32, FourWorkersShareTheLockAndTheAllocator) {
  const std::string group = wc::group_name(::GetCurrentProcessId(), "", salt_of("ham"));
  ReportMap rep("ham");
  ASSERT_NE(rep.m.base, nullptr);
  std::vector<std::unique_ptr<Event>> ready;
  std::vector<std::unique_ptr<Child>> ws;
  std::vector<HANDLE> gos;
  for (unsigned i = 0; i < 4; ++i) {
    const std::string what = "ham" + std::to_string(i);
    ready.push_back(std::make_unique<Event>(what.c_str()));
    gos.push_back(::CreateEventW(nullptr, TRUE, FALSE, widen(ready[i]->name + "_go").c_str()));
    ASSERT_NE(gos[i], nullptr);
    ws.push_back(std::make_unique<Child>(
        std::vector<std::string>{"hammer", group, rep.name, std::to_string(i), ready[i]->name,
                                 "1000"}));
    ASSERT_TRUE(ws[i]->started);
  }
  for (unsigned i = 0; i < 4; ++i)
    ASSERT_TRUE(ready[i]->wait_for(*ws[i])) << "worker " << i << " never attached, exit code "
                                            << ws[i]->wait_exit(0);
  for (HANDLE g : gos) ::SetEvent(g);  // all attached: start together
  u64 foreign = 0, gen = 0;
  for (unsigned i = 0; i < 4; ++i) {
    EXPECT_EQ(ws[i]->wait_exit(30000), 0) << "worker " << i;
    EXPECT_EQ(rep.at(i, 0), 1u) << "worker " << i << " reported";
    EXPECT_GT(rep.at(i, 1), 0u) << "writes of worker " << i;
    EXPECT_GT(rep.at(i, 2), 0u) << "reads of worker " << i;
    std::printf("  [hammer %u] writes=%llu reads=%llu foreign=%llu stores=%llu removes=%llu\n", i,
                (unsigned long long)rep.at(i, 1), (unsigned long long)rep.at(i, 2),
                (unsigned long long)rep.at(i, 3), (unsigned long long)rep.at(i, 5),
                (unsigned long long)rep.at(i, 6));
    foreign += rep.at(i, 3);
    if (i == 0) gen = rep.at(i, 4);
    EXPECT_EQ(rep.at(i, 4), gen) << "every worker used the same generation";
  }
  for (HANDLE g : gos) ::CloseHandle(g);
  EXPECT_GT(foreign, 0u) << "no worker ever verified a value another process wrote";
  ASSERT_NE(gen, 0u);
  EXPECT_EQ(open_error(wc::registry_name(group)), DWORD(ERROR_FILE_NOT_FOUND))
      << "the last worker out must destroy the registry";
  EXPECT_EQ(open_error(wc::segment_name(group, kData, gen)), DWORD(ERROR_FILE_NOT_FOUND))
      << "and the segment";
}

// (c) A worker TerminateProcess'ed while holding a READ lock: a writer already waiting (draining)
// gets in plainly (ok: a dead reader changed nothing), within the hang bound; the dead reader's
// hold was reaped and every value verifies.
TEST(ProcessesWin32, ReaderKilledHoldingAReadLock) {
  wc::Win32Os os;
  const std::string group = wc::group_name(::GetCurrentProcessId(), "", salt_of("rd"));
  Group k(os, group, kinds(), group_init);
  ASSERT_EQ(k.join(), Group::Status::ok);
  ASSERT_EQ(k.attach(kData), Group::Status::ok);
  const View v = view_of(k, kData);
  ASSERT_NE(v.h, nullptr);
  ReportMap rep("rd");
  ASSERT_NE(rep.m.base, nullptr) << rep.os.last_error();
  Event ev("rd");
  Child holder({"hold-read", group, rep.name, "0", ev.name});
  ASSERT_TRUE(holder.started);
  ASSERT_TRUE(ev.wait_for(holder)) << "worker exit code " << holder.wait_exit(0);
  EXPECT_EQ(rep.at(0, 1), 5u) << "live values";
  EXPECT_EQ(rep.at(0, 2), 1u) << "the worker's read hold";

  struct Arg {
    Lock* lock;
    wc::Acquire r;
  } arg{&v.d->lock, wc::Acquire::misuse};
  HANDLE t = ::CreateThread(
      nullptr, 0,
      [](void* p) -> DWORD {
        auto* a = static_cast<Arg*>(p);
        a->r = a->lock->lock();
        return 0;
      },
      &arg, 0, nullptr);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(::WaitForSingleObject(t, 300), WAIT_TIMEOUT) << "the writer waits for the reader";
  const auto t0 = std::chrono::steady_clock::now();
  holder.kill();
  const DWORD w = ::WaitForSingleObject(t, 10000);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(w, WAIT_OBJECT_0) << "hang bound";
  if (w != WAIT_OBJECT_0) ::TerminateThread(t, 1);
  ::CloseHandle(t);
  ASSERT_EQ(w, WAIT_OBJECT_0);
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(arg.r, wc::Acquire::ok) << "a dead reader changed nothing: no repair";
  EXPECT_GE(v.d->lock.reaped_readers(), 1u) << "the dead reader's hold was cleared";
  EXPECT_FALSE(v.h->needs_recovery());
  EXPECT_EQ(v.h->violation(), nullptr);
  const Census c = census(v);
  EXPECT_EQ(c.live, 5u);
  EXPECT_EQ(c.bad, 0u);
  EXPECT_TRUE(v.d->lock.unlock());
  EXPECT_TRUE(v.d->lock.check_invariants());
  k.leave();
  EXPECT_EQ(open_error(wc::registry_name(group)), DWORD(ERROR_FILE_NOT_FOUND));
}

// (e) SEG-4: a worker that cannot map the fixed kind at its recorded address (it reserved that
// very range first) runs on a local copy and REPORTS Scope::local; a normal worker maps the shared
// one at the recorded base and reads what we wrote.
TEST(ProcessesWin32, FixedKindFallsBackToLocalWhereItsAddressIsTaken) {
  wc::Win32Os os;
  const std::string group = wc::group_name(::GetCurrentProcessId(), "", salt_of("fix"));
  Group k(os, group, kinds(), group_init);
  ASSERT_EQ(k.join(), Group::Status::ok);
  ASSERT_EQ(k.attach(kFixed), Group::Status::ok);
  ASSERT_EQ(k.scope(kFixed), wc::Scope::global);
  const u64 fixed_base = k.registry()->entries_[kFixed].fixed_base.load();
  EXPECT_EQ(fixed_base, kFixedBase) << "the creator maps at the preferred base when it is free";
  ASSERT_EQ(reinterpret_cast<u64>(k.base(kFixed)), fixed_base);
  const View v = view_of(k, kFixed);
  ASSERT_NE(v.h, nullptr);
  const u64 marker = 0x4d41524bull;
  store_one(v, 0, marker);
  ReportMap rep("fix");
  ASSERT_NE(rep.m.base, nullptr) << rep.os.last_error();

  Child local({"scope", group, rep.name, "0", "1", std::to_string(marker)});
  ASSERT_TRUE(local.started);
  ASSERT_EQ(local.wait_exit(), 0);
  EXPECT_EQ(rep.at(0, 2), 1u) << "the worker reserved the recorded range first";
  EXPECT_EQ(rep.at(0, 8), fixed_base);
  EXPECT_EQ(rep.at(0, 1), u64(wc::Scope::local)) << "the fallback must be REPORTED";
  EXPECT_EQ(rep.at(0, 4), 1u) << "the local copy is a working, separate heap";
  EXPECT_EQ(rep.at(0, 5), 1u) << "a local copy is not a use of the global segment";
  EXPECT_EQ(rep.at(0, 6), 0u) << "no generation";

  Child global({"scope", group, rep.name, "1", "0", std::to_string(marker)});
  ASSERT_TRUE(global.started);
  ASSERT_EQ(global.wait_exit(), 0);
  EXPECT_EQ(rep.at(1, 1), u64(wc::Scope::global));
  EXPECT_EQ(rep.at(1, 7), fixed_base) << "mapped at the recorded base";
  EXPECT_EQ(rep.at(1, 3), 1u) << "it reads what we wrote";
  EXPECT_EQ(rep.at(1, 5), 2u);
  EXPECT_EQ(rep.at(1, 6), k.generation(kFixed));

  // The local writer wrote into its own copy only.
  EXPECT_EQ(k.use_count(kFixed), 1u);
  ASSERT_EQ(v.d->lock.lock_shared(k.slot_index()), wc::Acquire::ok);
  EXPECT_TRUE(verify_value(v, 0, v.d->table[0]));
  EXPECT_EQ(reinterpret_cast<const ValueHead*>(v.base + v.d->table[0])->seed, marker);
  EXPECT_TRUE(v.d->lock.unlock_shared(k.slot_index()));
  k.leave();
}

// (f) Groups named after another salt or another parent see nothing of ours; the same parent and
// salt (the control) does see our segment.
TEST(ProcessesWin32, GroupsAreIsolatedBySaltAndByParent) {
  wc::Win32Os os;
  const std::string salt = salt_of("iso");
  const std::string group = wc::group_name(::GetCurrentProcessId(), "", salt);
  Group k(os, group, kinds(), group_init);
  ASSERT_EQ(k.join(), Group::Status::ok);
  ASSERT_EQ(k.attach(kData), Group::Status::ok);
  const u64 gen_a = k.generation(kData);
  ReportMap rep("iso");
  ASSERT_NE(rep.m.base, nullptr) << rep.os.last_error();

  // Control: a child of ours with our salt computes our group and attaches our segment.
  Child same({"probe", "ppid:" + salt, rep.name, "0"});
  ASSERT_TRUE(same.started);
  ASSERT_EQ(same.wait_exit(), 0);
  EXPECT_EQ(rep.at(0, 6), wc::fnv1a64(group)) << "the child computed our group name";
  EXPECT_EQ(rep.at(0, 1), 1u);
  EXPECT_EQ(rep.at(0, 2), gen_a);
  EXPECT_EQ(rep.at(0, 3), gen_a) << "it attached our segment";
  EXPECT_EQ(rep.at(0, 5), 2u);

  // Same parent, another salt.
  const std::string other = wc::group_name(::GetCurrentProcessId(), "", salt + "b");
  Child salted({"probe", other, rep.name, "1"});
  ASSERT_TRUE(salted.started);
  ASSERT_EQ(salted.wait_exit(), 0);
  EXPECT_EQ(rep.at(1, 1), 0u) << "use_count of the kind our group created";
  EXPECT_EQ(rep.at(1, 2), 0u) << "no entry for it";
  EXPECT_NE(rep.at(1, 3), 0u);
  EXPECT_EQ(rep.at(1, 5), 1u) << "it made its own segment, used by it alone";

  // Same salt, another parent: the probe is started by an intermediate worker.
  Child via({"via", "probe", "ppid:" + salt, rep.name, "2"});
  ASSERT_TRUE(via.started);
  ASSERT_EQ(via.wait_exit(30000), 0);
  const u64 parent = rep.at(2, 4);
  EXPECT_EQ(parent, Prim::pid_of(via.id())) << "the probe's parent is the intermediate";
  EXPECT_EQ(rep.at(2, 6), wc::fnv1a64(wc::group_name(parent, "", salt)));
  EXPECT_NE(rep.at(2, 6), wc::fnv1a64(group));
  EXPECT_EQ(rep.at(2, 1), 0u);
  EXPECT_EQ(rep.at(2, 2), 0u);
  EXPECT_EQ(rep.at(2, 5), 1u);

  // Ours is untouched by either.
  EXPECT_EQ(k.current_generation(kData), gen_a);
  EXPECT_EQ(k.use_count(kData), 1u);
  EXPECT_EQ(open_error(wc::segment_name(group, kData, gen_a)), 0u);
  k.leave();
}

// (b) as a worker sees it, then its negative twin (posix_tests' PosixTwin.ForgetDirtyHidesTheDeath):
// a writer TerminateProcess'ed holding the write lock. A normal checker process is told owner_died
// (the recovery is REPORTED) and verifies every value; the forget_dirty twin, in the same scenario,
// takes over too but is told ok: the death is hidden, which is the failure the bug causes.
TEST(ProcessesWin32, ForgetDirtyTwinHidesTheDeath) {
  wc::Win32Os os;
  const std::string group = wc::group_name(::GetCurrentProcessId(), "", salt_of("tw"));
  Group k(os, group, kinds(), group_init);
  ASSERT_EQ(k.join(), Group::Status::ok);
  ASSERT_EQ(k.attach(kData), Group::Status::ok);
  ReportMap rep("twin");
  ASSERT_NE(rep.m.base, nullptr) << rep.os.last_error();
  for (unsigned round = 0; round < 2; ++round) {
    const bool twin = round == 1;
    const std::string i = std::to_string(2 * round), j = std::to_string(2 * round + 1);
    Event ev(twin ? "twinw1" : "twinw0");
    Child holder({"hold-write", group, rep.name, i, ev.name});
    ASSERT_TRUE(holder.started);
    ASSERT_TRUE(ev.wait_for(holder)) << "worker exit code " << holder.wait_exit(0);
    holder.kill();
    Child c({"check", group, rep.name, j}, twin ? "forget_dirty" : nullptr);
    ASSERT_TRUE(c.started) << (twin ? "twin" : "normal") << " error " << c.error;
    ASSERT_EQ(c.wait_exit(), 0) << (twin ? "twin" : "normal");
    const unsigned r = 2 * round + 1;
    EXPECT_EQ(rep.at(r, 0), 1u);
    EXPECT_GE(rep.at(r, 8), 1u) << "it did take over from the dead writer";
    EXPECT_EQ(rep.at(r, 4), 1u) << "heap invariants";
    EXPECT_EQ(rep.at(r, 5), 1u) << "lock invariants";
    EXPECT_EQ(rep.at(r, 7), 0u) << "every value verifies";
    EXPECT_EQ(rep.at(r, 10), 1u) << "released";
    if (!twin) {
      EXPECT_EQ(rep.at(r, 1), u64(wc::Acquire::owner_died)) << "the recovery must be REPORTED";
      EXPECT_EQ(rep.at(r, 6), 3u) << "live values";
    } else {
      EXPECT_EQ(rep.at(r, 1), u64(wc::Acquire::ok))
          << "the twin must hide the death (else the normal check proves nothing)";
      EXPECT_EQ(rep.at(r, 6), 3u) << "live values (the holder re-stored keys 0..2)";
    }
  }
  k.leave();
}

// ---- g. squatted names: another user's object is never used (prims/win32_os.hpp) -------------
// Each refusal has a twin: the same Win32Os with that one check skipped maps the squatted object
// (so the check, not something else, is what refuses it).

// (a) An object at our name whose DACL also grants Everyone is refused by open(), created or
// not; nothing of it is mapped or written; list() says it is not there (not ours). A group whose
// registry name is squatted so does not join (map_failed), and the squatter's object is never
// initialised as a registry.
TEST(Win32OsSquat, EveryoneInTheDaclIsRefused) {
  const std::string name = unique("sqe");
  Squat sq(name, Sd::everyone);
  ASSERT_TRUE(sq.ok()) << sq.error;
  wc::Win32Os os;
  auto m = os.open(name, kSegSize, true, nullptr);
  EXPECT_EQ(m.base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(says(os.last_reason(), "grants access to another SID")) << os.last_reason();
  m = os.open(name, kSegSize, false, nullptr);
  EXPECT_EQ(m.base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(os.list(name).empty()) << "not ours: not there for us";
  EXPECT_TRUE(sq.untouched());

  wc::BasicWin32Os<TrustDacl> twin;
  auto t = twin.open(name, kSegSize, false, nullptr);
  ASSERT_NE(t.base, nullptr) << "twin: " << twin.last_reason();
  EXPECT_EQ(static_cast<unsigned char*>(t.base)[123], kSquatByte) << "the twin maps the squat";
  twin.close(t);
}

TEST(Win32OsSquat, SquattedRegistryIsNeverJoined) {
  const std::string group = unique("sqr");
  Squat sq(wc::registry_name(group), Sd::everyone, 0);  // zero-filled: a valid empty registry
  ASSERT_TRUE(sq.ok()) << sq.error;
  wc::Win32Os os;
  Group g(os, group, kinds(), group_init);
  EXPECT_EQ(g.join(), Group::Status::map_failed);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(sq.untouched()) << "no init word, slot or lock was written into the squat";

  wc::BasicWin32Os<TrustDacl> twin;  // the twin joins the squatter's object as our registry
  using TwinGroup = wc::Group<Prim, wc::BasicWin32Os<TrustDacl>>;
  TwinGroup tg(twin, group, kinds(), group_init);
  EXPECT_EQ(tg.join(), TwinGroup::Status::ok);
  EXPECT_FALSE(sq.untouched()) << "the twin wrote into it";
  tg.leave();
}

// Another owner, though the DACL names only us.
TEST(Win32OsSquat, AnotherOwnerIsRefused) {
  const std::string name = unique("sqo");
  Squat sq(name, Sd::other_owner);
  ASSERT_TRUE(sq.ok()) << sq.error;
  wc::Win32Os os;
  EXPECT_EQ(os.open(name, kSegSize, true, nullptr).base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(says(os.last_reason(), "owned by another user")) << os.last_reason();
  EXPECT_EQ(os.open(name, kSegSize, false, nullptr).base, nullptr);
  EXPECT_TRUE(os.list(name).empty());
  EXPECT_TRUE(sq.untouched());

  wc::BasicWin32Os<TrustOwner> twin;
  auto t = twin.open(name, kSegSize, true, nullptr);
  ASSERT_NE(t.base, nullptr) << "twin: " << twin.last_reason();
  EXPECT_FALSE(t.created);
  twin.close(t);
}

// A NULL DACL (everyone may open it).
TEST(Win32OsSquat, NullDaclIsRefused) {
  const std::string name = unique("sqn");
  Squat sq(name, Sd::null_dacl);
  ASSERT_TRUE(sq.ok()) << sq.error;
  wc::Win32Os os;
  EXPECT_EQ(os.open(name, kSegSize, true, nullptr).base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(says(os.last_reason(), "NULL DACL")) << os.last_reason();
  EXPECT_TRUE(sq.untouched());

  wc::BasicWin32Os<TrustDacl> twin;
  auto t = twin.open(name, kSegSize, false, nullptr);
  EXPECT_NE(t.base, nullptr) << "twin: " << twin.last_reason();
  twin.close(t);
}

// A symbolic link at our name to ANOTHER OF OUR OWN objects (owner and DACL pass): refused by
// the name check, so one of our names can never be redirected to another (a registry onto a
// segment). A link to a missing target must not create our object at the target either. (The
// twin covers the first link only: under Wine a create through a dangling link fails anyway.)
TEST(Win32OsSquat, SymbolicLinkAtOurNameIsRefused) {
  // (list(prefix) matches held names by prefix: no name here extends another.)
  const std::string name = unique("sql"), target = unique("lnt"), missing = unique("lnm"),
                    dname = unique("sqd");
  wc::Win32Os os;
  auto ours = os.open(target, kSegSize, true, nullptr);
  ASSERT_NE(ours.base, nullptr) << os.last_reason();
  static_cast<unsigned char*>(ours.base)[7] = 0x77;
  Link link(name, target);
  ASSERT_EQ(link.status, 0) << "NtCreateSymbolicLinkObject";
  EXPECT_EQ(os.open(name, kSegSize, true, nullptr).base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(says(os.last_reason(), "symbolic link")) << os.last_reason();
  EXPECT_EQ(os.open(name, kSegSize, false, nullptr).base, nullptr);
  EXPECT_TRUE(os.list(name).empty());

  // A dangling link at our name: Windows creates through a link, so check (1) would refuse our
  // object made at the target (and close it); Wine refuses the create itself
  // (ERROR_PATH_NOT_FOUND). Either way: refused, and nothing exists at the target.
  Link dangling(dname, missing);
  ASSERT_EQ(dangling.status, 0);
  EXPECT_EQ(os.open(dname, kSegSize, true, nullptr).base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(says(os.last_reason(), "symbolic link")) << os.last_reason();
  EXPECT_EQ(open_error(missing), DWORD(ERROR_FILE_NOT_FOUND));
  EXPECT_TRUE(os.list(dname).empty());

  wc::BasicWin32Os<TrustName> twin;
  auto t = twin.open(name, kSegSize, false, nullptr);
  ASSERT_NE(t.base, nullptr) << "twin: " << twin.last_reason();
  EXPECT_EQ(static_cast<unsigned char*>(t.base)[7], 0x77) << "the twin follows the link";
  twin.close(t);
  os.remove(target);
  os.close(ours);
}

// Our name held by an object of another type (an event): refused with a reason, not mapped.
TEST(Win32OsSquat, ObjectOfAnotherTypeIsRefused) {
  const std::string name = unique("sqt");
  HANDLE ev = ::CreateEventW(nullptr, TRUE, FALSE, widen("Local\\" + name).c_str());
  ASSERT_NE(ev, nullptr);
  wc::Win32Os os;
  EXPECT_EQ(os.open(name, kSegSize, true, nullptr).base, nullptr);
  EXPECT_EQ(os.last_error(), ERROR_ACCESS_DENIED);
  EXPECT_TRUE(says(os.last_reason(), "another type")) << os.last_reason();
  EXPECT_EQ(os.open(name, kSegSize, false, nullptr).base, nullptr);
  EXPECT_TRUE(os.list(name).empty());
  ::CloseHandle(ev);
}

// (b) An object at our name made with OUR private descriptor (owner us, one ACE for us) -- by
// this process directly, not by Win32Os -- is accepted: open(create) finds it (not created) and
// sees its bytes, and a child opens it through Win32Os and writes into it. The child computes
// the same user_tag().
TEST(Win32OsSquat, PrivateObjectOfOursIsSharedWithAChild) {
  const std::string name = unique("sqp");
  Squat sq(name, Sd::ours);
  ASSERT_TRUE(sq.ok()) << sq.error;
  std::memset(sq.view, 0, sizeof(Data));  // the child's report words start at zero
  wc::Win32Os os;
  auto m = os.open(name, kSegSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason();
  EXPECT_FALSE(m.created);
  EXPECT_EQ(static_cast<unsigned char*>(m.base)[kSegSize - 1], kSquatByte);
  EXPECT_EQ(os.list(name).size(), 1u);
  Child c({"write", name, "0x0b5e55ed"});
  ASSERT_TRUE(c.started);
  EXPECT_EQ(c.wait_exit(), 0) << "the child's Win32Os accepted it";
  const Data* d = static_cast<const Data*>(m.base);
  EXPECT_EQ(d->report[0].load(), 0x0b5e55edu);
  EXPECT_EQ(d->report[3].load(), wc::fnv1a64(Prim::user_tag())) << "same user, same tag";
  os.close(m);
}

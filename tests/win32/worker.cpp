// tests/win32/worker.cpp: the helper process the Win32 tests start with CreateProcessW.
//
//   win32_worker <command> [args...]
//
//   exit                          exit 0 at once
//   sleep                         sleep until killed
//   write <mapping> <value>       open the named mapping (Win32Os, create=false), store value,
//                                 self(), parent_pid() and fnv1a64(user_tag()) into
//                                 Data::report[0..3], exit 0 (exit 3 and Win32Os's reason if the
//                                 open is refused)
//   hold-lock <mapping> <event>   lock() the Data's RwLock, set report[3], SetEvent, sleep
//   group-attach <group> <event>  join the group, attach kind 0, write its generation and self()
//                                 into the content's report words, SetEvent, sleep
//   hold-registry <group> <event> join the group, attach kind 0, take the REGISTRY lock, SetEvent,
//                                 sleep
//   mid-txn <mapping> <event>     lock(), begin(), alloc a value and write half of it, journal its
//                                 table entry, SetEvent, sleep (the transaction stays open)
//
// The real-process scenarios of posix_tests (reports go to the report mapping <report>, words
// [16 * <i>, 16 * <i> + 16), see rep() below; <group> "ppid:<salt>" means
// group_name(parent_pid(), "", salt)):
//   hammer <group> <report> <i> <event> <ms>   join, attach kData, SetEvent(<event>), wait for
//                                 <event>_go, then for <ms> ms store/remove values under the write
//                                 lock and verify every live value under the read lock; detach,
//                                 leave, report, exit 0
//   hold-read <group> <report> <i> <event>     attach kData, store 5 values, lock_shared, SetEvent,
//                                 sleep
//   hold-write <group> <report> <i> <event>    attach kData, store 3 values, lock(), SetEvent, sleep
//   check <group> <report> <i>    attach kData, lock(), recover if told owner_died, verify, report
//   scope <group> <report> <i> <block>         attach kFixed (after reserving its recorded range
//                                 with VirtualAlloc(MEM_RESERVE) when block=1), report scope etc.
//   probe <group> <report> <i>    report use_count / generation of kData before attaching, attach
//   via <args...>                 start a worker with <args...>, wait for it, exit with its code
//                                 (the grandchild's parent is this process)
//
// Exit codes: 0 fine, 2 usage, 3 open/join failed, 4 attach failed, 5 unexpected lock result,
// 6 alloc failed, 7 event missing, 10 a value failed its checksum, 11 an invariant failed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common.hpp"

using namespace wt;

namespace {

[[noreturn]] void die(int code, const char* why) {
  std::fprintf(stderr, "win32_worker: %s (error %lu)\n", why, ::GetLastError());
  std::fflush(stderr);
  ::ExitProcess(UINT(code));
}

[[noreturn]] void sleep_forever() {
  for (;;) ::Sleep(INFINITE);
}

void signal(const std::string& event) {
  HANDLE e = ::OpenEventW(EVENT_MODIFY_STATE, FALSE, widen(event).c_str());
  if (!e || !::SetEvent(e)) die(7, "cannot signal the event");
  ::CloseHandle(e);
}

View open_view(wc::Win32Os& os, const std::string& name) {
  const auto m = os.open(name, kSegSize, false, nullptr);
  if (!m.base) {
    std::fprintf(stderr, "win32_worker: %s\n", os.last_reason());
    die(3, "cannot open the mapping");
  }
  View v = view_at(m.base, kSegSize);
  return v;
}

// Report words (per worker index i, 16 words):
//   hammer: 0 done, 1 writes, 2 reads, 3 foreign, 4 generation, 5 stores, 6 removes
//   check:  0 done, 1 acquire, 2 needs_recovery, 3 recovered, 4 heap ok, 5 lock ok, 6 live,
//           7 bad, 8 takeovers, 9 reaped readers, 10 released
//   scope:  0 done, 1 scope, 2 blocked, 3 marker_ok, 4 local_ok, 5 use_count, 6 generation,
//           7 base, 8 fixed_base
//   probe:  0 done, 1 use_count0 before, 2 gen0 before, 3 created gen, 4 parent pid,
//           5 use_count0 after, 6 group name hash
//   hold-*: 0 slot, 1 live, 2 readers in our slot
struct Report {
  wc::Win32Os::Mapping m;
  std::atomic<u64>* w = nullptr;
};
Report g_rep;
std::atomic<u64>& rep(unsigned j) { return g_rep.w[j]; }

void open_report(wc::Win32Os& os, const std::string& name, unsigned index) {
  g_rep.m = os.open(name, kReportSize, false, nullptr);
  if (!g_rep.m.base) die(3, "cannot open the report mapping");
  g_rep.w = static_cast<std::atomic<u64>*>(g_rep.m.base) + kReportWords * index;
}

std::string group_of(const std::string& arg) {
  if (arg.compare(0, 5, "ppid:") == 0) return wc::group_name(Prim::parent_pid(), "", arg.substr(5));
  return arg;
}

void lock_ok(const View& v) {
  if (v.d->lock.lock() != wc::Acquire::ok) die(5, "lock");
  if (v.h->needs_recovery()) die(11, "a transaction is open under a consistent lock");
}

void fill(const View& v, unsigned n) {
  for (unsigned k = 0; k < n; ++k) {
    lock_ok(v);
    v.h->begin();
    if (!store_value(v, k, 0x5eed0000u + k, 100 + 13 * k)) die(6, "fill");
    v.h->commit();
    v.d->lock.unlock();
  }
}

struct Member {
  Group g;
  explicit Member(wc::Win32Os& os, const std::string& name) : g(os, name, kinds(), group_init) {
    if (g.join() != Group::Status::ok) die(3, "join");
  }
  View attach(unsigned kind) {
    if (g.attach(kind) != Group::Status::ok) die(4, "attach");
    View v = view_of(g, kind);
    if (!v.h) die(4, "no allocator in the segment");
    return v;
  }
};

int cmd_hammer(Member& w, const std::string& event, u64 ms) {
  const View v = w.attach(kData);
  const unsigned slot = w.g.slot_index();
  const u64 me = ::GetCurrentProcessId();
  std::mt19937_64 rng(me * 7919 + ::GetTickCount());
  HANDLE go = ::OpenEventW(SYNCHRONIZE, FALSE, widen(event + "_go").c_str());
  if (!go) die(7, "no go event");
  signal(event);
  if (::WaitForSingleObject(go, 20000) != WAIT_OBJECT_0) die(7, "never told to go");
  ::CloseHandle(go);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  u64 writes = 0, reads = 0, stores = 0, removes = 0, foreign = 0, counter = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (rng() % 4 == 0) {
      lock_ok(v);
      v.h->begin();
      const unsigned key = unsigned(rng() % kTable);
      if (v.d->table[key] != 0 && rng() % 3 == 0) {
        if (!remove_value(v, key)) die(11, "remove refused");
        ++removes;
      } else if (store_value(v, key, (me << 32) | ++counter, rng() % 1200)) {
        ++stores;
      }
      v.h->commit();
      if (++writes % 8 == 0) {
        if (v.h->violation()) die(11, v.h->violation());
        const Census c = census(v);
        if (c.bad) die(10, "writer found bad values");
        if (v.h->stats().used_blocks != c.live) die(11, "used_blocks != live values");
      }
      if (!v.d->lock.unlock()) die(5, "unlock refused");
    } else {
      if (v.d->lock.lock_shared(slot) != wc::Acquire::ok) die(5, "lock_shared");
      const Census c = census(v);
      if (c.bad) die(10, "reader found bad values");
      if (v.h->stats().used_blocks != c.live) die(11, "used_blocks != live values (reader)");
      ++reads;
      for (unsigned k = 0; k < kTable; ++k) {
        const u64 p = v.d->table[k];
        if (p && (reinterpret_cast<const ValueHead*>(v.base + p)->seed >> 32) != me) ++foreign;
      }
      if (!v.d->lock.unlock_shared(slot)) die(5, "unlock_shared refused");
    }
  }
  if (!v.d->lock.check_invariants()) die(11, "lock invariants");
  const u64 gen = w.g.generation(kData);
  w.g.detach(kData);
  w.g.leave();
  rep(1) = writes;
  rep(2) = reads;
  rep(3) = foreign;
  rep(4) = gen;
  rep(5) = stores;
  rep(6) = removes;
  rep(0) = 1;
  return 0;
}

[[noreturn]] void cmd_hold(Member& w, const std::string& event, bool write) {
  const View v = w.attach(kData);
  fill(v, write ? 3 : 5);
  const unsigned slot = w.g.slot_index();
  if (write) {
    lock_ok(v);
  } else if (v.d->lock.lock_shared(slot) != wc::Acquire::ok) {
    die(5, "lock_shared");
  }
  rep(0) = slot;
  rep(1) = census(v).live;
  rep(2) = v.d->lock.readers_in(slot);
  signal(event);
  sleep_forever();
}

int cmd_check(Member& w) {
  const View v = w.attach(kData);
  const wc::Acquire r = v.d->lock.lock();
  if (r == wc::Acquire::would_block || r == wc::Acquire::misuse) die(5, "acquire");
  const bool needs = v.h->needs_recovery();
  bool recovered = false;
  if (r == wc::Acquire::owner_died || r == wc::Acquire::broken) {
    if (needs) {
      v.h->recover();
      recovered = true;
    }
    if (!v.d->lock.mark_consistent()) die(5, "mark_consistent refused");
  }
  const Census c = census(v);
  rep(1) = u64(r);
  rep(2) = needs;
  rep(3) = recovered;
  rep(4) = v.h->violation() == nullptr;
  rep(5) = v.d->lock.check_invariants();
  rep(6) = c.live;
  rep(7) = c.bad;
  rep(8) = v.d->lock.writer_takeovers();
  rep(9) = v.d->lock.reaped_readers();
  rep(10) = v.d->lock.unlock();
  w.g.detach(kData);
  w.g.leave();
  rep(0) = 1;
  return 0;
}

int cmd_scope(Member& w, bool block, u64 marker) {
  u64 blocked = 0;
  const u64 fb = w.g.registry()->entries_[kFixed].fixed_base.load();
  if (block) {
    if (fb == 0 || w.g.current_generation(kFixed) == 0) die(11, "no fixed segment to block");
    void* r = ::VirtualAlloc(reinterpret_cast<void*>(fb), kSegSize, MEM_RESERVE, PAGE_NOACCESS);
    if (r != reinterpret_cast<void*>(fb)) die(11, "could not reserve the fixed range");
    blocked = 1;
  }
  if (w.g.attach(kFixed) != Group::Status::ok) die(4, "attach");
  const View v = view_of(w.g, kFixed);
  if (!v.h) die(4, "no allocator in the segment");
  const wc::Scope s = w.g.scope(kFixed);
  u64 marker_ok = 2, local_ok = 2;
  const unsigned slot = w.g.slot_index();
  if (s == wc::Scope::global) {
    if (v.d->lock.lock_shared(slot) != wc::Acquire::ok) die(5, "lock_shared");
    const u64 p = v.d->table[0];
    marker_ok = p != 0 && verify_value(v, 0, p) &&
                reinterpret_cast<const ValueHead*>(v.base + p)->seed == marker;
    v.d->lock.unlock_shared(slot);
  } else {
    local_ok = v.d->table[0] == 0;  // a fresh private copy: empty, with a working heap
    lock_ok(v);
    v.h->begin();
    local_ok = local_ok && store_value(v, 0, 0x10ca1, 77);
    v.h->commit();
    local_ok = local_ok && verify_value(v, 0, v.d->table[0]) && v.h->check_invariants();
    v.d->lock.unlock();
  }
  rep(1) = u64(s);
  rep(2) = blocked;
  rep(3) = marker_ok;
  rep(4) = local_ok;
  rep(5) = w.g.use_count(kFixed);
  rep(6) = w.g.generation(kFixed);
  rep(7) = reinterpret_cast<u64>(w.g.base(kFixed));
  rep(8) = fb;
  w.g.leave();
  rep(0) = 1;
  return 0;
}

int cmd_probe(Member& w, const std::string& group) {
  rep(1) = w.g.use_count(kData);
  rep(2) = w.g.current_generation(kData);
  w.attach(kData);
  rep(3) = w.g.generation(kData);
  rep(4) = Prim::parent_pid();
  rep(5) = w.g.use_count(kData);
  rep(6) = wc::fnv1a64(group);
  w.g.leave();
  rep(0) = 1;
  return 0;
}

int cmd_via(int argc, char** argv) {
  wchar_t self[MAX_PATH];
  const DWORD n = ::GetModuleFileNameW(nullptr, self, MAX_PATH);
  std::wstring cmd = L"\"" + std::wstring(self, n) + L"\"";
  for (int i = 2; i < argc; ++i) cmd += L" " + widen(argv[i]);
  std::vector<wchar_t> line(cmd.begin(), cmd.end());
  line.push_back(0);
  STARTUPINFOW si{};
  si.cb = sizeof si;
  PROCESS_INFORMATION pi{};
  if (!::CreateProcessW(nullptr, line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si,
                        &pi))
    die(3, "CreateProcessW");
  if (::WaitForSingleObject(pi.hProcess, 30000) != WAIT_OBJECT_0) {
    ::TerminateProcess(pi.hProcess, 9);
    die(11, "grandchild timed out");
  }
  DWORD code = 0;
  ::GetExitCodeProcess(pi.hProcess, &code);
  return int(code);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die(2, "usage");
  const std::string cmd = argv[1];
  wc::Win32Os os;
  if (cmd == "exit") return 0;
  if (cmd == "sleep") sleep_forever();
  if (cmd == "via") return cmd_via(argc, argv);
  if (cmd == "hammer" || cmd == "hold-read" || cmd == "hold-write" || cmd == "check" ||
      cmd == "scope" || cmd == "probe") {
    if (argc < 5) die(2, "usage");
    const std::string group = group_of(argv[2]);
    open_report(os, argv[3], unsigned(std::strtoul(argv[4], nullptr, 0)));
    Member w(os, group);
    if (cmd == "check") return cmd_check(w);
    if (cmd == "probe") return cmd_probe(w, group);
    if (argc < 6) die(2, "usage");
    if (cmd == "hammer")
      return cmd_hammer(w, argv[5], argc > 6 ? std::strtoull(argv[6], nullptr, 0) : 1000);
    if (cmd == "hold-read") cmd_hold(w, argv[5], false);
    if (cmd == "hold-write") cmd_hold(w, argv[5], true);
    if (cmd == "scope")
      return cmd_scope(w, argv[5][0] == '1', argc > 6 ? std::strtoull(argv[6], nullptr, 0) : 0);
  }
  if (argc < 4) die(2, "usage");
  const std::string name = argv[2], arg = argv[3];
  if (cmd == "write") {
    View v = open_view(os, name);
    v.d->report[1].store(Prim::self());
    v.d->report[2].store(Prim::parent_pid());
    v.d->report[3].store(wc::fnv1a64(Prim::user_tag()));
    v.d->report[0].store(std::strtoull(arg.c_str(), nullptr, 0));
    return 0;
  }
  if (cmd == "hold-lock") {
    View v = open_view(os, name);
    if (v.d->lock.lock() != wc::Acquire::ok) die(5, "lock");
    v.d->report[3].store(1);
    signal(arg);
    sleep_forever();
  }
  if (cmd == "mid-txn") {
    View v = open_view(os, name);
    if (!v.h) die(3, "no allocator");
    if (v.d->lock.lock() != wc::Acquire::ok) die(5, "lock");
    v.h->begin();
    const unsigned key = 1;  // replaces a committed value: table[1] is journaled
    const u64 p = v.h->alloc(kValueHead + 4000);
    if (p == 0) die(6, "alloc");
    write_value(v, p, key, 0xdead, 4000, 1500);  // half-written
    if (!v.h->logged_put(v.off_of(&v.d->table[key]), p)) die(6, "logged_put");
    const u64 old0 = v.d->table[0];  // remove committed value 0 too (undone by recover)
    if (old0 == 0 || !v.h->logged_put(v.off_of(&v.d->table[0]), 0) || !v.h->free(old0))
      die(6, "remove");
    signal(arg);
    sleep_forever();
  }
  if (cmd == "group-attach") {
    Group g(os, name, kinds(), group_init);
    if (g.join() != Group::Status::ok) die(3, "join");
    if (g.attach(0) != Group::Status::ok) die(4, "attach");
    auto* d = reinterpret_cast<Data*>(g.content(0));
    d->report[1].store(Prim::self());
    d->report[2].store(g.generation(0));
    signal(arg);
    sleep_forever();
  }
  if (cmd == "hold-registry") {
    Group g(os, name, kinds(), group_init);
    if (g.join() != Group::Status::ok) die(3, "join");
    if (g.attach(0) != Group::Status::ok) die(4, "attach");
    if (g.registry()->lock_.lock() != wc::Acquire::ok) die(5, "registry lock");
    signal(arg);
    sleep_forever();
  }
  die(2, "unknown command");
}

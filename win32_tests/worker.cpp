// win32_tests/worker.cpp: the helper process the Win32 tests start with CreateProcessW.
//
//   win32_worker <command> [args...]
//
//   exit                          exit 0 at once
//   sleep                         sleep until killed
//   write <mapping> <value>       open the named mapping (Win32Os, create=false), store value,
//                                 self() and parent_pid() into Data::report, exit 0
//   hold-lock <mapping> <event>   lock() the Data's RwLock, set report[3], SetEvent, sleep
//   group-attach <group> <event>  join the group, attach kind 0, write its generation and self()
//                                 into the content's report words, SetEvent, sleep
//   hold-registry <group> <event> join the group, attach kind 0, take the REGISTRY lock, SetEvent,
//                                 sleep
//   mid-txn <mapping> <event>     lock(), begin(), alloc a value and write half of it, journal its
//                                 table entry, SetEvent, sleep (the transaction stays open)
//
// Exit codes: 0 fine, 2 usage, 3 open/join failed, 4 attach failed, 5 unexpected lock result,
// 6 alloc failed, 7 event missing.
#include <cstdio>
#include <cstdlib>
#include <string>

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
  if (!m.base) die(3, "cannot open the mapping");
  View v = view_at(m.base, kSegSize);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die(2, "usage");
  const std::string cmd = argv[1];
  wc::Win32Os os;
  if (cmd == "exit") return 0;
  if (cmd == "sleep") sleep_forever();
  if (argc < 4) die(2, "usage");
  const std::string name = argv[2], arg = argv[3];
  if (cmd == "write") {
    View v = open_view(os, name);
    v.d->report[1].store(Prim::self());
    v.d->report[2].store(Prim::parent_pid());
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

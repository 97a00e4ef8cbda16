// proptests/common.hpp: what the property tests on PrimSim (prim_sim.hpp) share, so that each
// prop_*.cpp holds only its own machine.
//
//   SimHolder          the Sim, installed before the SUT's members are built; every machine on
//                      PrimSim (prop_allocator, prop_crash, prop_lock, prop_named_lock,
//                      prop_segment, prop_store, prop_ucache, prop_session)
//   SimLockTuning<N>   the lock tuning of the simulation (N reader slots, no spinning):
//                      prop_lock, prop_named_lock, prop_segment, prop_store, prop_ucache,
//                      prop_session
//   run_as             one call as a given simulated process
//   killed_during      one call as a process armed to die at an atomic step (SIGKILL between two
//                      instructions): prop_crash, prop_lock, prop_named_lock, prop_segment,
//                      prop_store, prop_ucache, prop_session
//   make_bytes         a value's bytes from (seed, length): prop_store, prop_ucache, prop_session
//
// The keyed-store machines (core/store.hpp: prop_store's policy and pin machines, prop_ucache's
// model and crash machines on its UserCache instance, prop_session's session store) share their
// fixture and command scaffolding:
//   NoModel            the rc::state model of a machine whose model lives in its SUT
//   StoreRegion        a store in a region of its own, the machine's clock, creation as a process
//   OneProcStore       + the one process that uses it (prop_store policy, prop_ucache)
//   ProcsStore         + up to N processes (prop_store pins, prop_session): spawn, kill, repair
//   ProcCmd, Spawn, Kill   the commands of a ProcsStore machine's processes
//   store_machine_holds    rc::check of such a machine from a fresh SUT over its commands
//
// Nothing here decides what a property checks: the models, the checks (each SUT's check(), which
// ProcCmd calls) and the twins stay in the files.
#pragma once

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "prim_sim.hpp"

namespace wc::prop {

using sim::Sim;
using sim::SimKilled;

// PrimSim needs its Sim before the SUT's first atomic op (an allocator's journal counters, a
// lock's words, a store's creation): a base class is constructed before the members.
struct SimHolder {
  Sim sim;
  SimHolder() { Sim::instance() = &sim; }
};

// The lock tuning on PrimSim: ReaderSlots reader slots; no spinning (a spin is only steps that
// change nothing, as nothing runs meanwhile) and the shortest poll (waits return at once).
template <unsigned ReaderSlots>
struct SimLockTuning {
  static constexpr unsigned reader_slots = ReaderSlots;
  static constexpr unsigned spin = 0;
  static constexpr std::uint32_t poll_ms = 1;
};

// f() as process `who`, and what it returns; the harness (process 0) is current again after.
template <class F>
auto run_as(Sim& s, std::uint64_t who, F&& f) {
  s.current = who;
  if constexpr (std::is_void_v<decltype(f())>) {
    f();
    s.current = 0;
  } else {
    auto r = f();
    s.current = 0;
    return r;
  }
}

// f() as process `who`, armed to die after `at` more atomic steps (before the next one takes
// effect, as SIGKILL stops a process between two instructions). True if it died (Sim marked it
// dead), false if f returned first. Either way no kill stays armed and the harness is current.
template <class F>
bool killed_during(Sim& s, std::uint64_t who, long at, F&& f) {
  s.current = who;
  s.kill_in = at;
  bool killed = false;
  try {
    f();
  } catch (const SimKilled&) {
    killed = true;
  }
  s.kill_in = -1;
  s.current = 0;
  return killed;
}

// A value's bytes: a function of (seed, length) that differs between seeds at every length.
inline std::string make_bytes(std::uint32_t seed, std::uint64_t len) {
  std::string s(len, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::uint64_t i = 0; i < len; ++i) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    s[i] = char(x >> 56);
  }
  return s;
}

// ---- keyed-store machines ----------------------------------------------------------------------

struct NoModel {};

// A keyed store (KeyedStore or an instance of it such as UserCache) in a Region-byte region of
// its own, and the machine's clock (ms); create_as() creates the store as a simulated process.
template <class StoreT, std::uint64_t Region>
struct StoreRegion : SimHolder {
  using Store = StoreT;
  std::vector<std::uint64_t> mem = std::vector<std::uint64_t>(Region / 8);
  std::uint64_t now;
  Store* c = nullptr;

  explicit StoreRegion(std::uint64_t start_ms) : now(start_ms) {}
  void create_as(std::uint64_t who) {
    c = run_as(sim, who, [&] { return Store::create(mem.data(), Region, now); });
  }
  // The store's own invariants (violation() == nullptr); `when`, if given, heads the message.
  void no_violation(const char* when = nullptr) {
    if (const char* v = c->violation())
      RC_FAIL((when ? std::string(when) + ": " : std::string()) + "violation " + v);
  }
};

// A store that one process uses (slot 0): `proc`, spawned first, creates it at StartMs. Keys
// are numbered; KeyName names them.
template <class StoreT, std::uint64_t Region, std::uint64_t StartMs,
          std::string (*KeyName)(unsigned)>
struct OneProcStore : StoreRegion<StoreT, Region> {
  std::uint64_t proc = this->sim.spawn();

  OneProcStore() : StoreRegion<StoreT, Region>(StartMs) { this->create_as(proc); }
  template <class F>
  auto as(F f) {
    return run_as(this->sim, proc, f);
  }
  bool exists(unsigned k) {
    const std::string key = KeyName(k);
    return as([&] { return this->c->exists(0, key.data(), std::uint32_t(key.size()), this->now); });
  }
  auto stats() {
    return as([&] { return this->c->stats(0); });
  }
  // For every key 0 .. keys-1: exists() says what the model's live(k) says; note(k) is added to
  // the message of a disagreement.
  template <class Live, class Note>
  void exists_agrees(unsigned keys, Live live, Note note) {
    for (unsigned k = 0; k < keys; ++k) {
      const bool e = exists(k), l = live(k);
      if (e != l)
        RC_FAIL("exists(" + KeyName(k) + ") = " + std::to_string(e) + ", the model says " +
                std::to_string(l) + note(k));
    }
  }
  template <class Live>
  void exists_agrees(unsigned keys, Live live) {
    exists_agrees(keys, live, [](unsigned) { return std::string(); });
  }
};

// A process of a ProcsStore machine; the machine's Proc derives from it to add what it holds.
struct SimProc {
  std::uint64_t id = 0;
  bool alive = false;
};

// A store that up to N processes use, process p through slot p. Process 0 is spawned first and
// creates the store at start_ms.
template <class StoreT, std::uint64_t Region, class Proc, unsigned N>
struct ProcsStore : StoreRegion<StoreT, Region> {
  static constexpr unsigned kProcs = N;
  Proc procs[N];

  explicit ProcsStore(std::uint64_t start_ms) : StoreRegion<StoreT, Region>(start_ms) {
    procs[0].id = this->sim.spawn();
    procs[0].alive = true;
    this->create_as(procs[0].id);
  }
  template <class F>
  auto as(unsigned p, F f) {
    return run_as(this->sim, procs[p].id, f);
  }
  bool others_alive(unsigned p) const {
    for (unsigned q = 0; q < N; ++q)
      if (q != p && procs[q].alive) return true;
    return false;
  }
  // Process p (not running) starts afresh, holding nothing.
  void spawn(unsigned p) {
    procs[p] = Proc{};
    procs[p].id = this->sim.spawn();
    procs[p].alive = true;
  }
  // Process p is killed between two calls; as SIGKILL leaves it, whatever it holds (a pin, a
  // lock) stays held. A machine whose Proc tracks more hides this with its own kill().
  void kill(unsigned p) {
    this->sim.dead[procs[p].id] = true;
    procs[p].alive = false;
  }
  // The first live process touches the store (stats()), which repairs what a dead writer left.
  // Returns that process, or N if none runs.
  unsigned repair_by_next() {
    for (unsigned q = 0; q < N; ++q)
      if (procs[q].alive) {
        as(q, [&] { return this->c->stats(q); });
        return q;
      }
    return N;
  }
};

// A command of process p of a ProcsStore machine: nothing if p is not running; otherwise
// body(), then the machine's check().
template <class Sut>
struct ProcCmd : rc::state::Command<NoModel, Sut> {
  unsigned p = *rc::gen::inRange(0u, Sut::kProcs);
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut& s) const override {
    if (!s.procs[p].alive) return;  // a command of a process that is not running: nothing
    body(s);
    s.check();
  }
  virtual void body(Sut& s) const = 0;
};

// Spawn(p): p starts if it is not running.
template <class Sut>
struct Spawn : rc::state::Command<NoModel, Sut> {
  unsigned p = *rc::gen::inRange(0u, Sut::kProcs);
  void apply(NoModel&) const override {}
  void run(const NoModel&, Sut& s) const override {
    if (s.procs[p].alive) return;
    s.spawn(p);
  }
  void show(std::ostream& os) const override { os << "Spawn(p" << p << ")"; }
};

// Kill(p): the machine's kill(p), unless p is the last process running (somebody must be left
// to go on).
template <class Sut>
struct Kill : ProcCmd<Sut> {
  using ProcCmd<Sut>::p;
  void body(Sut& s) const override {
    if (!s.others_alive(p)) return;
    s.kill(p);
  }
  void show(std::ostream& os) const override { os << "Kill(p" << p << ")"; }
};

// The property of a keyed-store machine: from a fresh Sut (its store created), every sequence of
// Cmds (listed as often as they are to be drawn) keeps the checks its commands make.
template <class Sut, class... Cmds>
bool store_machine_holds(const std::string& name) {
  return rc::check(name, [] {
    NoModel initial;
    Sut sut;
    RC_ASSERT(sut.c != nullptr);
    rc::state::check(initial, sut, rc::state::gen::execOneOfWithArgs<Cmds...>());
  });
}

}  // namespace wc::prop

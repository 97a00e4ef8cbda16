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
// Nothing here checks anything: the properties, their models and their twins stay in the files.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

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

}  // namespace wc::prop

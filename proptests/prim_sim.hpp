// proptests/prim_sim.hpp: PrimSim, a deterministic single-threaded simulated platform.
//
// "Processes" are identities; the property test says which one is executing (Sim::run_as).
// Every atomic operation is one step. The test can arm a kill: the current process then dies
// at its k-th next step, BEFORE that step takes effect, as SIGKILL would stop it between two
// instructions: Sim::step() throws SimKilled, the harness catches it and the process is dead.
// Nothing ever blocks: wait() returns timed_out at once (a single thread cannot sleep for
// another), so the property tests use the try_ forms of the lock.
// Mapping failure is the segment layer's concern; Sim::fail_next_map is the switch it reads.
#pragma once

#include <cstdint>
#include <vector>

namespace wc::sim {

struct SimKilled {
  std::uint64_t who;
};

struct Sim {
  std::uint64_t current = 0;         // the process executing now (0 = the test harness)
  std::vector<bool> dead{false};     // dead[id]
  long kill_in = -1;                 // steps left before the current process dies; -1 = never
  bool fail_next_map = false;        // the next fixed-address mapping fails (segment layer)
  std::uint64_t steps = 0;           // atomic steps executed, for show()

  std::uint64_t spawn() {
    dead.push_back(false);
    return dead.size() - 1;
  }
  void step() {
    ++steps;
    if (kill_in < 0) return;
    if (kill_in-- == 0) {
      kill_in = -1;
      dead[current] = true;
      throw SimKilled{current};
    }
  }
  static Sim*& instance() {
    static Sim* s = nullptr;
    return s;
  }
};

inline Sim& sim() { return *Sim::instance(); }

struct PrimSim {
  using proc_id = std::uint64_t;
  enum class wait_result { woken, timed_out };

  template <class T>
  struct atomic {
    T v{};
    atomic() = default;
    explicit atomic(T x) : v(x) {}
    T load(std::memory_order) const {
      sim().step();
      return v;
    }
    void store(T x, std::memory_order) {
      sim().step();
      v = x;
    }
    T exchange(T x, std::memory_order) {
      sim().step();
      T old = v;
      v = x;
      return old;
    }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order) {
      sim().step();
      if (v == expected) {
        v = desired;
        return true;
      }
      expected = v;
      return false;
    }
    T fetch_add(T x, std::memory_order) {
      sim().step();
      T old = v;
      v = T(v + x);
      return old;
    }
    T fetch_sub(T x, std::memory_order) {
      sim().step();
      T old = v;
      v = T(v - x);
      return old;
    }
    T fetch_or(T x, std::memory_order) {
      sim().step();
      T old = v;
      v = T(v | x);
      return old;
    }
    T fetch_and(T x, std::memory_order) {
      sim().step();
      T old = v;
      v = T(v & x);
      return old;
    }
  };

  static proc_id self() { return sim().current; }
  static bool alive(proc_id p) { return p < sim().dead.size() && !sim().dead[p]; }
  static wait_result wait(atomic<std::uint32_t>& w, std::uint32_t expected, std::uint32_t) {
    return w.load(std::memory_order_seq_cst) == expected ? wait_result::timed_out
                                                         : wait_result::woken;
  }
  static void wake_all(atomic<std::uint32_t>&) { sim().step(); }
  static void relax() {}
};

}  // namespace wc::sim

// Relacy: the segment registry (core/registry.hpp) under racing processes: first-creator
// initialisation (SEG-1), an initialiser that dies, and attach / detach / reap racing with a
// process that dies attached (SEG-2). Negative twins: initialisation without a CAS, and a
// registry without the reaper.
#include <map>
#include <string>
#include <vector>

#include "../core/registry.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

struct ModelRegTuning {
  static constexpr unsigned kinds = 1;
  static constexpr unsigned slots = 3;
  static constexpr std::uint32_t poll_ms = 1;
  static constexpr unsigned init_polls = 8;
  static constexpr unsigned spin = 0;
};
using Reg = Registry<PrimRelacy, ModelRegTuning>;

// The modelled kernel's named objects. Relacy runs its threads as fibers that switch only at
// modelled operations, so these plain structures change atomically with respect to them.
struct Kernel {
  Reg* registry[2] = {};  // fresh, zero-state registry objects (constructed by the suite): a
  unsigned regs_used = 0; // registry created again after its unlink is a NEW object
  alignas(64) char pool[4][256] = {};
  unsigned used = 0;
  std::map<std::string, void*> names;
};
inline Kernel*& kernel() {
  static Kernel* k = nullptr;
  return k;
}

struct ModelOs {
  struct Mapping {
    void* base = nullptr;
    std::uint64_t size = 0;
    bool created = false;
  };
  Mapping open(const std::string& name, std::uint64_t size, bool create, void*) {
    Kernel& k = *kernel();
    Mapping m;
    auto it = k.names.find(name);
    if (it == k.names.end()) {
      if (!create) return m;
      const bool is_reg = name.size() > 4 && name.compare(name.size() - 4, 4, "_reg") == 0;
      void* mem = is_reg ? (k.regs_used < 2 ? static_cast<void*>(k.registry[k.regs_used++])
                                            : nullptr)
                         : (k.used < 4 ? k.pool[k.used++] : nullptr);
      if (!mem) return m;
      it = k.names.emplace(name, mem).first;
      m.created = true;
    }
    m.base = it->second;
    m.size = size;
    return m;
  }
  Mapping create_local(std::uint64_t) { return {}; }
  void close(Mapping& m) { m = Mapping{}; }
  void remove(const std::string& name) { kernel()->names.erase(name); }
  std::vector<std::string> list(const std::string& prefix) {
    std::vector<std::string> out;
    for (auto& [n, p] : kernel()->names)
      if (n.compare(0, prefix.size(), prefix) == 0) out.push_back(n);
    return out;
  }
};

template <class Bugs>
using G = Group<PrimRelacy, ModelOs, ModelRegTuning, Bugs>;
// Built inside each thread: Relacy swaps the global allocator while it simulates, so no heap
// object may cross the boundary between the simulation and the outside.
inline std::vector<KindSpec> kKinds() { return {{128, false, 0}}; }

// SEG-1: three processes start at once; exactly one initialises, all join.
template <class Bugs>
struct InitRace : rl::test_suite<InitRace<Bugs>, 3> {
  World w;
  Kernel k;
  Reg reg, reg2;
  void before() {
    world() = &w;
    k.registry[0] = &reg;
    k.registry[1] = &reg2;
    kernel() = &k;
  }
  void thread(unsigned) {
    ModelOs os;
    G<Bugs> g(os, "grp", kKinds());
    RL_ASSERT(g.join() == G<Bugs>::Status::ok);
  }
  void after() {
    RL_ASSERT(reg.inits_.load(std::memory_order_relaxed) == 1);  // SEG-1: exactly once
    unsigned joined = 0;
    for (auto& s : reg.slots_used_) joined += s.owner.load(std::memory_order_relaxed) != 0;
    RL_ASSERT(joined == 3);
  }
};

// SEG-1: the initialiser dies after claiming init_; the others take over within the bound.
template <class Bugs>
struct InitialiserDies : rl::test_suite<InitialiserDies<Bugs>, 2> {
  World w;
  Kernel k;
  Reg reg, reg2;
  void before() {
    world() = &w;
    k.registry[0] = &reg;
    k.registry[1] = &reg2;
    kernel() = &k;
  }
  void thread(unsigned idx) {
    ModelOs os;
    if (idx == 0) {
      std::uint64_t zero = 0;
      if (reg.init_.compare_exchange_strong(zero, PrimRelacy::self(), std::memory_order_seq_cst))
        PrimRelacy::die();  // killed right after claiming the initialisation
      return;
    }
    G<Bugs> g(os, "grp", kKinds());
    RL_ASSERT(g.join() == G<Bugs>::Status::ok);
  }
};

// SEG-2: two processes attach; one dies attached, the other detaches and leaves. Whoever comes
// last must reap the dead one and destroy everything: no object may remain.
template <class Bugs>
struct AttachDetachReap : rl::test_suite<AttachDetachReap<Bugs>, 2> {
  World w;
  Kernel k;
  Reg reg, reg2;
  void before() {
    world() = &w;
    k.registry[0] = &reg;
    k.registry[1] = &reg2;
    kernel() = &k;
  }
  void thread(unsigned idx) {
    ModelOs os;
    G<Bugs> g(os, "grp", kKinds());
    RL_ASSERT(g.join() == G<Bugs>::Status::ok);
    RL_ASSERT(g.attach(0) == G<Bugs>::Status::ok);
    RL_ASSERT(g.current_generation(0) == g.generation(0));
    if (idx == 1) {
      PrimRelacy::die();  // killed while attached: never detaches
      return;
    }
    RL_ASSERT(g.use_count(0) >= 1);
    RL_ASSERT(g.detach(0) == G<Bugs>::Status::ok);
    g.leave();
  }
  void after() {
    // Whoever left last saw the dead process dead (it died before or after): if the dead one
    // was still alive when the last live one left, its registry entry stays, but it is dead
    // now, so at most the dead one's objects remain, and a reap by anyone clears them.
    if (!k.names.empty()) {
      ModelOs os;
      // A newcomer joining now must reap the dead and end with nothing left after leaving.
      G<Bugs> g(os, "grp", kKinds());
      RL_ASSERT(g.join() == G<Bugs>::Status::ok);
      g.leave();
    }
    RL_ASSERT(k.names.empty());  // SEG-2: nothing outlives its last live user
  }
};

struct RacyInit : NoSegmentBugs {
  static constexpr bool racy_init = true;
};
struct NoReaper : NoSegmentBugs {
  static constexpr bool no_reaper = true;
};

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<InitRace<NoSegmentBugs>>("SEG-1 three processes start at once", o, t);
  must_hold<InitialiserDies<NoSegmentBugs>>("SEG-1 the initialiser dies", o, t);
  must_hold<AttachDetachReap<NoSegmentBugs>>("SEG-2 attach/detach/reap, one dies", o, t);
  must_catch<InitRace<RacyInit>>("twin: initialisation without a CAS",
                                 rl::test_result_user_assert_failed, o, t);
  must_catch<AttachDetachReap<NoReaper>>("twin: registry without the reaper",
                                         rl::test_result_user_assert_failed, o, t);
  t.summary("model segment registry");
  return t.exit_code();
}

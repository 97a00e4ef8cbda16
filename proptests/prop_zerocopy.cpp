// RapidCheck: request-long pins for zero-copy values on the real KeyedStore (core/store.hpp,
// ZC-1..ZC-4 in docs/invariants/zerocopy.md, RECL-1..3 in reclamation.md), on PrimSim.
//
// Up to 4 simulated processes, each using reader slot p, with request boundaries as the
// extension makes them: BeginRequest(p); ZeroCopyGet(p, k) pins at the request's first
// zero-copy get (pin(slot, now)) and remembers the bytes it was handed; EndRequest(p) (the
// post-deactivate hook) verifies them, unpins and releases an adopted fork hold. Writers: Set
// (values up to 3 KB in a 32 KB store: replacing and evicting), Fill (one 9-14 KB value: evicts
// by filling), Delete, Clear, Collect (a write that only collects). Kill(p) at any moment (a dead
// process pins nothing, RECL-2); Spawn(p). Fork(p, q): p's atfork prepare claims a hold
// (hold_for_fork), child q adopts it (adopt_fork_hold), inherits p's handed-out values and
// continues p's request. ResetUnderPins: a writer dies holding the lock over a damaged index
// (an item count off by one): the next holder repairs, and the reset it needs freezes the store
// if anyone live is pinned (ZC-3).
// After every command: violation() == nullptr; every live process's remembered bytes unchanged
// (ZC-1, ZC-3, ZC-4). After every write (RECL-3 accounting): every retired entry was retired at
// an epoch no older than the oldest live announcement (so a live pin may still reach it: nothing
// retired is kept that no pin can reach), nothing is retired when nobody live is pinned, a frozen
// store thaws at the first write with no live announcement older than the freeze, and
// pin_stats() agrees (retired count and bytes).
// Twins (each refuted): free_before_unpin (collect ignores pins), worker_unpin_per_request (a
// worker's globals keep values across request ends that unpin), a fork child that relies on its
// parent's pin (no hold), reset_frees_pinned.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "core/store.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

struct ZcPolicy {
  static constexpr std::uint64_t magic = 0x5743535a43505331ull;
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = true;
  static constexpr bool evictable(std::uint16_t) { return true; }
};
constexpr std::uint64_t kRegion = 32 * 1024;
constexpr unsigned kKeys = 6;
constexpr unsigned kProcs = 4;

std::string key_name(unsigned i) { return "zc-" + std::to_string(i); }

// How the harness (the extension's side) behaves: the shipped way, or a seeded protocol bug
// (Protocol<worker_unpin_per_request, child_relies_on_parent>, below).
template <bool Worker, bool NoHold>
struct Protocol;
using Shipped = Protocol<false, false>;

struct ZcStat {
  unsigned checked = 0, pins = 0, forks = 0, forks_unheld = 0, kills_pinned = 0, freezes = 0,
           frozen_full = 0, thaws = 0, writes_with_retired = 0, drained = 0;
  std::uint64_t max_retired_bytes = 0;
};
ZcStat& zcstat() {
  static ZcStat s;
  return s;
}

struct ZcProc : SimProc {
  bool in_request = false;
  bool pinned = false;
  std::vector<std::pair<const char*, std::string>> held;  // handed out: pointer, bytes then
};

template <class Bugs>
using ZcStore = KeyedStore<PrimSim, ZcPolicy, Bugs, SimLockTuning<kProcs>>;

template <class Bugs, class Harness>
struct ZcSut : ProcsStore<ZcStore<Bugs>, kRegion, ZcProc, kProcs> {
  using Store = ZcStore<Bugs>;
  using H = Harness;
  typename Store::ForkHold adopted[kProcs];  // the hold each process adopted as a fork child

  ZcSut() : ProcsStore<ZcStore<Bugs>, kRegion, ZcProc, kProcs>(5000) {}

  void verify(unsigned p) {
    for (auto& [ptr, bytes] : this->procs[p].held) {
      ++zcstat().checked;
      if (std::memcmp(ptr, bytes.data(), bytes.size()) != 0)
        RC_FAIL("a value process " + std::to_string(p) +
                " was handed changed before its request ended (ZC-1: freed or reused while "
                "pinned)");
    }
  }
  // RECL-1, directly: every value a live process holds lies in a block still allocated (a free
  // shows here at once, before any reuse changes the bytes). Not while frozen (ZC-3: the old
  // arena's allocator is not trusted; the bytes are still compared).
  void allocated(unsigned p) {
    if (this->c->h().frozen || this->procs[p].held.empty()) return;
    const char* base = reinterpret_cast<const char*>(this->c);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> used;  // [start, end) of payloads
    this->c->alloc().for_each_used([&](std::uint64_t b) {
      used.emplace_back(b, b + this->c->alloc().usable_size(b));
    });
    for (auto& [ptr, bytes] : this->procs[p].held) {
      const std::uint64_t at = std::uint64_t(ptr - base);
      bool in = false;
      for (auto& [b, e] : used) in = in || (at >= b && at + bytes.size() <= e);
      if (!in)
        RC_FAIL("a value process " + std::to_string(p) +
                " was handed was freed before its request ended (RECL-1/ZC-1)");
    }
  }
  void check() {
    this->no_violation();
    for (unsigned p = 0; p < kProcs; ++p)
      if (this->procs[p].alive) {
        verify(p);
        allocated(p);
      }
  }
  // The oldest live announcement (a reader slot's or a fork hold's), ~0 if none.
  std::uint64_t oldest_live() {
    std::uint64_t min = ~std::uint64_t{0};
    this->c->h().readers.for_each_pin(
        [&](unsigned, std::uint64_t owner, std::uint64_t epoch, std::uint64_t) {
          if (owner != 0 && PrimSim::alive(owner) && epoch < min) min = epoch;
        });
    return min;
  }
  // RECL-3 accounting and ZC-3's thaw, right after a write (its collects just ran).
  void after_write() {
    const std::uint64_t oldest = oldest_live();
    std::uint64_t n = 0, bytes = 0;
    this->c->for_each_retired([&](std::uint64_t epoch, std::uint64_t b) {
      ++n;
      bytes += b;
      if (epoch < oldest)
        RC_FAIL("an entry retired at epoch " + std::to_string(epoch) +
                " outlived every live pin (oldest live announcement " +
                (oldest == ~std::uint64_t{0} ? std::string("none") : std::to_string(oldest)) +
                "): RECL-3, a leak");
    });
    if (oldest == ~std::uint64_t{0}) {
      if (n != 0) RC_FAIL("entries stay retired with nobody pinned (RECL-3)");
      ++zcstat().drained;
    }
    if (n) ++zcstat().writes_with_retired;
    if (bytes > zcstat().max_retired_bytes) zcstat().max_retired_bytes = bytes;
    const std::uint64_t frozen = this->c->h().frozen;
    if (frozen != 0 && oldest > frozen)
      RC_FAIL("the store stays frozen with no live pin as old as the freeze (ZC-3)");
    const unsigned q = first_alive();
    const auto ps = this->as(q, [&] { return this->c->pin_stats(q); });
    if (ps.retired != n || ps.retired_bytes != bytes)
      RC_FAIL("pin_stats() disagrees: " + std::to_string(ps.retired) + " retired, " +
              std::to_string(ps.retired_bytes) + " B; the list holds " + std::to_string(n) +
              ", " + std::to_string(bytes) + " B");
  }
  unsigned first_alive() const {
    for (unsigned q = 0; q < kProcs; ++q)
      if (this->procs[q].alive) return q;
    return 0;
  }
  // p's request ends (post-deactivate): its values are checked, its pin and its hold go.
  void end_request(unsigned p) {
    auto& pr = this->procs[p];
    verify(p);
    if (!H::worker_unpin_per_request) pr.held.clear();
    if (pr.pinned) this->as(p, [&] { this->c->unpin(p); return 0; });
    pr.pinned = false;
    if (adopted[p].n) {
      this->as(p, [&] { this->c->release_fork_hold(adopted[p]); return 0; });
      adopted[p] = {};
    }
    pr.in_request = false;
  }
  void forget(unsigned p) {
    this->procs[p].alive = false;
    this->procs[p].pinned = false;
    this->procs[p].in_request = false;
    this->procs[p].held.clear();
    adopted[p] = {};
  }
  void kill(unsigned p) {
    if (this->procs[p].pinned || adopted[p].n) ++zcstat().kills_pinned;
    this->sim.dead[this->procs[p].id] = true;
    forget(p);
  }
  void spawn(unsigned p) {
    ProcsStore<ZcStore<Bugs>, kRegion, ZcProc, kProcs>::spawn(p);
    adopted[p] = {};
  }
};

template <class B, class H>
using Cmd = ProcCmd<ZcSut<B, H>>;

template <class B, class H>
struct BeginRequest : Cmd<B, H> {
  using Cmd<B, H>::p;
  void body(ZcSut<B, H>& s) const override { s.procs[p].in_request = true; }
  void show(std::ostream& os) const override { os << "BeginRequest(p" << p << ")"; }
};

template <class B, class H>
struct EndRequest : Cmd<B, H> {
  using Cmd<B, H>::p;
  void body(ZcSut<B, H>& s) const override {
    if (s.procs[p].in_request) s.end_request(p);
  }
  void show(std::ostream& os) const override { os << "EndRequest(p" << p << ")"; }
};

template <class B, class H>
struct ZeroCopyGet : Cmd<B, H> {
  using Cmd<B, H>::p;
  unsigned k = *rc::gen::inRange(0u, kKeys);
  void body(ZcSut<B, H>& s) const override {
    auto& pr = s.procs[p];
    if (!pr.in_request) return;
    if (!pr.pinned) {  // the request's first zero-copy get pins
      RC_ASSERT(s.as(p, [&] { return s.c->pin(p, s.now); }));
      pr.pinned = true;
      ++zcstat().pins;
    }
    const std::string key = key_name(k);
    s.as(p, [&] {
      return s.c->get(p, key.data(), std::uint32_t(key.size()), s.now,
                      [&](ValueType, const char* ptr, std::uint64_t n) {
                        pr.held.emplace_back(ptr, std::string(ptr, n));
                      });
    });
  }
  void show(std::ostream& os) const override {
    os << "ZeroCopyGet(p" << p << ", " << key_name(k) << ")";
  }
};

template <class B, class H>
struct Set : Cmd<B, H> {
  using Cmd<B, H>::p;
  unsigned k = *rc::gen::inRange(0u, kKeys + 1);  // kKeys: the fill key
  std::uint64_t len = k == kKeys ? *rc::gen::inRange<std::uint64_t>(9000, 14000)
                                 : *rc::gen::inRange<std::uint64_t>(8, 3000);
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  void body(ZcSut<B, H>& s) const override {
    const std::string key = k == kKeys ? std::string("fill") : key_name(k);
    const std::string bytes = make_bytes(seed, len);
    const bool frozen = s.c->h().frozen != 0;
    const CacheStatus st = s.as(p, [&] {
      return s.c->store(p, key.data(), std::uint32_t(key.size()), ValueType::string_v,
                        bytes.data(), bytes.size(), 0, s.now, ZcStore<B>::Mode::set);
    });
    RC_ASSERT(st == CacheStatus::ok || st == CacheStatus::full);
    if (frozen && s.c->h().frozen != 0) {
      if (st != CacheStatus::full) RC_FAIL("a frozen store allocated (ZC-3)");
      ++zcstat().frozen_full;
    }
    if (frozen && s.c->h().frozen == 0) ++zcstat().thaws;
    s.after_write();
  }
  void show(std::ostream& os) const override {
    os << "Set(p" << p << ", " << (k == kKeys ? std::string("fill") : key_name(k)) << ", " << len
       << " B)";
  }
};

template <class B, class H>
struct Delete : Cmd<B, H> {
  using Cmd<B, H>::p;
  unsigned k = *rc::gen::inRange(0u, kKeys);
  void body(ZcSut<B, H>& s) const override {
    const std::string key = key_name(k);
    s.as(p, [&] { return s.c->remove(p, key.data(), std::uint32_t(key.size()), s.now); });
    s.after_write();
  }
  void show(std::ostream& os) const override { os << "Delete(p" << p << ", " << key_name(k) << ")"; }
};

// Clear, or (Collect) a write that changes nothing: the remove of a key never stored, whose
// collects run.
template <class B, class H, bool Everything>
struct ClearOrCollect : Cmd<B, H> {
  using Cmd<B, H>::p;
  void body(ZcSut<B, H>& s) const override {
    s.as(p, [&] {
      if (Everything) s.c->clear();
      else s.c->remove(p, "none", 4, s.now);
      return 0;
    });
    s.after_write();
  }
  void show(std::ostream& os) const override {
    os << (Everything ? "Clear(p" : "Collect(p") << p << ")";
  }
};

// p forks child q (not running): the prepare hook's hold, the child's adoption; the child
// continues p's request with p's handed-out values.
template <class B, class H>
struct Fork : Cmd<B, H> {
  using Cmd<B, H>::p;
  void body(ZcSut<B, H>& s) const override {
    auto& pr = s.procs[p];
    unsigned q = 0;
    while (q < kProcs && s.procs[q].alive) ++q;  // the child: the first process not running
    if (q == kProcs || !pr.in_request) return;
    typename ZcStore<B>::ForkHold fh;
    if (!H::child_relies_on_parent)
      fh = s.as(p, [&] { return s.c->hold_for_fork(p, s.now, s.adopted[p]); });
    const auto inherited = pr.held;
    s.spawn(q);
    auto& ch = s.procs[q];
    ch.in_request = true;
    if (H::child_relies_on_parent) {
      ch.held = inherited;
    } else if (fh.epoch == 0) {
      RC_ASSERT(inherited.empty() || H::worker_unpin_per_request);  // not pinned: nothing held
    } else if (s.as(q, [&] { return s.c->adopt_fork_hold(fh); })) {
      ch.held = inherited;
      s.adopted[q] = fh;
      ++zcstat().forks;
    } else {  // no hold: the extension ends such a child before it runs on (ZC-4)
      ++zcstat().forks_unheld;
      s.kill(q);
    }
  }
  void show(std::ostream& os) const override {
    os << "Fork(p" << p << " -> the first process not running)";
  }
};

// A writer dies holding the lock over an index that no longer validates (its item count off by
// one): the next holder repairs and resets, which freezes the store while anyone is pinned.
template <class B, class H>
struct ResetUnderPins : Cmd<B, H> {
  using Cmd<B, H>::p;
  void body(ZcSut<B, H>& s) const override {
    if (!s.others_alive(p)) return;
    const std::uint64_t resets = s.c->h().resets.load(std::memory_order_relaxed);
    s.as(p, [&] { return s.c->h().lock.lock(); });
    s.c->h().items += 1;  // the damage
    if (s.procs[p].pinned || s.adopted[p].n) ++zcstat().kills_pinned;
    s.kill(p);
    s.repair_by_next();
    RC_ASSERT(s.c->h().resets.load(std::memory_order_relaxed) == resets + 1);
    if (s.c->h().frozen) ++zcstat().freezes;
  }
  void show(std::ostream& os) const override { os << "ResetUnderPins(p" << p << " dies)"; }
};

template <class B, class H>
bool zc_machine_holds(const std::string& name) {
  using S = ZcSut<B, H>;
  return store_machine_holds<S, BeginRequest<B, H>, BeginRequest<B, H>, ZeroCopyGet<B, H>,
                             ZeroCopyGet<B, H>, ZeroCopyGet<B, H>, EndRequest<B, H>,
                             Set<B, H>, Set<B, H>, Set<B, H>, Delete<B, H>,
                             ClearOrCollect<B, H, true>, ClearOrCollect<B, H, false>, Fork<B, H>, Fork<B, H>, Kill<S>, Spawn<S>,
                             ResetUnderPins<B, H>>(name);
}

// ---- the seeded bugs ------------------------------------------------------------------------
// In the store: collect ignores pins; a reset reinitialises under pinned readers.
template <bool FreeBeforeUnpin, bool ResetFreesPinned>
struct ZcBugs : NoCacheBugs {
  static constexpr bool free_before_unpin = FreeBeforeUnpin;
  static constexpr bool reset_frees_pinned = ResetFreesPinned;
};
// In the extension's protocol: a worker SAPI's globals outlive the unpin; a fork takes no hold.
template <bool Worker, bool NoHold>
struct Protocol {
  static constexpr bool worker_unpin_per_request = Worker;
  static constexpr bool child_relies_on_parent = NoHold;
};

template <class B, class H>
void expect_refuted(const char* what) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE((zc_machine_holds<B, H>(what)));
}

TEST(ZeroCopyPins, HandedOutValuesLiveUntilTheRequestEndsAndNothingLeaks) {
  zcstat() = ZcStat{};
  EXPECT_TRUE((zc_machine_holds<NoCacheBugs, Shipped>("zero-copy pin machine")));
  const ZcStat& s = zcstat();
  // What the run exercised; each must have happened (a property that never met a fork, a
  // freeze or a thaw checked nothing about it).
  const std::pair<const char*, std::uint64_t> seen[] = {
      {"byte checks", s.checked},
      {"pins", s.pins},
      {"forks adopted", s.forks},
      {"forks unheld", s.forks_unheld},
      {"killed pinned", s.kills_pinned},
      {"freezes", s.freezes},
      {"stores refused frozen", s.frozen_full},
      {"thaws", s.thaws},
      {"writes leaving retired entries", s.writes_with_retired},
      {"drained writes", s.drained},
      {"most retired bytes", s.max_retired_bytes}};
  std::printf("[zero-copy pins]");
  for (const auto& [what, n] : seen) std::printf(" %s %llu;", what, (unsigned long long)n);
  std::printf("\n");
  for (const auto& [what, n] : seen)
    if (std::strcmp(what, "forks unheld") != 0) EXPECT_GT(n, 0u) << what;
}

TEST(ZeroCopyPinsTwin, FreeBeforeUnpinIsRefuted) {
  expect_refuted<ZcBugs<true, false>, Shipped>("twin: collect ignores pins");
}
TEST(ZeroCopyPinsTwin, WorkerUnpinPerRequestIsRefuted) {
  expect_refuted<NoCacheBugs, Protocol<true, false>>(
      "twin: a worker's globals outlive the unpin at each request end");
}
TEST(ZeroCopyPinsTwin, ForkChildRelyingOnItsParentsPinIsRefuted) {
  expect_refuted<NoCacheBugs, Protocol<false, true>>(
      "twin: a fork child relies on its parent's pin");
}
TEST(ZeroCopyPinsTwin, ResetFreeingPinnedBytesIsRefuted) {
  expect_refuted<ZcBugs<false, true>, Shipped>(
      "twin: a reset reinitialises the arena under pinned readers");
}

}  // namespace

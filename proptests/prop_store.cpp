// RapidCheck state machines for the keyed store's policy points (core/store.hpp, STORE-1..3 in
// docs/invariants/ucache.md), on PrimSim. The user cache's own policy is checked in depth by
// prop_ucache.cpp; these machines check what the other caches' policies switch on.
//
// 1. PolicyMachine (policy: Expiry::since_use, entries flagged 1 not evictable), in a 32 KB region
//    so that stores evict often. Commands: Store(k, len, ttl, protected), Get(k), Remove(k),
//    Advance(ms). An exact model of each key's value, store time, last use (stamped by a get only
//    when a second has passed since the last stamp, as the store does), ttl and flag. After every
//    command: violation() == nullptr; for every key, exists() agrees with the model, where a live
//    unprotected key may leave the model only at a store that evicted it (evictions grew by their
//    number). STORE-1: a key kept alive by gets does not expire while its idle time stays within
//    its ttl, and never shows once idle longer. STORE-2: a protected live key is never evicted; a
//    store that cannot make room says `full`, not `too_large`, and changes no protected key.
//    Twins: idle_from_store (a ttl counted from the store), evict_protected.
// 2. PinMachine (policy: pin_reads), 32 KB region, up to 4 processes: Pin(p), Read(p, k) (keeps
//    a pointer to the bytes and a copy), Verify(p), Unpin(p) (verifies first), Store(p, k, len),
//    Remove(p, k), Clear(p), Kill(p) (pinned or not), Spawn. After every command: violation() ==
//    nullptr (every used block is reachable, retired or the bucket array: STORE-3) and every live
//    process's held bytes are what it read (RECL-1: not freed, not reused, not changed). A write
//    made while no live process is pinned leaves nothing retired (RECL-2: the dead pin nothing).
//    KillMidWrite(p, store | remove | clear, step): the writer dies at any atomic step; the next
//    holder repairs without a reset. Twins: free_pinned (removal frees at once),
//    unjournaled_links (retirement and unlinks written around the journal).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/store.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

using SimTuning = SimLockTuning<8>;

std::string key_name(unsigned i) { return "key-" + std::to_string(i); }

// ---- 1. since_use expiry and protected entries -----------------------------------------------

constexpr std::uint16_t kProtected = 1;
struct IdlePolicy {
  static constexpr std::uint64_t magic = 0x57435354504f4c31ull;
  static constexpr Expiry expiry = Expiry::since_use;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t flags) { return (flags & kProtected) == 0; }
};
constexpr std::uint64_t kPolicyRegion = 32 * 1024;
constexpr unsigned kPolicyKeys = 8;

struct PStat {
  unsigned full = 0, evicting = 0, protected_evictable = 0, idle_alive = 0, idle_expired = 0;
};
PStat& pstat() {
  static PStat s;
  return s;
}

template <class Bugs>
struct PolicySut
    : OneProcStore<KeyedStore<PrimSim, IdlePolicy, Bugs, SimTuning>, kPolicyRegion, 5000, key_name> {
  struct M {
    std::string bytes;
    std::uint64_t created, used, ttl;
    bool prot;
    bool live(std::uint64_t t) const {  // STORE-1 with WinCache's floor rule
      const std::uint64_t from = used > created ? used : created;
      return ttl == 0 || t < from || (t - from) / 1000 <= ttl;
    }
  };
  std::map<unsigned, M> m;

  bool live(unsigned k) const {
    auto it = m.find(k);
    return it != m.end() && it->second.live(this->now);
  }
  std::uint64_t evictions() { return this->stats().evictions; }
  void check() {
    this->no_violation();
    this->exists_agrees(
        kPolicyKeys, [&](unsigned k) { return live(k); },
        [&](unsigned k) { return std::string(m.count(k) && m[k].prot ? " (protected)" : ""); });
  }
};

template <class Bugs>
using PCmd = rc::state::Command<NoModel, PolicySut<Bugs>>;

template <class Bugs>
struct PStore : PCmd<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kPolicyKeys);
  std::uint64_t len = *rc::gen::weightedOneOf<std::uint64_t>(
      {{3, rc::gen::inRange<std::uint64_t>(0, 400)},
       {3, rc::gen::inRange<std::uint64_t>(2000, 9000)}});
  std::uint64_t ttl = *rc::gen::element<std::uint64_t>(0, 1, 2, 3);
  bool prot = *rc::gen::weightedOneOf<bool>({{2, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  void apply(NoModel&) const override {}
  void run(const NoModel&, PolicySut<Bugs>& s) const override {
    const std::string key = key_name(k), bytes = make_bytes(seed, len);
    std::map<unsigned, bool> before;
    for (unsigned i = 0; i < kPolicyKeys; ++i) before[i] = s.live(i);
    const std::uint64_t ev0 = s.evictions();
    const CacheStatus st = s.as([&] {
      return s.c->store(0, key.data(), std::uint32_t(key.size()), ValueType::string_v,
                        bytes.data(), bytes.size(), ttl, s.now, PolicySut<Bugs>::Store::Mode::set,
                        prot ? kProtected : 0);
    });
    // Expired keys may go at any store (they are invisible anyway).
    for (auto it = s.m.begin(); it != s.m.end();)
      it = it->second.live(s.now) ? std::next(it) : s.m.erase(it);
    if (st == CacheStatus::full) {
      ++pstat().full;  // STORE-2: only protected entries (and this key's old one) may remain
      unsigned prot_live = 0;
      for (auto& [i, e] : s.m) prot_live += e.prot && i != k;
      RC_ASSERT(prot_live > 0);
    } else {
      RC_ASSERT(st == CacheStatus::ok);
    }
    // Which keys did the store take? Only unprotected ones, each counted.
    unsigned vanished = 0;
    for (unsigned i = 0; i < kPolicyKeys; ++i) {
      if (i == k || !before[i] || !s.m.count(i)) continue;
      if (!s.exists(i)) {
        if (s.m[i].prot) RC_FAIL("a protected key " + key_name(i) + " was evicted (STORE-2)");
        s.m.erase(i);
        ++vanished;
      }
    }
    if (st == CacheStatus::ok) {
      if (!s.exists(k)) RC_FAIL("the stored key is missing");
      s.m[k] = typename PolicySut<Bugs>::M{bytes, s.now, s.now, ttl, prot};
    } else if (s.m.count(k) && !s.exists(k)) {
      s.m.erase(k);  // its own old entry went too (evicted last, counted)
      ++vanished;
    }
    // A store that did not fit beside its key's own old entry evicts that one too (counted; the
    // key then holds the new value).
    const std::uint64_t ev = s.evictions() - ev0;
    const bool own = st == CacheStatus::ok && before[k] && ev == vanished + 1;
    if (ev != vanished && !own)
      RC_FAIL(std::to_string(vanished) + " keys vanished, evictions grew by " + std::to_string(ev));
    if (vanished) ++pstat().evicting;
    s.check();
  }
  void show(std::ostream& os) const override {
    os << "Store(" << key_name(k) << ", " << len << " B, ttl " << ttl
       << (prot ? ", protected" : "") << ")";
  }
};

template <class Bugs>
struct PGet : PCmd<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kPolicyKeys);
  void apply(NoModel&) const override {}
  void run(const NoModel&, PolicySut<Bugs>& s) const override {
    const std::string key = key_name(k);
    std::optional<std::string> got;
    s.as([&] {
      return s.c->get(0, key.data(), std::uint32_t(key.size()), s.now,
                      [&](ValueType, const char* p, std::uint64_t n) { got = std::string(p, n); });
    });
    const bool l = s.live(k);
    if (got.has_value() != l) RC_FAIL("get(" + key_name(k) + ") hit=" + std::to_string(bool(got)));
    if (got) {
      auto& e = s.m[k];
      RC_ASSERT(*got == e.bytes);
      if (s.now >= e.used + 1000) e.used = s.now;  // the store's stamping rule
      if (e.ttl && s.now - e.created > e.ttl * 1000 + 999) ++pstat().idle_alive;
    }
    s.check();
  }
  void show(std::ostream& os) const override { os << "Get(" << key_name(k) << ")"; }
};

template <class Bugs>
struct PRemove : PCmd<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kPolicyKeys);
  void apply(NoModel&) const override {}
  void run(const NoModel&, PolicySut<Bugs>& s) const override {
    const std::string key = key_name(k);
    s.as([&] { return s.c->remove(0, key.data(), std::uint32_t(key.size()), s.now); });
    s.m.erase(k);
    s.check();
  }
  void show(std::ostream& os) const override { os << "Remove(" << key_name(k) << ")"; }
};

template <class Bugs>
struct PAdvance : PCmd<Bugs> {
  std::uint64_t by = *rc::gen::element<std::uint64_t>(300, 700, 1000, 1500, 2600);
  void apply(NoModel&) const override {}
  void run(const NoModel&, PolicySut<Bugs>& s) const override {
    s.now += by;
    for (auto& [k, e] : s.m)
      if (!e.live(s.now)) ++pstat().idle_expired;
    s.check();
  }
  void show(std::ostream& os) const override { os << "Advance(" << by << " ms)"; }
};

template <class Bugs>
bool policy_machine_holds(const std::string& name) {
  return store_machine_holds<PolicySut<Bugs>, PStore<Bugs>, PStore<Bugs>, PGet<Bugs>, PGet<Bugs>,
                             PRemove<Bugs>, PAdvance<Bugs>>(name);
}

// ---- 2. pinned reads ----------------------------------------------------------------------------

struct PinPolicy {
  static constexpr std::uint64_t magic = 0x57435354504f4c32ull;
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = true;
  static constexpr bool evictable(std::uint16_t) { return true; }
};
constexpr std::uint64_t kPinRegion = 32 * 1024;
constexpr unsigned kPinKeys = 6;
constexpr unsigned kProcs = 4;

struct PinStat {
  unsigned verified = 0, retired_seen = 0, kills_pinned = 0, drained = 0, killed_writers = 0;
};
PinStat& pinstat() {
  static PinStat s;
  return s;
}

struct PinProc : SimProc {
  bool pinned = false;
  std::vector<std::pair<const char*, std::string>> held;  // pointer, bytes when read
};

template <class Bugs>
using PinStoreRegion =
    ProcsStore<KeyedStore<PrimSim, PinPolicy, Bugs, SimTuning>, kPinRegion, PinProc, kProcs>;

template <class Bugs>
struct PinSut : PinStoreRegion<Bugs> {
  PinSut() : PinStoreRegion<Bugs>(5000) {}
  void verify(unsigned p) {
    for (auto& [ptr, bytes] : this->procs[p].held) {
      ++pinstat().verified;
      if (std::memcmp(ptr, bytes.data(), bytes.size()) != 0)
        RC_FAIL("bytes process " + std::to_string(p) +
                " pinned changed under it (RECL-1: freed or reused while pinned)");
    }
  }
  void check() {
    this->no_violation();
    for (unsigned p = 0; p < kProcs; ++p)
      if (this->procs[p].alive) verify(p);
    if (this->c->retired_pending()) ++pinstat().retired_seen;
  }
  // p is dead (killed between commands or mid-write): a dead process reads nothing.
  void forget(unsigned p) {
    this->procs[p].alive = false;
    this->procs[p].pinned = false;
    this->procs[p].held.clear();
  }
  void kill(unsigned p) {
    if (this->procs[p].pinned) ++pinstat().kills_pinned;
    this->sim.dead[this->procs[p].id] = true;
    forget(p);
  }
};

template <class Bugs>
struct Pin : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  void body(PinSut<Bugs>& s) const override {
    if (s.procs[p].pinned) return;
    RC_ASSERT(s.as(p, [&] { return s.c->pin(p); }));
    s.procs[p].pinned = true;
  }
  void show(std::ostream& os) const override { os << "Pin(p" << p << ")"; }
};

template <class Bugs>
struct Read : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  unsigned k = *rc::gen::inRange(0u, kPinKeys);
  void body(PinSut<Bugs>& s) const override {
    if (!s.procs[p].pinned) return;  // the protocol: pin, then get
    const std::string key = key_name(k);
    s.as(p, [&] {
      return s.c->get(p, key.data(), std::uint32_t(key.size()), s.now,
                      [&](ValueType, const char* ptr, std::uint64_t n) {
                        s.procs[p].held.emplace_back(ptr, std::string(ptr, n));
                      });
    });
  }
  void show(std::ostream& os) const override { os << "Read(p" << p << ", " << key_name(k) << ")"; }
};

template <class Bugs>
struct Unpin : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  void body(PinSut<Bugs>& s) const override {
    if (!s.procs[p].pinned) return;
    s.verify(p);
    s.procs[p].held.clear();
    s.as(p, [&] {
      s.c->unpin(p);
      return 0;
    });
    s.procs[p].pinned = false;
  }
  void show(std::ostream& os) const override { os << "Unpin(p" << p << ")"; }
};

template <class Bugs>
struct PinStore : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  unsigned k = *rc::gen::inRange(0u, kPinKeys);
  std::uint64_t len = *rc::gen::inRange<std::uint64_t>(8, 3000);
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  void body(PinSut<Bugs>& s) const override {
    const std::string key = key_name(k), bytes = make_bytes(seed, len);
    const CacheStatus st = s.as(p, [&] {
      return s.c->store(p, key.data(), std::uint32_t(key.size()), ValueType::string_v,
                        bytes.data(), bytes.size(), 0, s.now, PinSut<Bugs>::Store::Mode::set);
    });
    RC_ASSERT(st == CacheStatus::ok || st == CacheStatus::full);
    // STORE-3/RECL-2: with no live process pinned, a write leaves nothing retired.
    bool any_pinned = false;
    for (auto& pr : s.procs) any_pinned = any_pinned || (pr.alive && pr.pinned);
    if (!any_pinned) {
      if (s.c->retired_pending() != 0) RC_FAIL("retired entries outlived every reader");
      ++pinstat().drained;
    }
  }
  void show(std::ostream& os) const override {
    os << "Store(p" << p << ", " << key_name(k) << ", " << len << " B)";
  }
};

template <class Bugs>
struct PinRemove : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  unsigned k = *rc::gen::inRange(0u, kPinKeys);
  void body(PinSut<Bugs>& s) const override {
    const std::string key = key_name(k);
    s.as(p, [&] { return s.c->remove(p, key.data(), std::uint32_t(key.size()), s.now); });
  }
  void show(std::ostream& os) const override { os << "Remove(p" << p << ", " << key_name(k) << ")"; }
};

template <class Bugs>
struct PinClear : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  void body(PinSut<Bugs>& s) const override {
    s.as(p, [&] {
      s.c->clear();
      return 0;
    });
  }
  void show(std::ostream& os) const override { os << "Clear(p" << p << ")"; }
};

// A process killed at any atomic step of a store, remove or clear (which retire entries and
// free retired ones, journaled): the next writer repairs, and the store needs no reset (the
// journal rolled the retirement back with its unlink, or both stand).
template <class Bugs>
struct KillMidWrite : ProcCmd<PinSut<Bugs>> {
  using ProcCmd<PinSut<Bugs>>::p;
  unsigned op = *rc::gen::inRange(0u, 3u);
  unsigned k = *rc::gen::inRange(0u, kPinKeys);
  long at = *rc::gen::inRange(0L, 600L);
  std::uint64_t len = *rc::gen::inRange<std::uint64_t>(8, 3000);
  void body(PinSut<Bugs>& s) const override {
    if (!s.others_alive(p)) return;  // somebody must be left to repair
    const std::string key = key_name(k), bytes = make_bytes(unsigned(at), len);
    const std::uint64_t resets = s.c->h().resets.load(std::memory_order_relaxed);
    const bool killed = killed_during(s.sim, s.procs[p].id, at, [&] {
      if (op == 0)
        s.c->store(p, key.data(), std::uint32_t(key.size()), ValueType::string_v, bytes.data(),
                   bytes.size(), 0, s.now, PinSut<Bugs>::Store::Mode::set);
      else if (op == 1)
        s.c->remove(p, key.data(), std::uint32_t(key.size()), s.now);
      else
        s.c->clear();
    });
    if (!killed) return;
    ++pinstat().killed_writers;
    s.forget(p);
    s.repair_by_next();  // the next holder repairs
    if (s.c->h().resets.load(std::memory_order_relaxed) != resets)
      RC_FAIL("the repair after a killed writer had to reset the store");
  }
  void show(std::ostream& os) const override {
    os << "KillMidWrite(p" << p << ", " << (op == 0 ? "store" : op == 1 ? "remove" : "clear") << " "
       << key_name(k) << ", at step " << at << ")";
  }
};

template <class Bugs>
bool pin_machine_holds(const std::string& name) {
  return store_machine_holds<PinSut<Bugs>, Pin<Bugs>, Read<Bugs>, Read<Bugs>, Unpin<Bugs>,
                             PinStore<Bugs>, PinStore<Bugs>, PinStore<Bugs>, PinRemove<Bugs>,
                             PinClear<Bugs>, Kill<PinSut<Bugs>>, Spawn<PinSut<Bugs>>,
                             KillMidWrite<Bugs>>(name);
}

// ---- the seeded bugs ------------------------------------------------------------------------
struct IdleFromStore : NoCacheBugs {
  static constexpr bool idle_from_store = true;
};
struct EvictProtected : NoCacheBugs {
  static constexpr bool evict_protected = true;
};
struct FreePinned : NoCacheBugs {
  static constexpr bool free_pinned = true;
};
struct UnjournaledLinks : NoCacheBugs {
  static constexpr bool unjournaled_links = true;
};

TEST(StorePolicy, IdleExpiryAndProtectedEntries) {
  pstat() = PStat{};
  EXPECT_TRUE(policy_machine_holds<NoCacheBugs>("store policy machine"));
  const PStat& s = pstat();
  std::printf("[store policy] full %u, evicting stores %u, hits kept alive by use past their "
              "store ttl %u, idle expiries %u\n",
              s.full, s.evicting, s.idle_alive, s.idle_expired);
  EXPECT_GT(s.full, 0u);
  EXPECT_GT(s.evicting, 0u);
  EXPECT_GT(s.idle_alive, 0u);
  EXPECT_GT(s.idle_expired, 0u);
}

TEST(StorePolicyTwin, ATtlCountedFromTheStoreIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(policy_machine_holds<IdleFromStore>("twin: idle ttl counted from the store"));
}

TEST(StorePolicyTwin, EvictingProtectedEntriesIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(policy_machine_holds<EvictProtected>("twin: eviction ignores the policy"));
}

TEST(StorePins, PinnedBytesOutliveRemovalAndTheDeadPinNothing) {
  pinstat() = PinStat{};
  EXPECT_TRUE(pin_machine_holds<NoCacheBugs>("store pin machine"));
  const PinStat& s = pinstat();
  std::printf("[store pins] pinned byte checks %u, states with retired entries %u, processes "
              "killed pinned %u, drained writes %u, writers killed mid-write %u\n",
              s.verified, s.retired_seen, s.kills_pinned, s.drained, s.killed_writers);
  EXPECT_GT(s.killed_writers, 0u);
  EXPECT_GT(s.verified, 0u);
  EXPECT_GT(s.retired_seen, 0u);
  EXPECT_GT(s.kills_pinned, 0u);
  EXPECT_GT(s.drained, 0u);
}

TEST(StorePinsTwin, FreeingPinnedEntriesIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(pin_machine_holds<FreePinned>("twin: removal frees pinned entries at once"));
}

TEST(StorePinsTwin, RetiringAroundTheJournalIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(pin_machine_holds<UnjournaledLinks>("twin: retirement written around the journal"));
}

}  // namespace

// RapidCheck state machines for the user cache index, core/ucache.hpp (UC-1..UC-5,
// docs/invariants/ucache.md), on PrimSim with a 64 KB region so that eviction happens often.
//
// 1. UcacheMachine: store (set / add, string or int values of 0 B .. more than the region, TTL
//    0-5 s), get, exists, remove, add_int, cas, clear and a clock that advances with every command
//    (the test passes now_ms). An exact model of keys, values, TTLs and last use lives in the
//    SUT; after every command: violation() == nullptr and exists() agrees with the model for
//    every key. A get returns exactly the model's value or a miss of a key the model does not
//    hold live (evicted keys leave the model only at the store that evicted them, and only if
//    stats().evictions grew by exactly their number); a model-expired key is never returned; add
//    of a live key says exists; a store is too_large iff value_len > max_value(klen) (UC-5);
//    at each store that evicted: no surviving entry ranks below an evicted one (the user
//    cache's Eviction::frequency: the recency window first, then the sketch's estimate per
//    entry byte, then last use; LRU, when the machine runs over an LRU policy: last use, by the
//    use clock: stores, incs and cas advance it, gets stamp it),
//    no expired entry is left (expired go first); and a store of <= 1/4 of the region of a key
//    that was absent keeps the unique most recently used other key if that one is <= 1/8 of
//    the region (never a wipe). Twins: ignore_ttl, floor_not_lowered, evict_newest (under both orders),
//    wipe_when_full.
// 2. UcacheCrash: the same operations, plus KillDuring(op, at): the op (store, which may evict,
//    remove, add_int, clear) first runs uninterrupted on a byte copy of the region, which gives
//    its number of atomic steps T and its complete effect; then it runs on the region as a process
//    killed at step at*T/1000; the next process reads (stats(): the lock says owner_died, the
//    cache repairs). Then: violation() == nullptr, stats().resets == 0 (the journal was intact:
//    no reset), and every key reads its value from before the op or its value after the
//    uninterrupted op (a miss is a value: removed, evicted or cleared), never a torn mix or
//    another key's bytes. Twin: unjournaled_links.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/ucache.hpp"
#include "common.hpp"

namespace {

using namespace wc;
using namespace wc::sim;
using namespace wc::prop;

constexpr std::uint64_t kRegion = 64 * 1024;
constexpr unsigned kKeys = 10;

using SimTuning = SimLockTuning<4>;

// The user cache's policy (Eviction::frequency), or the same with LRU eviction (the order the
// sessions and file caches use) when the Bugs struct says lru_run: one machine checks both.
struct LruUserPolicy {
  static constexpr std::uint64_t magic = 0x5743554C52553031ull;
  static constexpr Expiry expiry = Expiry::since_store;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t) { return true; }
};
template <class B, class = void>
struct LruRun : std::false_type {};
template <class B>
struct LruRun<B, std::void_t<decltype(B::lru_run)>> : std::true_type {};
// The user cache's own policy. Its window starts at 1% (STORE-4: the ghosts move it): with an
// 80% start, in a 64 KB region of a few entries, the estimates decided none of 137 evicting
// stores, so the property needs the small start to see them; the order property holds for
// whatever window the store reports (the ghosts move it at the store of an absent key, before
// the batch ranks).
using FreqUserPolicy = UserCachePolicy;
static_assert(FreqUserPolicy::window_percent <= 1, "the property needs a small starting window");
template <class Bugs>
using Cache = KeyedStore<PrimSim, std::conditional_t<LruRun<Bugs>::value, LruUserPolicy,
                                                     FreqUserPolicy>, Bugs, SimTuning>;
using Bytes = std::vector<std::uint64_t>;

std::string key_name(unsigned i) {
  if (i < 8) return "k" + std::to_string(i);
  return "a-longer-key-of-the-user-cache-" + std::to_string(i);  // 33 bytes
}

struct Val {
  ValueType type;
  std::string bytes;
  bool operator==(const Val& o) const { return type == o.type && bytes == o.bytes; }
};
using Snapshot = std::map<unsigned, std::optional<Val>>;

std::string show_val(const std::optional<Val>& v) {
  if (!v) return "miss";
  std::int64_t i = 0;
  if (v->type == ValueType::long_int && v->bytes.size() == 8) {
    std::memcpy(&i, v->bytes.data(), 8);
    return "int " + std::to_string(i);
  }
  return std::to_string(v->bytes.size()) + " B";
}

// The cache, its clock and the process that uses it.
template <class Bugs>
struct CacheBase : OneProcStore<Cache<Bugs>, kRegion, 1000, key_name> {
  static std::optional<Val> read_in(Cache<Bugs>* cc, unsigned k, std::uint64_t t) {
    const std::string key = key_name(k);
    std::optional<Val> out;
    const CacheStatus st = cc->get(0, key.data(), std::uint32_t(key.size()), t,
                                   [&](ValueType ty, const char* p, std::uint64_t n) {
                                     out = Val{ty, std::string(p, n)};
                                   });
    RC_ASSERT(st == (out ? CacheStatus::ok : CacheStatus::miss));
    return out;
  }
  std::optional<Val> read(unsigned k) {
    return this->as([&] { return read_in(this->c, k, this->now); });
  }
};

// ---- 1. the model machine -------------------------------------------------------------------

struct MEntry {
  Val v;
  std::uint64_t created, ttl_s, last_use;
  // WinCache's rule (docs/compat.md §3): visible while floor(elapsed ms / 1000) <= ttl, so ttl=1
  // lives for 2 s; no ttl expires sooner than a smaller one (nothing overflows).
  bool live(std::uint64_t now) const {
    return ttl_s == 0 || now < created || (now - created) / 1000 <= ttl_s;
  }
};

struct Stat {
  unsigned stores = 0, evicting = 0, too_large = 0, nowipe_checks = 0, expired_gets = 0;
  unsigned by_frequency = 0;  // evicting stores where the estimates ordered evicted and kept
};
Stat& stat() {
  static Stat s;
  return s;
}

template <class Bugs>
struct ModelSut : CacheBase<Bugs> {
  using B = CacheBase<Bugs>;
  using B::as;
  using B::c;
  using B::now;
  std::map<unsigned, MEntry> m;
  // The use clock of the spec (UC-5): every successful store, inc and cas advances it; a get
  // stamps its entry with its current value. LRU is checked against these stamps.
  std::uint64_t uses = 0;

  bool live(unsigned k) const {
    auto it = m.find(k);
    return it != m.end() && it->second.live(now);
  }
  void check() {
    this->no_violation("after the command");
    this->exists_agrees(kKeys, [&](unsigned k) { return live(k); });
  }
};

template <class Bugs>
using MCmd = rc::state::Command<NoModel, ModelSut<Bugs>>;

// Every command advances the clock first.
template <class Bugs>
struct Timed : MCmd<Bugs> {
  std::uint64_t dt = *rc::gen::weightedOneOf<std::uint64_t>(
      {{4, rc::gen::inRange<std::uint64_t>(0, 20)}, {1, rc::gen::inRange<std::uint64_t>(0, 800)}});
  void apply(NoModel&) const override {}
  void run(const NoModel&, ModelSut<Bugs>& s) const override {
    s.now += dt;
    body(s);
    s.check();
  }
  virtual void body(ModelSut<Bugs>& s) const = 0;
  void show_dt(std::ostream& os) const { os << " +" << dt << "ms"; }
};

inline rc::Gen<std::uint64_t> value_size() {
  return rc::gen::weightedOneOf<std::uint64_t>(
      {{4, rc::gen::inRange<std::uint64_t>(0, 300)},
       {4, rc::gen::inRange<std::uint64_t>(1000, 16000)},
       {1, rc::gen::inRange<std::uint64_t>(kRegion / 8, kRegion + 1024)}});
}

// STORE-4: the free bytes right before and after each candidate's block as the store will rank
// them: the arena's used blocks now, less the entries it removes as expired before it ranks (it
// removes every expired entry first). Computed from the allocator's block walk and the entries'
// addresses, independently of make_room().
template <class Bugs>
std::map<unsigned, std::uint64_t> free_beside(ModelSut<Bugs>& s, const std::vector<unsigned>& keys) {
  std::map<unsigned, std::uint64_t> out;
  if constexpr (Cache<Bugs>::kFreq) {
    const char* base = reinterpret_cast<const char*>(s.c);
    auto offset_of = [&](unsigned i) {  // the entry's payload offset; 0 if absent
      const std::string ki = key_name(i);
      std::uint64_t off = 0;
      s.as([&] {  // at time 0 nothing is expired: expired entries are visited too
        s.c->info(0, 0, ki.data(), std::uint32_t(ki.size()), [&](const EntryInfo& inf) {
          off = std::uint64_t(inf.key - base) - Cache<Bugs>::kEntryBytes;
        });
        return 0;
      });
      return off;
    };
    std::set<std::uint64_t> expired;
    for (unsigned i = 0; i < kKeys; ++i)
      if (!s.live(i))
        if (const std::uint64_t off = offset_of(i)) expired.insert(off);
    std::vector<std::uint64_t> blocks;
    s.c->alloc().for_each_used([&](std::uint64_t p) {
      if (!expired.count(p)) blocks.push_back(p);
    });
    const auto& a = s.c->alloc();
    constexpr std::uint64_t head = std::decay_t<decltype(a)>::kHead;
    for (unsigned i : keys) {
      const std::uint64_t e = offset_of(i);
      const auto it = std::find(blocks.begin(), blocks.end(), e);
      RC_ASSERT(it != blocks.end());
      std::uint64_t n = 0;
      if (it != blocks.begin()) n += e - head - (*(it - 1) + a.usable_size(*(it - 1)));
      if (it + 1 != blocks.end()) n += *(it + 1) - head - (e + a.usable_size(e));
      out[i] = n;
    }
  }
  return out;
}

template <class Bugs>
struct Store : Timed<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kKeys);
  bool add = *rc::gen::weightedOneOf<bool>({{3, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  bool is_int = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  std::uint64_t len = *value_size();
  std::uint32_t seed = *rc::gen::arbitrary<std::uint32_t>();
  std::uint64_t ttl = *rc::gen::element<std::uint64_t>(0, 0, 0, 1, 2, 5,
                                                        std::uint64_t(INT64_MAX));  // PHP_INT_MAX

  void body(ModelSut<Bugs>& s) const override {
    ++stat().stores;
    const std::string key = key_name(k);
    const std::uint32_t klen = std::uint32_t(key.size());
    const Val v = is_int ? Val{ValueType::long_int, make_bytes(seed, 8)}
                         : Val{ValueType::string_v, make_bytes(seed, len)};
    const std::uint64_t vlen = v.bytes.size();
    const CacheStats before = s.stats();
    std::vector<unsigned> live_before;
    for (unsigned i = 0; i < kKeys; ++i)
      if (i != k && s.live(i)) live_before.push_back(i);
    const bool was_live = s.live(k);
    const std::map<unsigned, std::uint64_t> beside = free_beside(s, live_before);
    const CacheStatus st = s.as([&] {
      return s.c->store(0, key.data(), klen, v.type, v.bytes.data(), vlen, ttl, s.now,
                        add ? Cache<Bugs>::Mode::add : Cache<Bugs>::Mode::set);
    });
    const CacheStats after = s.stats();
    if (add && was_live) {
      RC_ASSERT(st == CacheStatus::exists);
      RC_ASSERT(after.evictions == before.evictions);
      return;
    }
    const std::uint64_t maxv = s.c->max_value(klen);
    if (st == CacheStatus::too_large) {
      ++stat().too_large;
      if (vlen <= maxv)  // UC-5
        RC_FAIL("too_large for " + std::to_string(vlen) + " B, max_value is " +
                std::to_string(maxv));
    } else {
      RC_ASSERT(st == CacheStatus::ok);
      RC_ASSERT(vlen <= maxv);
      s.m[k] = MEntry{v, s.now, ttl, ++s.uses};
    }
    // Which live keys did the store evict?
    std::vector<unsigned> evicted, survived;
    for (unsigned i : live_before) (s.exists(i) ? survived : evicted).push_back(i);
    // Never a wipe.
    if (st == CacheStatus::ok && !was_live && vlen <= kRegion / 4 &&
        after.evictions != before.evictions) {
      unsigned mru = kKeys;
      bool unique = false;
      for (unsigned i : live_before) {
        if (mru == kKeys || s.m.at(i).last_use > s.m.at(mru).last_use) {
          mru = i;
          unique = true;
        } else if (s.m.at(i).last_use == s.m.at(mru).last_use) {
          unique = false;
        }
      }
      if (mru != kKeys && unique && s.m.at(mru).v.bytes.size() <= kRegion / 8) {
        ++stat().nowipe_checks;
        if (!s.exists(mru))
          RC_FAIL("a store of " + std::to_string(vlen) + " B evicted the most recently used " +
                  key_name(mru) + " (" + std::to_string(s.m.at(mru).v.bytes.size()) +
                  " B) too: a wipe");
      }
    }
    const std::uint64_t ev = after.evictions - before.evictions;
    // The key's own old entry is evicted too (one more eviction) only when nothing else is left.
    const bool own_evicted = st == CacheStatus::ok && was_live && survived.empty() &&
                             ev == evicted.size() + 1;
    if (ev != evicted.size() && !own_evicted)
      RC_FAIL("evictions grew by " + std::to_string(ev) + " but " +
              std::to_string(evicted.size()) + " live keys vanished");
    if (evicted.empty()) return;
    ++stat().evicting;
    // The eviction order (UC-5(c), STORE-4): no survivor ranks below an evicted entry. LRU ranks
    // by last use. Eviction::frequency ranks the window (the w most recently used candidates, w
    // = max(1, candidates * window_permille / 1000), the window as the store left it) above
    // everything, the rest by the sketch's estimate per entry byte (the bytes counting half the
    // free bytes beside the entry's block, as the arena was when the store ranked), then by last
    // use. The estimates read now are those the store ranked by: a store does not count in the
    // sketch, and the store ages the sketch (if due) before it ranks.
    using C = Cache<Bugs>;
    std::map<unsigned, std::pair<std::uint64_t, std::uint64_t>> rank;  // (class, last use)
    if constexpr (C::kFreq) {
      std::vector<std::uint64_t> uses;
      for (unsigned i : live_before) uses.push_back(s.m.at(i).last_use);
      std::sort(uses.begin(), uses.end(), std::greater<std::uint64_t>());
      const std::size_t w = std::max<std::size_t>(
          1, live_before.size() * std::min<std::uint64_t>(s.c->window_permille(), 1000) / 1000);
      const std::uint64_t since = uses[w - 1];
      for (unsigned i : live_before) {
        const std::string ki = key_name(i);
        const unsigned est = s.as([&] { return s.c->frequency(ki.data(), std::uint32_t(ki.size())); });
        rank[i] = {s.m.at(i).last_use >= since
                       ? ~std::uint64_t{0}
                       : C::eviction_density(est, std::uint32_t(ki.size()), s.m.at(i).v.bytes.size(),
                                             beside.at(i) / C::kHoleShare),
                   s.m.at(i).last_use};
      }
    } else {
      for (unsigned i : live_before) rank[i] = {0, s.m.at(i).last_use};
    }
    bool by_frequency = false;  // did an estimate decide between an evicted and a kept entry?
    for (unsigned e : evicted)
      for (unsigned x : survived) {
        by_frequency |= rank.at(x).first != rank.at(e).first && rank.at(x).first != ~0ull;
        if (rank.at(x) < rank.at(e))
          RC_FAIL("evicted " + key_name(e) + " (rank " + std::to_string(rank.at(e).first) +
                  ", last use " + std::to_string(s.m.at(e).last_use) + ") but kept " +
                  key_name(x) + " (rank " + std::to_string(rank.at(x).first) + ", last use " +
                  std::to_string(s.m.at(x).last_use) + ")");
      }
    if (by_frequency) ++stat().by_frequency;
    // Expired entries went first: none is left once a live one was evicted.
    unsigned present = 0;
    for (unsigned i = 0; i < kKeys; ++i) present += s.exists(i);
    if (after.items != present)
      RC_FAIL("a live entry was evicted while " + std::to_string(after.items - present) +
              " expired entries stayed");
    for (unsigned e : evicted) s.m.erase(e);
  }
  void show(std::ostream& os) const override {
    os << (add ? "Add(" : "Set(") << key_name(k) << ", ";
    if (is_int) os << "int"; else os << len << " B";
    os << ", ttl " << ttl << "s)";
    this->show_dt(os);
  }
};

template <class Bugs>
struct Get : Timed<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kKeys);
  void body(ModelSut<Bugs>& s) const override {
    const auto got = s.read(k);
    auto it = s.m.find(k);
    if (it != s.m.end() && !it->second.live(s.now)) ++stat().expired_gets;
    if (!got) {
      if (s.live(k)) RC_FAIL("get(" + key_name(k) + ") missed a live key");
      return;
    }
    if (it == s.m.end()) RC_FAIL("get(" + key_name(k) + ") returned a key the model lacks");
    if (!it->second.live(s.now))
      RC_FAIL("get(" + key_name(k) + ") returned an entry expired at " +
              std::to_string(it->second.created) + " + " + std::to_string(it->second.ttl_s) +
              " s (now " +
              std::to_string(s.now) + ")");
    if (!(*got == it->second.v))
      RC_FAIL("get(" + key_name(k) + ") returned " + show_val(got) + ", the model has " +
              show_val(it->second.v));
    it->second.last_use = s.uses;
  }
  void show(std::ostream& os) const override {
    os << "Get(" << key_name(k) << ")";
    this->show_dt(os);
  }
};

template <class Bugs>
struct Remove : Timed<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kKeys);
  void body(ModelSut<Bugs>& s) const override {
    const std::string key = key_name(k);
    const CacheStatus st =
        s.as([&] { return s.c->remove(0, key.data(), std::uint32_t(key.size()), s.now); });
    RC_ASSERT(st == (s.live(k) ? CacheStatus::ok : CacheStatus::miss));
    s.m.erase(k);
  }
  void show(std::ostream& os) const override {
    os << "Remove(" << key_name(k) << ")";
    this->show_dt(os);
  }
};

// add_int (cas = false) or cas (expect = the model's value or not).
template <class Bugs>
struct IntOp : Timed<Bugs> {
  unsigned k = *rc::gen::inRange(0u, kKeys);
  bool cas = *rc::gen::arbitrary<bool>();
  bool expect_current = *rc::gen::arbitrary<bool>();
  std::int64_t x = *rc::gen::arbitrary<std::int64_t>();
  void body(ModelSut<Bugs>& s) const override {
    const std::string key = key_name(k);
    const std::uint32_t klen = std::uint32_t(key.size());
    std::int64_t cur = 0;
    const bool live = s.live(k);
    const bool is_int = live && s.m.at(k).v.type == ValueType::long_int;
    if (is_int) std::memcpy(&cur, s.m.at(k).v.bytes.data(), 8);
    CacheStatus st;
    std::int64_t want = 0;
    bool success = false;
    if (cas) {
      const std::int64_t expect = expect_current ? cur : x ^ 1;
      st = s.as([&] { return s.c->cas(0, key.data(), klen, expect, x, s.now); });
      want = x;
      success = is_int && expect == cur;
      if (is_int) RC_ASSERT(st == (success ? CacheStatus::ok : CacheStatus::mismatch));
    } else {
      std::int64_t out = 0;
      st = s.as([&] { return s.c->add_int(0, key.data(), klen, x, s.now, &out); });
      want = std::int64_t(std::uint64_t(cur) + std::uint64_t(x));
      success = is_int;
      if (success) RC_ASSERT(out == want);
    }
    if (!live) RC_ASSERT(st == CacheStatus::miss);
    if (live && !is_int) RC_ASSERT(st == CacheStatus::not_int);
    if (success) {
      RC_ASSERT(st == CacheStatus::ok);
      MEntry& e = s.m.at(k);
      std::memcpy(&e.v.bytes[0], &want, 8);
      e.last_use = ++s.uses;
    }
  }
  void show(std::ostream& os) const override {
    if (cas)
      os << "Cas(" << key_name(k) << ", " << (expect_current ? "current" : "other") << " -> " << x
         << ")";
    else
      os << "AddInt(" << key_name(k) << ", " << x << ")";
    this->show_dt(os);
  }
};

template <class Bugs>
struct Clear : Timed<Bugs> {
  void body(ModelSut<Bugs>& s) const override {
    s.as([&] {
      s.c->clear();
      return 0;
    });
    s.m.clear();
    RC_ASSERT(s.stats().items == 0);
  }
  void show(std::ostream& os) const override {
    os << "Clear";
    this->show_dt(os);
  }
};

template <class Bugs>
struct Advance : Timed<Bugs> {
  std::uint64_t by = *rc::gen::inRange<std::uint64_t>(0, 3000);
  void body(ModelSut<Bugs>& s) const override { s.now += by; }
  void show(std::ostream& os) const override {
    os << "Advance(" << by << "ms)";
    this->show_dt(os);
  }
};

template <class Bugs>
bool model_machine_holds(const std::string& name) {
  return store_machine_holds<ModelSut<Bugs>, Store<Bugs>, Store<Bugs>, Store<Bugs>, Store<Bugs>,
                             Get<Bugs>, Get<Bugs>, Get<Bugs>, Remove<Bugs>, IntOp<Bugs>,
                             IntOp<Bugs>, Clear<Bugs>, Advance<Bugs>>(name);
}

// ---- 2. the crash machine -------------------------------------------------------------------

struct CrashStat {
  unsigned kills = 0, repaired = 0, in_eviction = 0, completed = 0;
};
CrashStat& cstat() {
  static CrashStat s;
  return s;
}

template <class Bugs>
struct CrashSut : CacheBase<Bugs> {
  using B = CacheBase<Bugs>;
  using B::c;
  using B::now;
  Snapshot snap_of(Cache<Bugs>* cc) {
    Snapshot out;
    for (unsigned k = 0; k < kKeys; ++k)
      out[k] = this->as([&] { return B::read_in(cc, k, now); });
    return out;
  }
};

// One operation on some cache (the region or its copy).
struct Op {
  enum Kind { store, remove, add_int, clear } kind = store;
  unsigned k = 0;
  bool add = false, is_int = false;
  std::uint64_t len = 0;
  std::uint32_t seed = 0;
  std::int64_t delta = 0;

  template <class C>
  void run(C* c, std::uint64_t now) const {
    const std::string key = key_name(k);
    const std::uint32_t klen = std::uint32_t(key.size());
    switch (kind) {
      case store: {
        const std::string v = make_bytes(seed, is_int ? 8 : len);
        (void)c->store(0, key.data(), klen, is_int ? ValueType::long_int : ValueType::string_v,
                       v.data(), v.size(), 0, now, add ? C::Mode::add : C::Mode::set);
        break;
      }
      case remove: (void)c->remove(0, key.data(), klen, now); break;
      case add_int: (void)c->add_int(0, key.data(), klen, delta, now, nullptr); break;
      case clear: c->clear(); break;
    }
  }
  void show(std::ostream& os) const {
    switch (kind) {
      case store:
        os << (add ? "Add(" : "Set(") << key_name(k) << ", ";
        if (is_int) os << "int)"; else os << len << " B)";
        break;
      case remove: os << "Remove(" << key_name(k) << ")"; break;
      case add_int: os << "AddInt(" << key_name(k) << ", " << delta << ")"; break;
      case clear: os << "Clear"; break;
    }
  }
};

inline rc::Gen<Op> gen_op(bool with_clear) {
  return rc::gen::exec([with_clear] {
    Op o;
    o.kind = Op::Kind(*rc::gen::weightedOneOf<int>(
        {{6, rc::gen::just(0)}, {2, rc::gen::just(1)}, {2, rc::gen::just(2)},
         {with_clear ? 1 : 0, rc::gen::just(3)}}));
    o.k = *rc::gen::inRange(0u, kKeys);
    o.add = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(false)}, {1, rc::gen::just(true)}});
    o.is_int = *rc::gen::weightedOneOf<bool>({{3, rc::gen::just(false)}, {1, rc::gen::just(true)}});
    o.len = *value_size();
    o.seed = *rc::gen::arbitrary<std::uint32_t>();
    o.delta = *rc::gen::inRange<std::int64_t>(-1000, 1000);
    return o;
  });
}

template <class Bugs>
using CCmd = rc::state::Command<NoModel, CrashSut<Bugs>>;

template <class Bugs>
struct Plain : CCmd<Bugs> {
  Op op = *gen_op(false);
  std::uint64_t dt = *rc::gen::inRange<std::uint64_t>(0, 50);
  void apply(NoModel&) const override {}
  void run(const NoModel&, CrashSut<Bugs>& s) const override {
    s.now += dt;
    s.as([&] {
      op.run(s.c, s.now);
      return 0;
    });
    s.no_violation("after a plain op");
  }
  void show(std::ostream& os) const override { op.show(os); }
};

template <class Bugs>
struct KillDuring : CCmd<Bugs> {
  Op op = *gen_op(true);
  std::uint64_t at = *rc::gen::inRange<std::uint64_t>(0, 1000);  // per mille of the op's steps
  void apply(NoModel&) const override {}
  void run(const NoModel&, CrashSut<Bugs>& s) const override {
    s.now += 1;
    const Snapshot before = s.snap_of(s.c);
    const std::uint64_t ev0 = s.stats().evictions;
    // The uninterrupted op on a copy: its steps and its effect.
    Bytes copy = s.mem;
    Cache<Bugs>* cc = Cache<Bugs>::attach(copy.data(), kRegion);
    RC_ASSERT(cc != nullptr);
    const std::uint64_t s0 = s.sim.steps;
    s.as([&] {
      op.run(cc, s.now);
      return 0;
    });
    const std::uint64_t steps = s.sim.steps - s0;
    const std::uint64_t ev_copy = s.as([&] { return cc->stats(0).evictions; }) - ev0;
    const bool evicting = ev_copy != 0;
    const Snapshot after = s.snap_of(cc);
    // The op again, on the region, killed at step k.
    const long k = long(at * steps / 1000);
    const bool killed = killed_during(s.sim, s.proc, k, [&] { op.run(s.c, s.now); });
    if (!killed) {
      ++cstat().completed;
      s.sim.dead[s.proc] = true;  // dies right after, holding nothing
    } else {
      ++cstat().kills;
      if (evicting) ++cstat().in_eviction;
    }
    // The next process.
    s.proc = s.sim.spawn();
    const CacheStats st = s.stats();
    if (st.recoveries) ++cstat().repaired;
    s.no_violation("after the repair");
    if (st.resets != 0) RC_FAIL("the repair reset the cache (the journal was intact)");
    // A store whose value did not fit beside the key's own old entry evicts that entry first
    // (one eviction more than the other keys that vanished): the key may then read as a miss.
    unsigned vanished = 0;
    for (unsigned k2 = 0; k2 < kKeys; ++k2) vanished += before.at(k2) && !after.at(k2);
    const bool own_evicted = op.kind == Op::store && ev_copy > vanished;
    const Snapshot got = s.snap_of(s.c);
    for (unsigned k2 = 0; k2 < kKeys; ++k2) {
      const auto& g = got.at(k2);
      if (g == before.at(k2) || g == after.at(k2)) continue;
      if (!g && own_evicted && k2 == op.k) continue;
      RC_FAIL(key_name(k2) + " reads " + show_val(g) + ": before the op " +
              show_val(before.at(k2)) + ", after it " + show_val(after.at(k2)));
    }
  }
  void show(std::ostream& os) const override {
    os << "KillDuring(";
    op.show(os);
    os << ", at " << at << "/1000 of its steps)";
  }
};

template <class Bugs>
bool crash_machine_holds(const std::string& name) {
  return store_machine_holds<CrashSut<Bugs>, Plain<Bugs>, Plain<Bugs>, KillDuring<Bugs>,
                             KillDuring<Bugs>>(name);
}

// ---- the seeded bugs ------------------------------------------------------------------------

struct IgnoreTtl : NoCacheBugs {
  static constexpr bool ignore_ttl = true;
};
struct EvictNewest : NoCacheBugs {
  static constexpr bool evict_newest = true;
};
struct EvictFrequent : NoCacheBugs {
  static constexpr bool evict_frequent = true;
};
struct LruOrder : NoCacheBugs {
  static constexpr bool lru_run = true;
};
struct LruEvictNewest : EvictNewest {
  static constexpr bool lru_run = true;
};
struct FloorNotLowered : NoCacheBugs {
  static constexpr bool floor_not_lowered = true;
};
struct WipeWhenFull : NoCacheBugs {
  static constexpr bool wipe_when_full = true;
};
struct UnjournaledLinks : NoCacheBugs {
  static constexpr bool unjournaled_links = true;
};

TEST(UcacheMachine, MatchesTheModelEvictsByFrequencyNeverWipes) {
  stat() = Stat{};
  EXPECT_TRUE(model_machine_holds<NoCacheBugs>("user cache state machine"));
  const Stat& s = stat();
  std::printf("[ucache] stores %u (too_large %u, evicting %u, of which ordered by the estimates "
              "%u, no-wipe checks %u), gets of expired keys %u\n",
              s.stores, s.too_large, s.evicting, s.by_frequency, s.nowipe_checks, s.expired_gets);
  EXPECT_GT(s.by_frequency, 0u);
  EXPECT_GT(s.evicting, 0u);
  EXPECT_GT(s.too_large, 0u);
  EXPECT_GT(s.nowipe_checks, 0u);
  EXPECT_GT(s.expired_gets, 0u);
}

// The same machine over the LRU order (the sessions' and file caches' eviction).
TEST(UcacheMachine, LruOrderMatchesTheModelNeverWipes) {
  stat() = Stat{};
  EXPECT_TRUE(model_machine_holds<LruOrder>("user cache state machine, LRU order"));
  EXPECT_GT(stat().evicting, 0u);
  EXPECT_GT(stat().nowipe_checks, 0u);
}

TEST(UcacheMachineTwin, EvictingTheNewestUnderLruIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(model_machine_holds<LruEvictNewest>("twin: LRU eviction takes the most recent"));
}

TEST(UcacheMachineTwin, EvictingTheMostFrequentIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(model_machine_holds<EvictFrequent>("twin: eviction takes the most frequent"));
}

TEST(UcacheMachineTwin, ExpiredEntriesStayingVisibleIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(model_machine_holds<IgnoreTtl>("twin: expired entries stay visible"));
}

TEST(UcacheMachineTwin, AnExpiryFloorLeftHighIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(model_machine_holds<FloorNotLowered>(
      "twin: a store with a ttl leaves the expiry floor high (make_room skips expired entries)"));
}

TEST(UcacheMachineTwin, EvictingTheNewestIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(model_machine_holds<EvictNewest>("twin: eviction takes the most recently used"));
}

TEST(UcacheMachineTwin, WipingAFullCacheIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(model_machine_holds<WipeWhenFull>("twin: a full cache is wiped whole"));
}

TEST(UcacheCrash, KilledWriterLeavesBeforeOrAfterNeverTorn) {
  cstat() = CrashStat{};
  EXPECT_TRUE(crash_machine_holds<NoCacheBugs>("user cache crash machine"));
  const CrashStat& s = cstat();
  std::printf("[ucache crash] kills %u (%u during evicting stores), repairs seen %u, ops that "
              "completed before the kill %u\n",
              s.kills, s.in_eviction, s.repaired, s.completed);
  EXPECT_GT(s.kills, 0u);
  EXPECT_GT(s.in_eviction, 0u);
}

TEST(UcacheCrashTwin, LinksWrittenAroundTheJournalAreRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(crash_machine_holds<UnjournaledLinks>("twin: index links bypass the journal"));
}

}  // namespace

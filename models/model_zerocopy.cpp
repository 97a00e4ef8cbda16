// Relacy: request-long pins for zero-copy values (ZC-1..ZC-4 in docs/invariants/zerocopy.md):
// the real EpochReaders (core/reclaim.hpp: announcements, reaping, fork holds) under a keyed
// store reduced to what reclamation sees, with KeyedStore's protocol (core/store.hpp):
//   - one lock (here a mutex: a shared hold and an exclusive one order the same way for
//     this purpose) around every get, write, pin (ZC-2) and fork hold;
//   - a write unlinks, then retires the entry at readers.advance(); every writer collects at
//     its lock and its unlock: frees what was retired before safe_below();
//   - a reset (a damaged index) under a pinned reader freezes: empty index, no allocation, the
//     old blocks untouched until safe_below() passes the freeze epoch (ZC-3).
// The index and the allocator themselves are the property test's business (prop_zerocopy.cpp
// runs the real KeyedStore). A value's bytes are an rl::var: freeing writes it (the allocator's
// links and footer land in a freed block), so a free while a reader still reads it is a DATA
// RACE (or, ordered, a USER ASSERT on the value).
//
//   ZC-1  RequestLongPin: one pin, several gets of different keys, while a writer replaces,
//         deletes and clears them and collects: every handed-out value stays until the unpin.
//   RECL-2 KilledWhilePinned: a reader killed while pinned pins nothing: the next collect frees.
//   ZC-2  SlotReuse: a new process pins on the slot of a dead one, while a writer reaps it.
//   ZC-3  ResetWhilePinned: a reset under a pinned reader keeps its bytes; stores fail meanwhile;
//         the first writer after the unpin thaws.
//   ZC-4  Fork: a child takes its parent's hold over; the parent unpins (or dies) at any time.
// Negative twins: free_before_unpin (collect ignores pins), worker_unpin_per_request (a worker
// SAPI's globals keep a value across "requests" that unpin), pin_unlocked (the slot-reuse ABA),
// reset_frees_pinned, and a fork child that relies on its parent's pin (no hold).
#include "../core/reclaim.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

struct ModelBugs {
  bool free_before_unpin = false;
  bool worker_unpin_per_request = false;
  bool pin_unlocked = false;
  bool reset_frees_pinned = false;
  bool no_fork_hold = false;
};

constexpr unsigned kSlots = 3, kHolds = 2, kKeys = 2, kBlocks = 8;

// PrimRelacy, except that before() (which Relacy runs on whichever thread it likes) can act as a
// given process: `as` overrides self() while it is non-zero.
struct PrimZc : PrimRelacy {
  static proc_id& as() {
    static proc_id p = 0;
    return p;
  }
  static proc_id self() { return as() ? as() : PrimRelacy::self(); }
};
constexpr PrimZc::proc_id kGhost = 5;  // a process that runs no thread (killed before the start)
constexpr std::uint64_t kNone = ~std::uint64_t{0};

// The store, as reclamation sees it. Block b's bytes: value(b); 0 = free (poisoned).
class MiniStore {
 public:
  using Readers = EpochReaders<PrimZc, kSlots, NoReclaimBugs, kHolds>;
  explicit MiniStore(const ModelBugs& bugs) : bugs_(bugs) {}

  void create() {
    readers_.create();
    for (unsigned b = 0; b < kBlocks; ++b) {
      bytes_[b]($) = 0;
      used_[b] = false;
    }
    for (auto& k : index_) k = kNone;
  }
  // Before the threads start: key k holds `v`.
  void preload(unsigned k, int v) {
    const unsigned b = alloc();
    bytes_[b]($) = v;
    index_[k] = b;
  }

  bool pin(unsigned slot) {
    if (bugs_.pin_unlocked) return readers_.enter(slot, 1);
    m_.lock($);
    const bool ok = readers_.enter(slot, 1);
    m_.unlock($);
    return ok;
  }
  void unpin(unsigned slot) { readers_.exit(slot); }

  // The block a get hands out (kNone on a miss): its bytes are read later, without the lock.
  std::uint64_t get(unsigned k) {
    m_.lock($);
    const std::uint64_t b = index_[k];
    m_.unlock($);
    return b;
  }
  int read(std::uint64_t b) { return bytes_[b]($); }

  // set: a new block, filled while unreachable, then linked; the old one retired. False: full
  // (no free block, or frozen).
  bool set(unsigned k, int v) {
    write_lock();
    bool ok = false;
    if (!frozen_) {
      const unsigned b = alloc();
      if (b != kBlocks) {
        bytes_[b]($) = v;
        const std::uint64_t old = index_[k];
        index_[k] = b;
        if (old != kNone) retire(old);
        ok = true;
      }
    }
    write_unlock();
    return ok;
  }
  // Unlinks and retires k with no collect (a setup step: an entry left retired).
  void retire_now(unsigned k) {
    m_.lock($);
    retire(index_[k]);
    index_[k] = kNone;
    m_.unlock($);
  }
  void del(unsigned k) {
    write_lock();
    if (index_[k] != kNone) {
      retire(index_[k]);
      index_[k] = kNone;
    }
    write_unlock();
  }
  void clear() {
    write_lock();
    for (unsigned k = 0; k < kKeys; ++k)
      if (index_[k] != kNone) {
        retire(index_[k]);
        index_[k] = kNone;
      }
    write_unlock();
  }
  // What repair() does when the index does not validate (UC-4): reset (ZC-3).
  void reset() {
    write_lock();
    if (!bugs_.reset_frees_pinned && readers_.safe_below() != kNone) {
      frozen_ = readers_.advance();
      for (auto& k : index_) k = kNone;
      nretired_ = 0;  // the old blocks stay as they are
    } else {
      reinit();
    }
    write_unlock();
  }

  struct Hold {
    unsigned n = 0;
    std::uint64_t epoch = 0;
    std::uint64_t parent = 0;
  };
  Hold hold_for_fork(unsigned slot) {
    Hold h;
    h.epoch = readers_.announced(slot);
    h.parent = PrimZc::self();
    if (h.epoch == 0) return h;
    m_.lock($);
    h.n = readers_.hold(h.epoch, 1);
    m_.unlock($);
    return h;
  }
  bool adopt(const Hold& h) { return readers_.adopt(h.n, h.epoch, h.parent); }
  void release(const Hold& h) { readers_.release(h.n); }

  unsigned retired() const { return nretired_; }
  bool is_frozen() const { return frozen_ != 0; }
  void collect_now() {
    write_lock();
    write_unlock();
  }

 private:
  unsigned alloc() {
    for (unsigned b = 0; b < kBlocks; ++b)
      if (!used_[b]) {
        used_[b] = true;
        return b;
      }
    return kBlocks;
  }
  void free_block(std::uint64_t b) {
    bytes_[b]($) = 0;  // the allocator's links land in the freed block
    used_[b] = false;
  }
  void retire(std::uint64_t b) {
    retired_[nretired_].block = b;
    retired_[nretired_].epoch = readers_.advance();  // after the unlink (RECL-1)
    ++nretired_;
  }
  void write_lock() {
    m_.lock($);
    // thaw (ZC-3)
    if (frozen_ && readers_.safe_below() > frozen_) reinit();
    collect();
  }
  void write_unlock() {
    collect();
    m_.unlock($);
  }
  void collect() {
    if (nretired_ == 0) return;
    const std::uint64_t safe = bugs_.free_before_unpin ? kNone : readers_.safe_below();
    unsigned keep = 0;
    for (unsigned i = 0; i < nretired_; ++i) {
      if (retired_[i].epoch < safe) free_block(retired_[i].block);
      else retired_[keep++] = retired_[i];
    }
    nretired_ = keep;
  }
  void reinit() {
    for (unsigned b = 0; b < kBlocks; ++b)
      if (used_[b]) free_block(b);
    for (auto& k : index_) k = kNone;
    nretired_ = 0;
    frozen_ = 0;
  }

  const ModelBugs& bugs_;
  Readers readers_;
  rl::mutex m_;
  rl::var<int> bytes_[kBlocks];
  bool used_[kBlocks];               // under m_
  std::uint64_t index_[kKeys];       // under m_
  struct Retired {
    std::uint64_t block, epoch;
  } retired_[kBlocks];               // under m_
  unsigned nretired_ = 0;            // under m_
  std::uint64_t frozen_ = 0;         // under m_: ZC-3's freeze epoch
};

// A request's handed-out values: the block and the bytes it had.
struct Held {
  std::uint64_t b = kNone;
  int v = 0;
  void take(MiniStore& s, unsigned k) {
    b = s.get(k);
    if (b != kNone) v = s.read(b);
  }
  void check(MiniStore& s) const {
    if (b != kNone) RL_ASSERT(s.read(b) == v);  // ZC-1: unchanged until the unpin
  }
};

// One request on slot 0: pin, get k0 and k1, use both, unpin. worker: a "request" boundary
// (unpin, pin) between the two gets, the worker's globals keeping k0 across it.
inline void one_request(MiniStore& s, bool worker) {
  Held a, b;
  s.pin(0);
  a.take(s, 0);
  if (worker) {
    s.unpin(0);
    s.pin(0);
  }
  b.take(s, 1);
  a.check(s);
  b.check(s);
  s.unpin(0);
}

template <class Self>
struct Suite {
  World w;
  ModelBugs bugs;
  MiniStore s{bugs};
  void setup() {
    world() = &w;
    PrimZc::as() = 0;
    Self::configure(bugs);
    s.create();
    s.preload(0, 10);
    s.preload(1, 11);
  }
};

// ZC-1. Thread 0: one request: pin, get k0, get k1, use both, unpin (the worker twin: the
// globals keep k0 across a request boundary that unpins). Thread 1: replaces k0, deletes k1.
// Thread 2: clears, stores k1 again.
template <class Cfg>
struct RequestLongPin : rl::test_suite<RequestLongPin<Cfg>, 3>, Suite<Cfg> {
  void before() { this->setup(); }
  void thread(unsigned idx) {
    MiniStore& s = this->s;
    if (idx == 0) {
      one_request(s, this->bugs.worker_unpin_per_request);
    } else if (idx == 1) {
      s.set(0, 20);
      s.del(1);
    } else {
      s.clear();
      s.set(1, 31);
    }
  }
};

// RECL-2: a reader killed while pinned; once every thread is done, one collect frees all.
template <class Cfg>
struct KilledWhilePinned : rl::test_suite<KilledWhilePinned<Cfg>, 2>, Suite<Cfg> {
  void before() { this->setup(); }
  void thread(unsigned idx) {
    MiniStore& s = this->s;
    if (idx == 0) {
      Held a;
      s.pin(0);
      a.take(s, 0);
      a.check(s);
      PrimRelacy::die();  // killed pinned: never unpins
      return;
    }
    s.del(0);
    s.set(1, 21);
  }
  void after() {
    this->s.collect_now();
    RL_ASSERT(this->s.retired() == 0);  // RECL-2/RECL-3: nothing left retired
  }
};

// ZC-2. Thread 0 pins on slot 0 and dies; thread 1, a new process given slot 0 once thread 0
// is gone (the registry's rule), pins there and reads k0; thread 2 writes twice: a store of k1
// (its collect reaps the dead announcement and frees the old k1) then a delete of k0. With the announcement made
// outside the lock, the reap may judge the slot by the dead owner and clear the new one's
// announcement of the same epoch (no retirement advanced it in between): k0 is freed under it.
template <class Cfg>
struct SlotReuse : rl::test_suite<SlotReuse<Cfg>, 3>, Suite<Cfg> {
  // Before the threads: the old process (kGhost) pinned slot 0 and was killed; k1 is left
  // retired (at epoch 1), so that the writer's first collect reaps without advancing the epoch.
  void before() {
    this->setup();
    this->s.retire_now(1);
    PrimZc::as() = kGhost;
    this->s.pin(0);
    PrimZc::as() = 0;
    this->w.dead[kGhost] = true;
  }
  void thread(unsigned idx) {
    MiniStore& s = this->s;
    if (idx == 0) return;  // (no third process)
    if (idx == 1) {        // the new process, given slot 0 (the old owner is dead)
      Held a;
      s.pin(0);
      a.take(s, 0);
      a.check(s);
      s.unpin(0);
      return;
    }
    s.set(1, 21);
    s.del(0);
  }
};

// ZC-3. Thread 0 pins and reads k0 and k1, uses them, unpins. Thread 1 finds the index damaged
// and resets, then stores (full while frozen), then stores again.
template <class Cfg>
struct ResetWhilePinned : rl::test_suite<ResetWhilePinned<Cfg>, 2>, Suite<Cfg> {
  void before() { this->setup(); }
  void thread(unsigned idx) {
    MiniStore& s = this->s;
    if (idx == 0) {
      one_request(s, false);
      return;
    }
    s.reset();
    s.set(0, 40);
    s.set(1, 41);
  }
  void after() {
    this->s.collect_now();
    RL_ASSERT(!this->s.is_frozen());  // nobody pinned: the next writer thawed
  }
};

// ZC-4. Before the threads: the parent (proc 1) pinned, got k0, and forked (the prepare hook
// took a hold). Thread 0, the parent, goes on and unpins (its request ends), or dies. Thread 1,
// the child, adopts the hold and reads the inherited k0 (not if the adoption failed), then
// releases. Thread 2 deletes k0 and stores k1 (two collects).
template <class Cfg>
struct Fork : rl::test_suite<Fork<Cfg>, 3>, Suite<Cfg> {
  Held inherited;
  MiniStore::Hold hold;
  void before() {
    this->setup();
    MiniStore& s = this->s;
    PrimZc::as() = 1;  // the parent: thread 0's process
    s.pin(0);
    inherited.take(s, 0);
    if (!this->bugs.no_fork_hold) {
      hold = s.hold_for_fork(0);
      RL_ASSERT(hold.n != 0);
    }
    PrimZc::as() = 0;
  }
  void thread(unsigned idx) {
    MiniStore& s = this->s;
    if (idx == 0) {
      if (Cfg::parent_dies) {
        PrimRelacy::die();
        return;
      }
      s.unpin(0);
    } else if (idx == 1) {
      const bool kept = this->bugs.no_fork_hold || s.adopt(hold);
      if (!Cfg::parent_dies) RL_ASSERT(kept || this->bugs.no_fork_hold);  // a live parent: kept
      if (kept) inherited.check(s);
      s.release(hold);
    } else {
      s.del(0);
      s.set(1, 21);
    }
  }
  void after() {
    this->s.collect_now();
    RL_ASSERT(this->s.retired() == 0);  // the hold went with the child (RECL-3)
  }
};

// Configurations: which bugs, which variant.
template <bool FreeBeforeUnpin = false, bool Worker = false, bool PinUnlocked = false,
          bool ResetFrees = false, bool NoHold = false, bool ParentDies = false>
struct Cfg {
  static constexpr bool parent_dies = ParentDies;
  static void configure(ModelBugs& b) {
    b.free_before_unpin = FreeBeforeUnpin;
    b.worker_unpin_per_request = Worker;
    b.pin_unlocked = PinUnlocked;
    b.reset_frees_pinned = ResetFrees;
    b.no_fork_hold = NoHold;
  }
};
using Ok = Cfg<>;

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<RequestLongPin<Ok>>("ZC-1 a request-long pin over gets, replace, delete, clear", o, t);
  must_hold<KilledWhilePinned<Ok>>("RECL-2 a reader killed pinned pins nothing", o, t);
  // The slot-reuse race needs three preemptions (the reap's judgement, the pin, the get between
  // the writer's two writes).
  Options o3 = o;
  if (o3.search == rl::sched_bound && o3.context_bound < 3) o3.context_bound = 3;
  must_hold<SlotReuse<Ok>>("ZC-2 a new process pins on a dead one's slot while it is reaped", o3,
                           t);
  must_hold<ResetWhilePinned<Ok>>("ZC-3 a reset under a pinned reader freezes, then thaws", o, t);
  must_hold<Fork<Ok>>("ZC-4 a fork child adopts its parent's hold; the parent unpins", o, t);
  must_hold<Fork<Cfg<false, false, false, false, false, true>>>(
      "ZC-4 the parent dies around the fork: the child adopts or knows it could not", o, t);
  must_catch<RequestLongPin<Cfg<true>>>("twin: free_before_unpin (collect ignores pins)",
                                        rl::test_result_data_race, o, t);
  must_catch<RequestLongPin<Cfg<false, true>>>(
      "twin: worker_unpin_per_request (globals outlive an unpin)",
      rl::test_result_user_assert_failed, o, t);
  must_catch<SlotReuse<Cfg<false, false, true>>>(
      "twin: pin_unlocked (a reap clears a new owner's announcement)", rl::test_result_data_race,
      o3, t);
  must_catch<ResetWhilePinned<Cfg<false, false, false, true>>>(
      "twin: reset_frees_pinned (a reset reinitialises under a reader)",
      rl::test_result_data_race, o, t);
  must_catch<Fork<Cfg<false, false, false, false, true>>>(
      "twin: a fork child relies on its parent's pin", rl::test_result_data_race, o, t);
  t.summary("model zero-copy pins");
  return t.exit_code();
}

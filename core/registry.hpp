// core/registry.hpp: the process group's registry (WinCache's "information segment") and the
// process-side handle that creates, finds, attaches, detaches and outlives the cache segments.
//
// The registry is one small named segment per process group. It lists, per segment KIND, the
// live segment's generation (0 = none), its size and, for the fixed-address kind, the base address
// every global user maps it at; and it holds a table of process SLOTS: the proc_id of each
// attached process (pid + start time: pid reuse cannot impersonate it) and a bitmask of the kinds
// it has attached globally (and another of the kinds it runs on a process-local copy).
//
// Refcounts cannot drift because there are none. Who uses a segment is DERIVED from the slot
// table: the live slots whose `attached` mask has the kind's bit (SEG-2). WinCache 1.0 kept two
// counters that drifted apart until a segment was recreated under references that still pointed
// into it (seed 000). Here a process that dies without detaching is found dead through
// Prim::alive by the next join, attach, detach, leave or reap, and its slot is cleared, so its
// uses vanish with it. A segment is destroyed exactly when, after such an operation, no live slot
// uses it.
//
// Every segment carries a generation, taken from a registry-wide counter that only grows, and
// the generation is part of its name: a recreated segment is a new object under a new name, and
// references into it are XRefs (core/xref.hpp) that read as empty once their generation is
// stale (SEG-3).
//
// Crash consistency without a journal: every registry change is a single-word publication.
//   - A slot is claimed by a CAS on its owner word, from 0 or from a dead owner's exact word.
//   - Attached/local masks are single words written by the slot's owner under the lock.
//   - A segment is created by (1) creating the OS object, (2) writing its header, (3) storing its
//     generation into the registry entry (publication). It is destroyed by (1) storing
//     generation 0 (unpublication), (2) removing the OS object.
// A process killed between steps leaves at worst an OS object that no entry names (an orphan).
// The repair done by whoever gets owner_died from the registry lock (SEG-6): reap the dead,
// drop entries whose object is gone, remove orphans, then mark_consistent.
//
// First-creator initialisation (SEG-1): the OS hands out a new segment zero-filled, and an
// all-zero registry is a valid, empty one (the lock is free, no entries, no slots). The `init_`
// word goes from 0 to the initialiser's proc_id (CAS), then to READY | proc_id after magic and
// geometry are written. Everyone else waits on `init_seq_` with a bounded, polled wait. If the
// initialiser dies, the next one takes over with a CAS from its exact word and writes the same
// constants again (initialisation is idempotent). If it is alive but not done within the bound,
// join() fails with init_timeout: a clear error, not a hang.
//
// Mapping is the segment layer's concern, so it is a second parameter, `Os` (one object per
// process; PosixOs / Win32Os in the extension, SimOs in the property tests):
//   struct Os {
//     struct Mapping { void* base; std::uint64_t size; bool created; };
//     // Open `name`, creating it zero-filled (mode 0600 / a private DACL) if `create` and
//     // missing. at != nullptr: map exactly there or fail, never replacing a mapping. A failure
//     // is base == nullptr.
//     Mapping open(const std::string& name, std::uint64_t size, bool create, void* at);
//     Mapping create_local(std::uint64_t size);   // zero-filled, process-private
//     void close(Mapping&);                       // unmap in this process
//     void remove(const std::string& name);       // the name goes; memory goes with the last map
//     std::vector<std::string> list(const std::string& prefix);  // names that exist
//   };
#pragma once

#include <cstdint>
#include <functional>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "naming.hpp"
#include "prim.hpp"
#include "rwlock.hpp"
#include "xref.hpp"

namespace wc {

// Seeded bugs of the segment layer (negative twins). NoSegmentBugs ships.
struct NoSegmentBugs {
  static constexpr bool legacy_counters = false;  // WinCache 1.0: a refcount per segment, bumped
                                                  // only by global users, dropped by everyone
  static constexpr bool untagged_refs = false;    // WinCache 1.0: references ignore generations
  static constexpr bool no_reaper = false;        // dead processes are never reaped
  static constexpr bool racy_init = false;        // initialise after a load, not a CAS
};

enum class Scope : std::uint8_t { none = 0, global = 1, local = 2 };

struct RegistryTuning {
  static constexpr unsigned kinds = 8;            // segment kinds (user cache, file cache, ...)
  static constexpr unsigned slots = 1024;         // processes attached at once (a php-fpm pool
                                                  // with pm.max_children up to 1023 + its master)
  static constexpr std::uint32_t poll_ms = 20;    // liveness poll while waiting for the initialiser
  static constexpr unsigned init_polls = 250;     // ~5 s, then init_timeout
  static constexpr unsigned spin = 6;             // the registry lock's looks before sleeping (RwLock
                                                  // backs off 2^k relax() before the k-th)
};

// What a segment kind is: its size and whether it must sit at the same address everywhere.
struct KindSpec {
  std::uint64_t size = 0;
  bool fixed = false;                 // fixed-address kind (absolute pointers inside)
  std::uint64_t preferred_base = 0;   // where the first creator tries to map it (0 = anywhere)
};

// Written at offset 0 of every cache segment by its creator; content starts at kContentOffset.
struct SegmentHeader {
  static constexpr std::uint64_t kMagic = 0x57434147534547ull;  // "WCAGSEG"
  static constexpr std::uint64_t kContentOffset = 64;
  std::uint64_t magic;
  std::uint64_t kind;
  std::uint64_t generation;  // SEG-3: the generation this memory was created for
  std::uint64_t size;
};

// The WinCache-1.0 twin's per-segment counter (seeded bug legacy_counters). Present only in that
// twin's registry: the shipped layout has no field a twin needs (an empty base adds nothing).
template <class Prim, bool kLegacy>
struct LegacyRefs {};
template <class Prim>
struct LegacyRefs<Prim, true> {
  typename Prim::template atomic<std::uint64_t> legacy_refs;
};

template <class Prim, class Tuning = RegistryTuning, class Bugs = NoSegmentBugs>
struct Registry {
  static constexpr std::uint64_t kMagic = 0x57434152454731ull;  // "WCAREG1"
  static constexpr std::uint64_t kReady = std::uint64_t{1} << 63;
  struct LockTuning {
    static constexpr unsigned reader_slots = 1;  // the registry lock is only taken exclusively
    static constexpr unsigned spin = Tuning::spin;
    static constexpr std::uint32_t poll_ms = Tuning::poll_ms;
  };
  using Lock = RwLock<Prim, LockTuning>;
  template <class T>
  using A = typename Prim::template atomic<T>;

  // SEG-1: 0 (zero-filled) -> initialiser's proc_id -> kReady | proc_id. CAS / store seq_cst.
  A<std::uint64_t> init_;
  // Futex word bumped once init_ is READY (waiters sleep on it, bounded by poll_ms).
  A<std::uint32_t> init_seq_;
  // How many times initialisation ran: 1, plus one per takeover from a dead initialiser.
  A<std::uint32_t> inits_;
  // Written by the initialiser before READY; read-only afterwards.
  A<std::uint64_t> magic_;
  A<std::uint64_t> kinds_;
  A<std::uint64_t> slots_;
  // Guards everything below (exclusive for every change; the segment layer is not a hot path).
  Lock lock_;
  // Source of generations: only grows, never 0 (under lock_).
  A<std::uint64_t> last_generation_;
  // Set (under lock_) by the last process to leave, together with unlinking the registry's name.
  // A process that mapped this object before the unlink and then gets the lock must not live on
  // in it (it would be a group of its own, invisible to later joiners): it sees closed_, unmaps
  // and joins afresh (SEG-7).
  A<std::uint64_t> closed_;
  struct Entry : LegacyRefs<Prim, Bugs::legacy_counters> {
    A<std::uint64_t> generation;  // 0 = no live segment of this kind. Written last on create,
                                  // first on destroy (SEG-6). Under lock_; read by anyone.
    A<std::uint64_t> size;        // bytes, written before generation
    A<std::uint64_t> fixed_base;  // fixed kinds: the address global users map at (0 = any)
  } entries_[Tuning::kinds];
  static_assert(Bugs::legacy_counters || sizeof(Entry) == 3 * sizeof(A<std::uint64_t>),
                "the shipped registry layout carries nothing for a negative twin");
  struct Slot {
    A<std::uint64_t> owner;     // proc_id, 0 = free. CAS from 0 or from a dead owner's word.
    A<std::uint64_t> attached;  // bit k: attached to kind k's global segment (owner, under lock_)
    A<std::uint64_t> local;     // bit k: runs on a process-local copy of kind k (owner, under lock_)
  } slots_used_[Tuning::slots];
};

// Optional Os member: bool same_object(const std::string& name, const Mapping&) const.
template <class Os, class = void>
struct has_same_object : std::false_type {};
template <class Os>
struct has_same_object<Os, std::void_t<decltype(std::declval<const Os&>().same_object(
                               std::declval<const std::string&>(),
                               std::declval<const typename Os::Mapping&>()))>> : std::true_type {};

template <class Prim, class Os, class Tuning = RegistryTuning, class Bugs = NoSegmentBugs>
class Group {
 public:
  using Reg = Registry<Prim, Tuning, Bugs>;
  using proc_id = typename Prim::proc_id;

  enum class Status : std::uint8_t {
    ok,
    init_timeout,   // another process is initialising the registry and did not finish in time
    no_slot,        // every process slot is held by a live process
    not_joined,
    bad_kind,
    map_failed,     // the OS refused a mapping (no memory, limits)
    corrupt,        // the registry segment is not ours (wrong magic or geometry)
    no_memory,      // this process ran out of memory (a name, a listing); the lock was released
  };

  // Initialises a new segment's content (an allocator, an index...) before it is published:
  // (kind, content, content bytes, scope). Called under the registry lock, for local copies too.
  using OnCreate = std::function<void(unsigned, char*, std::uint64_t, Scope)>;

  Group(Os& os, std::string group, std::vector<KindSpec> kinds, OnCreate on_create = {})
      : os_(os), group_(std::move(group)), kinds_(std::move(kinds)),
        on_create_(std::move(on_create)) {
    if (kinds_.size() > Tuning::kinds) kinds_.resize(Tuning::kinds);
  }
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  // ---- lifecycle ---------------------------------------------------------------------------
  // Map (or create) the registry, initialise it if first (SEG-1), claim a process slot.
  Status join() {
    if (reg_) return locked([&] {  // already joined: still a registry operation, so it reaps
        reap_locked();
        return Status::ok;
      });
    try {
      const proc_id me = Prim::self();
      for (unsigned attempt = 0;; ++attempt) {
        reg_map_ = os_.open(registry_name(group_), sizeof(Reg), true, nullptr);
        if (!reg_map_.base) return Status::map_failed;
        reg_ = static_cast<Reg*>(reg_map_.base);
        Status st = ensure_initialised();
        bool closed = false;
        if (st == Status::ok) st = locked([&] {
            if (reg_->closed_.load(std::memory_order_seq_cst) != 0) {
              // SEG-7: we mapped a registry whose last member closed it: join afresh. If that
              // member was killed between closing and unlinking, the closed object still holds
              // the name: remove the name, but only while it still names THIS object (never a
              // newer registry).
              if constexpr (has_same_object<Os>::value)
                if (os_.same_object(registry_name(group_), reg_map_))
                  os_.remove(registry_name(group_));
              closed = true;
              return Status::ok;
            }
            reap_locked();
            for (unsigned i = 0; i < Tuning::slots; ++i) {
              auto& sl = reg_->slots_used_[i];
              std::uint64_t cur = 0;
              if (sl.owner.compare_exchange_strong(cur, me, std::memory_order_seq_cst)) {
                sl.attached.store(0, std::memory_order_relaxed);
                sl.local.store(0, std::memory_order_relaxed);
                slot_ = i;
                return Status::ok;
              }
            }
            return Status::no_slot;
          });
        if (st == Status::ok && !closed) return Status::ok;
        os_.close(reg_map_);
        reg_ = nullptr;
        if (!closed) return st;
        if (attempt == 16) return Status::init_timeout;
      }
    } catch (const std::bad_alloc&) {  // a name or a listing outside the lock
      if (reg_) os_.close(reg_map_);
      reg_ = nullptr;
      return Status::no_memory;
    }
  }

  // Attach this process to `kind`: map the live segment or create it; for a fixed kind, map it
  // at the recorded address or fall back to a process-local copy (SEG-4).
  Status attach(unsigned kind) {
    if (!reg_) return Status::not_joined;
    if (kind >= kinds_.size()) return Status::bad_kind;
    return locked([&] {
      reap_locked();  // every registry operation reaps, even an attach that changes nothing
      return att_[kind].scope != Scope::none ? Status::ok : attach_locked(kind);
    });
  }

  Status detach(unsigned kind) {
    if (!reg_) return Status::not_joined;
    if (kind >= kinds_.size()) return Status::bad_kind;
    return locked([&] {
      detach_locked(kind);
      reap_locked();
      return Status::ok;
    });
  }

  // Detach everything, give the slot back; the last process out removes the registry too.
  void leave() {
    if (!reg_) return;
    locked([&] {
      for (unsigned k = 0; k < kinds_.size(); ++k) detach_locked(k);
      slot().attached.store(0, std::memory_order_relaxed);
      slot().local.store(0, std::memory_order_relaxed);
      slot().owner.store(0, std::memory_order_seq_cst);
      reap_locked();
      bool last = true;
      for (unsigned i = 0; i < Tuning::slots; ++i)
        if (reg_->slots_used_[i].owner.load(std::memory_order_seq_cst) != 0) last = false;
      if (last) {
        // SEG-2 / SEG-7: the group is gone. Mark closed, THEN unlink, both under the lock: a
        // process that mapped this object meanwhile sees closed_ when it gets the lock, even if
        // we are killed before the unlink (it then removes the stale name itself).
        reg_->closed_.store(1, std::memory_order_seq_cst);
        os_.remove(registry_name(group_));
      }
      return Status::ok;
    });
    os_.close(reg_map_);
    reg_ = nullptr;
    slot_ = kNoSlot;
  }

  // SEG-9: keep the group's segments while `anchor` lives, even when no member is left. For
  // a master that forks the workers and outlives them (php-fpm, php-cgi with
  // PHP_FCGI_CHILDREN, the built-in server): workers recycled by pm.max_requests must not take
  // the cache with them. The anchor gets a slot of its own (once) whose attached mask is
  // `kinds_mask`; it is reaped like any member once Prim::alive says the anchor is dead, so the
  // segments then live exactly as long as their members (SEG-2). A dead anchor is not pinned.
  Status pin(proc_id anchor, std::uint64_t kinds_mask) {
    if (!reg_) return Status::not_joined;
    return locked([&] {
      reap_locked();
      if (anchor == 0 || !Prim::alive(anchor)) return Status::ok;
      for (unsigned i = 0; i < Tuning::slots; ++i) {
        auto& sl = reg_->slots_used_[i];
        if (sl.owner.load(std::memory_order_seq_cst) != anchor) continue;
        sl.attached.store(sl.attached.load(std::memory_order_relaxed) | kinds_mask,
                          std::memory_order_seq_cst);
        return Status::ok;
      }
      for (unsigned i = 0; i < Tuning::slots; ++i) {
        auto& sl = reg_->slots_used_[i];
        std::uint64_t cur = 0;
        if (!sl.owner.compare_exchange_strong(cur, anchor, std::memory_order_seq_cst)) continue;
        sl.local.store(0, std::memory_order_relaxed);
        sl.attached.store(kinds_mask, std::memory_order_seq_cst);
        return Status::ok;
      }
      return Status::no_slot;
    });
  }

  // The anchor's own goodbye (SEG-9): a master that exits in order clears its pin, so that
  // the segments go with their last member (or now, if none is left).
  void unpin(proc_id anchor) {
    if (!reg_) return;
    locked([&] {
      for (unsigned i = 0; i < Tuning::slots; ++i) {
        auto& sl = reg_->slots_used_[i];
        std::uint64_t cur = anchor;
        if (i == slot_ || sl.owner.load(std::memory_order_seq_cst) != anchor) continue;
        sl.attached.store(0, std::memory_order_relaxed);
        sl.local.store(0, std::memory_order_relaxed);
        sl.owner.compare_exchange_strong(cur, 0, std::memory_order_seq_cst);
      }
      reap_locked();
      return Status::ok;
    });
  }

  // The periodic check: reap the dead and destroy what nobody alive uses (SEG-2).
  void reap() {
    if (!reg_) return;
    locked([&] {
      reap_locked();
      return Status::ok;
    });
  }

  // Recreate `kind` under a new generation (the repair of last resort for an unrepairable
  // segment, SEG-5). Every process learns it: its refresh() sees the generation move.
  Status recreate(unsigned kind) {
    if (!reg_) return Status::not_joined;
    if (kind >= kinds_.size()) return Status::bad_kind;
    return locked([&] {
      reap_locked();
      auto& e = reg_->entries_[kind];
      const std::uint64_t old = e.generation.load(std::memory_order_seq_cst);
      if (old != 0) {
        e.generation.store(0, std::memory_order_seq_cst);  // SEG-6: unpublish first
        os_.remove(segment_name(group_, kind, old));
      }
      close_attachment(kind);
      clear_bit(slot().attached, kind);
      clear_bit(slot().local, kind);
      return attach_locked(kind);
    });
  }

  // Called at request start: if `kind`'s generation moved, drop the stale mapping and attach
  // the current one. Returns true if it remapped.
  bool refresh(unsigned kind) {
    if (!reg_ || kind >= kinds_.size() || att_[kind].scope != Scope::global) return false;
    if (reg_->entries_[kind].generation.load(std::memory_order_acquire) == att_[kind].generation)
      return false;
    locked([&] {
      reap_locked();
      close_attachment(kind);
      clear_bit(slot().attached, kind);
      return attach_locked(kind);
    });
    return true;
  }

  // Where named shared memory outlives its processes (Linux), a group whose processes all died
  // leaves its registry and segments behind. Called at startup (join) by the glue: for every
  // OTHER group's registry under `prefix` (the caller's own user and pid namespace: never
  // another's, core/naming.hpp) that this user can open, TRY its lock, and if every slot's owner
  // is dead, mark it closed (a racing joiner starts afresh, SEG-7) and remove its segments and
  // its registry. Returns how many groups were removed (SEG-8).
  //   - Never waits: a live holder of another group's lock (perhaps stopped by SIGSTOP or a
  //     debugger) makes the sweep skip that group, it does not stall our start-up.
  //   - Never removes what a live member uses: only a group with no live slot is removed, and a
  //     repair after a dead holder (owner_died) walks the registry's own table of kinds.
  unsigned sweep_dead_groups(const std::string& prefix) {
    unsigned removed = 0;
    try {
      for (const auto& name : os_.list(prefix)) {
        if (name.size() <= 4 || name.compare(name.size() - 4, 4, "_reg") != 0) continue;
        const std::string other = name.substr(0, name.size() - 4);
        if (other == group_) continue;
        Group g(os_, other, {});
        g.reg_map_ = os_.open(name, sizeof(Reg), false, nullptr);
        if (!g.reg_map_.base) continue;  // gone meanwhile, another user's, another layout
        g.reg_ = static_cast<Reg*>(g.reg_map_.base);
        const bool ready =
            (g.reg_->init_.load(std::memory_order_seq_cst) & Reg::kReady) != 0 &&
            g.reg_->magic_.load(std::memory_order_acquire) == Reg::kMagic &&
            g.reg_->kinds_.load(std::memory_order_relaxed) == Tuning::kinds &&
            g.reg_->slots_.load(std::memory_order_relaxed) == Tuning::slots;
        try {
          if (ready) {
            Guard lock(g, /*blocking=*/false);
            if (lock.held) {
              try {
                if (g.remove_if_dead_locked()) ++removed;
              } catch (const std::bad_alloc&) {
                lock.release();
                throw;
              }
              lock.release();
            }
          }
        } catch (const std::bad_alloc&) {
          os_.close(g.reg_map_);
          throw;
        }
        os_.close(g.reg_map_);
        g.reg_ = nullptr;
      }
    } catch (const std::bad_alloc&) {  // out of memory: sweep less, never leave a lock held
    }
    return removed;
  }

  // ---- observation (statistics page, tests) -----------------------------------------------
  // SEG-2: the number of live processes attached to kind's global segment, derived from slots.
  unsigned use_count(unsigned kind) const {
    if (!reg_ || kind >= kinds_.size()) return 0;
    if constexpr (Bugs::legacy_counters)
      return unsigned(reg_->entries_[kind].legacy_refs.load(std::memory_order_seq_cst));
    unsigned n = 0;
    for (unsigned i = 0; i < Tuning::slots; ++i) {
      const auto& sl = reg_->slots_used_[i];
      const std::uint64_t owner = sl.owner.load(std::memory_order_seq_cst);
      if (owner != 0 && (sl.attached.load(std::memory_order_seq_cst) & bit(kind)) &&
          Prim::alive(owner))
        ++n;
    }
    return n;
  }
  Scope scope(unsigned kind) const { return kind < kinds_.size() ? att_[kind].scope : Scope::none; }
  void* base(unsigned kind) const { return kind < kinds_.size() ? att_[kind].map.base : nullptr; }
  char* content(unsigned kind) const {
    return static_cast<char*>(base(kind)) + (base(kind) ? SegmentHeader::kContentOffset : 0);
  }
  // The generation of this process's mapping of `kind` (0 if none or local).
  std::uint64_t generation(unsigned kind) const {
    return kind < kinds_.size() ? att_[kind].generation : 0;
  }
  // The registry's current generation of `kind` (0 if none).
  std::uint64_t current_generation(unsigned kind) const {
    if (!reg_ || kind >= kinds_.size()) return 0;
    return reg_->entries_[kind].generation.load(std::memory_order_acquire);
  }
  // SEG-3: resolve a reference into `kind` against the CURRENT generation.
  std::uint64_t resolve(XRef ref, unsigned kind) const {
    if constexpr (Bugs::untagged_refs) return ref.offset();
    return ref.resolve(current_generation(kind));
  }
  bool joined() const { return reg_ != nullptr; }
  unsigned slot_index() const { return slot_; }
  Reg* registry() const { return reg_; }
  const std::string& name() const { return group_; }

  // Repairs done after the registry lock reported a dead writer (SEG-6); public for tests.
  unsigned repairs() const { return repairs_; }

 private:
  static constexpr unsigned kNoSlot = ~0u;
  static std::uint64_t bit(unsigned k) { return std::uint64_t{1} << k; }
  typename Reg::Slot& slot() const { return reg_->slots_used_[slot_]; }
  // The masks are written only by their slot's owner, under the registry lock: load + store.
  template <class W>
  static void set_bit(W& w, unsigned k) {
    w.store(w.load(std::memory_order_relaxed) | bit(k), std::memory_order_seq_cst);
  }
  template <class W>
  static void clear_bit(W& w, unsigned k) {
    w.store(w.load(std::memory_order_relaxed) & ~bit(k), std::memory_order_seq_cst);
  }

  // Takes the registry lock exclusively; repairs if a writer died inside (SEG-6). Released
  // EXPLICITLY on every path, never by a destructor: a process killed inside (the property tests
  // kill by throwing) must leave the lock held, exactly as SIGKILL would, not release it while
  // unwinding.
  struct Guard {
    Group& g;
    bool held = true;
    // blocking == false: a try-lock (the sweep of OTHER groups never waits for a live holder,
    // which may be stopped: SEG-8). held() says whether it got the lock.
    explicit Guard(Group& grp, bool blocking = true) : g(grp) {
      const Acquire r = blocking ? g.reg_->lock_.lock() : g.reg_->lock_.try_lock();
      if (r == Acquire::owner_died || r == Acquire::broken) {
        try {
          g.repair_locked();
        } catch (const std::bad_alloc&) {
          g.reg_->lock_.unlock();  // unrepaired: the next holder is told `broken` and repairs
          throw;
        }
        g.reg_->lock_.mark_consistent();
        ++g.repairs_;
      } else if (r != Acquire::ok) {
        held = false;  // would_block (try) or misuse
      }
    }
    void release() {
      if (held) g.reg_->lock_.unlock();
      held = false;
    }
  };

  // Runs `body` under the registry lock and releases it. A std::bad_alloc anywhere inside (a
  // segment name, a directory listing, the Guard's own repair) releases the lock and becomes
  // Status::no_memory: an exception must never leave the lock held by a live process, which
  // would stall every member. (A simulated kill in the property tests is not a bad_alloc: it
  // leaves the lock held, exactly as SIGKILL does.)
  template <class Body>
  Status locked(Body&& body) {
    try {
      Guard g(*this);
      try {
        const Status st = body();
        g.release();
        return st;
      } catch (const std::bad_alloc&) {
        g.release();
        return Status::no_memory;
      }
    } catch (const std::bad_alloc&) {
      return Status::no_memory;
    }
  }

  Status ensure_initialised() {
    const proc_id me = Prim::self();
    for (unsigned polls = 0;;) {
      const std::uint32_t seen = reg_->init_seq_.load(std::memory_order_seq_cst);
      std::uint64_t cur = reg_->init_.load(std::memory_order_seq_cst);
      if (cur & Reg::kReady) break;
      bool mine = false;
      if (cur == 0) {
        if constexpr (Bugs::racy_init) {
          reg_->init_.store(me, std::memory_order_seq_cst);  // the seeded bug: no CAS
          mine = true;
        } else {
          mine = reg_->init_.compare_exchange_strong(cur, me, std::memory_order_seq_cst);
        }
      } else if (polls > 0 && !Prim::alive(cur)) {  // the initialiser died: take over (SEG-1)
        mine = reg_->init_.compare_exchange_strong(cur, me, std::memory_order_seq_cst);
      }
      if (mine) {
        reg_->inits_.fetch_add(1, std::memory_order_relaxed);
        reg_->magic_.store(Reg::kMagic, std::memory_order_relaxed);
        reg_->kinds_.store(Tuning::kinds, std::memory_order_relaxed);
        reg_->slots_.store(Tuning::slots, std::memory_order_relaxed);
        reg_->init_.store(Reg::kReady | me, std::memory_order_seq_cst);  // publish
        reg_->init_seq_.fetch_add(1, std::memory_order_seq_cst);
        Prim::wake_all(reg_->init_seq_);
        break;
      }
      if (cur == 0) continue;  // lost the race to a new initialiser: look again
      if (++polls > Tuning::init_polls) return Status::init_timeout;
      Prim::wait(reg_->init_seq_, seen, Tuning::poll_ms);
    }
    if (reg_->magic_.load(std::memory_order_acquire) != Reg::kMagic ||
        reg_->kinds_.load(std::memory_order_relaxed) != Tuning::kinds ||
        reg_->slots_.load(std::memory_order_relaxed) != Tuning::slots)
      return Status::corrupt;
    return Status::ok;
  }

  Status attach_locked(unsigned kind) {
    const KindSpec& spec = kinds_[kind];
    auto& e = reg_->entries_[kind];
    Att& a = att_[kind];
    std::uint64_t gen = e.generation.load(std::memory_order_seq_cst);
    if (gen != 0) {
      void* at = spec.fixed ? reinterpret_cast<void*>(e.fixed_base.load(std::memory_order_relaxed))
                            : nullptr;
      const std::string nm = segment_name(group_, kind, gen);
      a.map = os_.open(nm, spec.size, false, at);
      if (!a.map.base) {
        bool exists = false;
        for (const auto& n : os_.list(nm)) exists = exists || n == nm;
        if (!exists) {
          // The entry names an object that is gone (its creator died between unpublish and
          // remove): drop the entry and create anew below.
          e.generation.store(0, std::memory_order_seq_cst);
          gen = 0;
        } else if (spec.fixed && at) {
          return attach_local(kind);  // SEG-4: cannot map at the shared address
        } else {
          // It exists but THIS process cannot open it (EMFILE, ENOMEM, EPERM...): a clear
          // failure for us, never an unpublication of the segment everyone else uses.
          return Status::map_failed;
        }
      }
    }
    if (gen == 0) {
      gen = reg_->last_generation_.load(std::memory_order_relaxed) + 1;
      if ((gen & XRef::kGenerationMask) == 0) ++gen;  // generation 0 means "none"
      reg_->last_generation_.store(gen, std::memory_order_relaxed);
      void* at = spec.fixed ? reinterpret_cast<void*>(spec.preferred_base) : nullptr;
      const std::string nm = segment_name(group_, kind, gen);
      auto create = [&] {
        a.map = os_.open(nm, spec.size, true, at);
        if (!a.map.base && at)
          a.map = os_.open(nm, spec.size, true, nullptr);  // preferred address taken: any will do
      };
      create();
      // SEG-10: a new generation's name names a NEW, zero-filled object. One that was there
      // already is stale (its registry was removed while it stayed, and generations began
      // again at 1): never adopted, its bytes were written for another segment. Removed and
      // created again; if the name still names an old object, this attach fails.
      if (a.map.base && !a.map.created) {
        os_.close(a.map);
        os_.remove(nm);
        create();
        if (a.map.base && !a.map.created) {
          os_.close(a.map);
          return Status::map_failed;
        }
      }
      if (!a.map.base) return Status::map_failed;
      auto* h = static_cast<SegmentHeader*>(a.map.base);
      h->kind = kind;
      h->size = spec.size;
      h->generation = gen;
      if (on_create_)
        on_create_(kind, static_cast<char*>(a.map.base) + SegmentHeader::kContentOffset,
                   spec.size - SegmentHeader::kContentOffset, Scope::global);
      h->magic = SegmentHeader::kMagic;
      e.size.store(spec.size, std::memory_order_relaxed);
      e.fixed_base.store(spec.fixed ? reinterpret_cast<std::uint64_t>(a.map.base) : 0,
                         std::memory_order_relaxed);
      if constexpr (Bugs::legacy_counters) e.legacy_refs.store(0, std::memory_order_relaxed);
      e.generation.store(gen, std::memory_order_seq_cst);  // SEG-6: publish last
    }
    a.generation = gen;
    a.scope = Scope::global;
    set_bit(slot().attached, kind);
    if constexpr (Bugs::legacy_counters) e.legacy_refs.fetch_add(1, std::memory_order_seq_cst);
    return Status::ok;
  }

  // SEG-4: a process-local copy, reported as local scope. Nothing shared refers into it.
  Status attach_local(unsigned kind) {
    Att& a = att_[kind];
    a.map = os_.create_local(kinds_[kind].size);
    if (!a.map.base) return Status::map_failed;
    auto* h = static_cast<SegmentHeader*>(a.map.base);
    h->kind = kind;
    h->size = kinds_[kind].size;
    h->generation = 0;
    if (on_create_)
      on_create_(kind, static_cast<char*>(a.map.base) + SegmentHeader::kContentOffset,
                 kinds_[kind].size - SegmentHeader::kContentOffset, Scope::local);
    h->magic = SegmentHeader::kMagic;
    a.generation = 0;
    a.scope = Scope::local;
    set_bit(slot().local, kind);
    // WinCache 1.0 bumped the OTHER segments' counts but not this one's (seed 000); the twin
    // reproduces that by not counting local users here while detach drops them anyway.
    return Status::ok;
  }

  void close_attachment(unsigned kind) {
    Att& a = att_[kind];
    if (a.map.base) os_.close(a.map);
    a = Att{};
  }

  void detach_locked(unsigned kind) {
    Att& a = att_[kind];
    if (a.scope == Scope::none) return;
    close_attachment(kind);
    clear_bit(slot().attached, kind);
    clear_bit(slot().local, kind);
    if constexpr (Bugs::legacy_counters) {
      // The WinCache 1.0 drift: every leaver drops the count, global or local.
      auto& e = reg_->entries_[kind];
      if (e.legacy_refs.load(std::memory_order_seq_cst) > 0)
        e.legacy_refs.fetch_sub(1, std::memory_order_seq_cst);
    }
  }

  // SEG-2: clear dead processes' slots, then destroy every segment no live slot uses. One pass:
  // Prim::alive is asked once per occupied slot (it may read /proc), not once per slot per kind.
  void reap_locked() {
    std::uint64_t used = 0;  // kinds some live process is attached to
    for (unsigned i = 0; i < Tuning::slots; ++i) {
      auto& sl = reg_->slots_used_[i];
      std::uint64_t owner = sl.owner.load(std::memory_order_seq_cst);
      if (owner == 0) continue;
      if (Prim::alive(owner)) {
        used |= sl.attached.load(std::memory_order_seq_cst);
        continue;
      }
      if constexpr (!Bugs::no_reaper && !Bugs::legacy_counters) {
        sl.attached.store(0, std::memory_order_relaxed);
        sl.local.store(0, std::memory_order_relaxed);
        sl.owner.compare_exchange_strong(owner, 0, std::memory_order_seq_cst);
      }
    }
    for (unsigned k = 0; k < Tuning::kinds; ++k) {
      auto& e = reg_->entries_[k];
      const std::uint64_t gen = e.generation.load(std::memory_order_seq_cst);
      if (gen == 0) continue;
      bool in_use = (used & bit(k)) != 0;
      if constexpr (Bugs::legacy_counters)
        in_use = e.legacy_refs.load(std::memory_order_seq_cst) != 0;
      if (in_use) continue;
      e.generation.store(0, std::memory_order_seq_cst);  // SEG-6: unpublish first
      os_.remove(segment_name(group_, k, gen));
    }
  }

  // SEG-6: after a writer died holding the registry lock. Every change is a single-word
  // publication, so the only debris is: dead slots (reap), entries naming a removed object, and
  // objects no entry names (orphans). Registry-wide maintenance (this, reap_locked,
  // remove_orphans) walks EVERY entry of the registry's table, never just the kinds this process
  // knows: a process that opened the registry only to sweep it knows none, and an orphan test
  // against an empty list of kinds called every live segment an orphan (SEG-8).
  void repair_locked() {
    for (unsigned k = 0; k < Tuning::kinds; ++k) {
      auto& e = reg_->entries_[k];
      const std::uint64_t gen = e.generation.load(std::memory_order_seq_cst);
      if (gen == 0) continue;
      const std::string nm = segment_name(group_, k, gen);
      bool exists = false;
      for (const auto& n : os_.list(nm)) exists = exists || n == nm;
      if (!exists) e.generation.store(0, std::memory_order_seq_cst);
    }
    remove_orphans();
    reap_locked();
  }

  // The sweep's verdict on this (another process's) group, under its lock: if no slot's owner
  // lives, close it and remove its segments and its registry (SEG-8).
  bool remove_if_dead_locked() {
    if (reg_->closed_.load(std::memory_order_seq_cst) != 0) return false;
    for (unsigned i = 0; i < Tuning::slots; ++i) {
      const std::uint64_t owner = reg_->slots_used_[i].owner.load(std::memory_order_seq_cst);
      if (owner != 0 && Prim::alive(owner)) return false;
    }
    for (const auto& n : os_.list(group_ + "_k"))
      if (is_our_segment_name(n)) os_.remove(n);
    reg_->closed_.store(1, std::memory_order_seq_cst);
    os_.remove(registry_name(group_));
    return true;
  }

  // True if `n` is exactly one of OUR segment names: <group>_k<digits>_g<digits>. A prefix match
  // is not enough: another group's name can extend ours (a salt starting with "k1").
  bool is_our_segment_name(const std::string& n) const {
    const std::string prefix = group_ + "_k";
    if (n.compare(0, prefix.size(), prefix) != 0) return false;
    std::size_t i = prefix.size(), digits = 0;
    while (i < n.size() && n[i] >= '0' && n[i] <= '9') ++i, ++digits;
    if (digits == 0 || n.compare(i, 2, "_g") != 0) return false;
    i += 2;
    digits = 0;
    while (i < n.size() && n[i] >= '0' && n[i] <= '9') ++i, ++digits;
    return digits != 0 && i == n.size();
  }

  void remove_orphans() {
    const std::string prefix = group_ + "_k";
    for (const auto& n : os_.list(prefix)) {
      if (!is_our_segment_name(n)) continue;  // a sibling group's object: never ours to remove
      bool named = false;
      for (unsigned k = 0; k < Tuning::kinds; ++k) {
        const std::uint64_t gen = reg_->entries_[k].generation.load(std::memory_order_seq_cst);
        if (gen != 0 && n == segment_name(group_, k, gen)) named = true;
      }
      if (!named) os_.remove(n);
    }
  }

  struct Att {
    typename Os::Mapping map{};
    std::uint64_t generation = 0;
    Scope scope = Scope::none;
  };

  Os& os_;
  std::string group_;
  std::vector<KindSpec> kinds_;
  OnCreate on_create_;
  typename Os::Mapping reg_map_{};
  Reg* reg_ = nullptr;
  unsigned slot_ = kNoSlot;
  Att att_[Tuning::kinds];
  unsigned repairs_ = 0;
};

}  // namespace wc

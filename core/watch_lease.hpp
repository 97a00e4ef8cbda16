// core/watch_lease.hpp: the watcher ownership lease (docs/design/files.md §3).
//
// One process of a group runs the directory watcher (a thread over inotify or
// ReadDirectoryChangesW) for everybody. Which one is decided by this lease, a header of a few
// words in the kWatch segment. Every process calls check() at every request start; the owner's
// watcher thread calls beat() every Tuning::beat_period_ms and the on_*() reports.
//
// The words
// ---------
//   owner      proc_id of the owner, 0 = nobody. While the owner's takeover is in progress the
//              word is proc_id | kTaking (see "Takeover"). Changed only by CAS from the exact
//              word read (claim, release, publication).
//   beat_ms    the owner's heartbeat, in ms of a host-wide monotonic clock (CLOCK_MONOTONIC,
//              GetTickCount64); 0 = none. A hint only: it decides whether check() looks further,
//              never who owns the lease.
//   epoch      the trust epoch of the file cache: an entry validated in epoch E (its aux word
//              == E) is served without a system call while epoch == E. Bumped by every
//              takeover and release, by an overflow of the OS queue and by a watched directory
//              that went away. Only grows; 0 until the first owner (never a current epoch).
//   resolve_gen  the generation of resolved paths: bumped by every takeover and release, an
//              overflow, and any change of names (create, delete, move, a symlink swap).
//   requests   a futex word the owner's thread sleeps on; bumped by a process that adds a
//              directory to the watch table.
//   overflows, takeovers   statistics (relaxed).
//   applied    events the owner's thread applied to the caches, bumped BEFORE each application
//              (a process trusts a stat or a load only if it did not move across it: FC-6).
//
// Ownership (check)
// -----------------
// check() reads beat_ms, a plain load. If the beat is younger than Tuning::stale_ms it returns
// at once: no system call while an owner beats (WL-4). Otherwise it reads owner: if it is 0, or
// Prim::alive says its process is dead, it CASes the exact word it read to me | kTaking. Time
// alone never displaces anyone: a slow owner that misses its beats but runs is asked and stays
// (WL-1). Two takers CAS the same word; one wins, the other's CAS fails and it returns false
// (holder() then names the winner).
//
// Takeover (claim, then complete)
// -------------------------------
// What happened while nobody watched is unknown, so a new owner bumps epoch and resolve_gen
// BEFORE it publishes itself (clears kTaking by a CAS): every entry validated before is
// validated again once, by one stat, never trusted (WL-2). A taker killed between its claim and
// its publication leaves me | kTaking with a dead proc_id: the next check() treats it like any
// dead owner and does the whole takeover again, bump included. So a plain owner word always
// means its owner's bump happened (WL-3): a bump is never lost to a kill, at worst done twice
// (one more re-validation of each entry). release() bumps too: from the moment the owner stops
// watching until the next takeover, nothing may be trusted.
//
// The steps claim() and complete() are public so that a model can stop a process between them,
// as SIGKILL would; everyone else calls check().
//
// The caller's contract: one thread per process calls check() / release() (the request thread);
// the owner's watcher thread calls beat() and the on_*() reports, and is stopped before
// release(). proc_ids are the Prim's (never reused for another process: pid + start time), so a
// reused pid never passes for a dead owner alive again.
//
// Invariants (docs/invariants/watch_lease.md):
//   WL-1 at most one live owner; only Prim::alive, never a stale beat alone, displaces one;
//   WL-2 every takeover (and release) bumps epoch and resolve_gen: nothing validated before it
//        is current after it;
//   WL-3 a plain (published) owner word implies its owner's bump; a dead claimer's kTaking word
//        is taken over and the bump redone;
//   WL-4 no system call while the beat is fresh; at most one Prim::alive per check() otherwise,
//        and a dead or absent owner is replaced by that check;
//   WL-5 epoch 0 is never current; epoch and resolve_gen only grow.
//
// Lives inside the kWatch segment: fixed-width atomics, no pointers; zero-filled memory is a
// valid lease with no owner (and a constructed one is zero-filled: every word starts at 0).
#pragma once

#include <cstdint>
#include <type_traits>

#include "prim.hpp"

namespace wc {

struct WatchLeaseTuning {
  static constexpr std::uint64_t stale_ms = 1000;       // a beat older than this: ask Prim::alive
  static constexpr std::uint64_t beat_period_ms = 250;  // how often the owner's thread beats
};

// Seeded bugs of the lease (negative twins). NoLeaseBugs ships.
struct NoLeaseBugs {
  static constexpr bool keep_old_epoch = false;       // a takeover that trusts the old epoch
  static constexpr bool stale_beat_decides = false;   // a stale beat alone displaces the owner
                                                      // (no Prim::alive)
  static constexpr bool publish_before_bump = false;  // ownership published before the bump
};

template <class Prim, class Bugs = NoLeaseBugs, class Tuning = WatchLeaseTuning>
class WatchLease {
  template <class T>
  using A = typename Prim::template atomic<T>;

 public:
  using proc_id = typename Prim::proc_id;
  // Set in the owner word from a claim to its publication (a bit beside the proc_id).
  static constexpr std::uint64_t kTaking = std::uint64_t{1} << 63;

  struct Stats {
    std::uint64_t owner, beat_ms, epoch, resolve_gen, overflows, takeovers;
    std::uint32_t requests;
    std::uint64_t applied;
  };

  // At every request start. True if the caller became the owner: it then starts its watcher
  // thread (which re-adds every directory of the watch table in the new epoch).
  bool check(std::uint64_t now_ms, proc_id me) {
    const std::uint64_t beat = beat_ms_.load(std::memory_order_relaxed);
    if (beat != 0 && !older(beat, now_ms)) return false;  // WL-4: an owner beats; no syscall
    return claim(now_ms, me) && complete(now_ms, me);
  }

  // Step 1 of a takeover: the owner word from 0, or from a dead process's word, to me | kTaking.
  bool claim(std::uint64_t /*now_ms*/, proc_id me) {
    std::uint64_t cur = owner_.load(std::memory_order_seq_cst);
    if (cur != 0) {
      const proc_id o = cur & kProcIdMask;
      if (o == me) return false;  // mine already
      if constexpr (!Bugs::stale_beat_decides) {
        if (Prim::alive(o)) return false;  // WL-1: liveness decides, never time alone
      }
    }
    return owner_.compare_exchange_strong(cur, me | kTaking, std::memory_order_seq_cst);  // WL-1
  }

  // Step 2: bump, then publish (WL-2, WL-3). False if the claim was lost meanwhile (only a
  // seeded bug can take a live process's claim).
  bool complete(std::uint64_t now_ms, proc_id me) {
    beat_ms_.store(now_ms, std::memory_order_relaxed);  // spare the others a liveness question
    if constexpr (Bugs::publish_before_bump) {
      std::uint64_t w = me | kTaking;
      const bool ok = owner_.compare_exchange_strong(w, me, std::memory_order_seq_cst);
      bump_for_takeover();
      return ok;
    } else {
      bump_for_takeover();  // WL-2: before the publication (WL-3)
      takeovers_.fetch_add(1, std::memory_order_relaxed);
      std::uint64_t w = me | kTaking;
      return owner_.compare_exchange_strong(w, me, std::memory_order_seq_cst);  // WL-3
    }
  }

  // The owner's heartbeat. False if `me` is not the (published) owner: its thread stops.
  bool beat(std::uint64_t now_ms, proc_id me) {
    if (owner_.load(std::memory_order_seq_cst) != me) return false;
    beat_ms_.store(now_ms, std::memory_order_relaxed);
    return true;
  }

  // A clean shutdown of the owner, after its watcher thread stopped: nothing is watched from
  // now on, so nothing validated so far may be trusted (WL-2); the next check() anywhere takes
  // over at once (beat 0). False if `me` is not the owner.
  bool release(proc_id me) {
    if (owner_.load(std::memory_order_seq_cst) != me) return false;
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    resolve_gen_.fetch_add(1, std::memory_order_seq_cst);
    beat_ms_.store(0, std::memory_order_relaxed);
    std::uint64_t w = me;
    return owner_.compare_exchange_strong(w, 0, std::memory_order_seq_cst);
  }

  // The owner's thread reports. An overflow lost events of unknown files and names.
  void on_overflow() {
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    resolve_gen_.fetch_add(1, std::memory_order_seq_cst);
    overflows_.fetch_add(1, std::memory_order_relaxed);
  }
  // A watched directory was deleted or moved, or the OS dropped its watch; or a directory on the
  // way to a watched one (an ancestor) appeared, vanished or was renamed.
  void on_dir_gone() { epoch_.fetch_add(1, std::memory_order_seq_cst); }
  // wincache_refresh_if_changed(): every entry re-validated once, every resolution recomputed.
  void refresh() {
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    resolve_gen_.fetch_add(1, std::memory_order_seq_cst);
  }
  // The owner's thread, BEFORE it applies an event to the caches (removes a file entry): a
  // process that trusts what it read only if this count did not move across its stat or load
  // (core/fcache.hpp FC-6) then never trusts bytes an applied event made stale.
  void note_applied() { applied_.fetch_add(1, std::memory_order_seq_cst); }
  std::uint64_t applied() const { return applied_.load(std::memory_order_seq_cst); }
  // A new kWatch segment (epoch 0, nobody watching): start the epoch past every epoch an older
  // generation of the segment may have stamped into the file store (from the clock, in s).
  // Only before any process uses the lease; never lowers the epoch (WL-5).
  void seed(std::uint64_t e) {
    if (e > epoch_.load(std::memory_order_relaxed)) epoch_.store(e, std::memory_order_relaxed);
  }
  // Names appeared or disappeared (create, delete, move, a symlink swapped).
  void on_names_changed() { resolve_gen_.fetch_add(1, std::memory_order_seq_cst); }

  // A process added a directory to the watch table: wake the owner's thread.
  void request_watch() {
    requests_.fetch_add(1, std::memory_order_seq_cst);
    Prim::wake_all(requests_);
  }
  std::uint32_t requests() const { return requests_.load(std::memory_order_seq_cst); }
  // The owner's thread: sleep until requests() moves from `seen` (or timeout_ms, or spuriously).
  auto wait_requests(std::uint32_t seen, std::uint32_t timeout_ms) {
    return Prim::wait(requests_, seen, timeout_ms);
  }

  std::uint64_t epoch() const { return epoch_.load(std::memory_order_seq_cst); }
  std::uint64_t resolve_gen() const { return resolve_gen_.load(std::memory_order_seq_cst); }
  // Is an entry validated in epoch `e` still trusted? Never for 0 (WL-5: "not validated").
  bool current(std::uint64_t e) const { return e != 0 && e == epoch(); }  // WL-5
  // The owner word: proc_id, | kTaking while its takeover is in progress, 0 = nobody.
  std::uint64_t owner_word() const { return owner_.load(std::memory_order_seq_cst); }
  // The owner (or the taker whose takeover is in progress); 0 = nobody.
  proc_id holder() const { return owner_word() & kProcIdMask; }
  // A published owner: its bump is done (WL-3).
  static bool established(std::uint64_t word) { return word != 0 && !(word & kTaking); }

  Stats stats() const {
    return Stats{owner_.load(std::memory_order_relaxed),   beat_ms_.load(std::memory_order_relaxed),
                 epoch_.load(std::memory_order_relaxed),   resolve_gen_.load(std::memory_order_relaxed),
                 overflows_.load(std::memory_order_relaxed), takeovers_.load(std::memory_order_relaxed),
                 requests_.load(std::memory_order_relaxed), applied_.load(std::memory_order_relaxed)};
  }

  // The lease's own invariants, for models and property tests: nullptr, or what is wrong.
  // Meant for a quiescent lease (no call in progress).
  const char* violation() const {
    const Stats s = stats();
    if (s.owner & ~(kProcIdMask | kTaking)) return "owner word has bits beside proc_id | kTaking";
    if (s.owner != 0 && (s.owner & kProcIdMask) == 0) return "owner word without a proc_id";
    if (s.owner != 0 && !(s.owner & kTaking) && (s.epoch == 0 || s.resolve_gen == 0))
      return "a published owner in epoch 0 (WL-2/WL-3: its bump is missing)";
    if (s.epoch < s.overflows) return "epoch below the overflow count (WL-2)";
    return nullptr;
  }

 private:
  void bump_for_takeover() {
    if constexpr (!Bugs::keep_old_epoch) {
      epoch_.fetch_add(1, std::memory_order_seq_cst);        // WL-2
      resolve_gen_.fetch_add(1, std::memory_order_seq_cst);  // WL-2
    }
  }
  // Is a beat at `beat` older than the stale bound at `now`? A beat later than now (another
  // process sampled the clock after us) is fresh.
  static bool older(std::uint64_t beat, std::uint64_t now) {
    return now > beat && now - beat > Tuning::stale_ms;
  }

  A<std::uint64_t> owner_{0};        // proc_id [| kTaking], 0 = none. CAS seq_cst (WL-1, WL-3)
  A<std::uint64_t> beat_ms_{0};      // owner's heartbeat, host-wide monotonic ms; relaxed hint
  A<std::uint64_t> epoch_{0};        // trust epoch; only grows; seq_cst (WL-2, WL-5)
  A<std::uint64_t> resolve_gen_{0};  // resolved-path generation; only grows; seq_cst (WL-2)
  A<std::uint32_t> requests_{0};     // futex word: watch requests (seq_cst, woken)
  A<std::uint32_t> reserved_{0};     // 0; keeps the 64-bit words aligned
  A<std::uint64_t> overflows_{0};    // statistics, relaxed
  A<std::uint64_t> takeovers_{0};    // statistics, relaxed: completed takeovers
  A<std::uint64_t> applied_{0};      // events applied by the owner's thread; bumped seq_cst
                                     // before each application (FC-6); only grows
};

static_assert(kProcIdBits < 63, "kTaking sits above the proc_id bits");

namespace detail {
struct WatchLeaseLayoutPrim {
  using proc_id = std::uint64_t;
  template <class T>
  using atomic = std::atomic<T>;
};
}  // namespace detail

// A cross-process ABI: standard layout, fixed-width words, no pointer, one cache line.
static_assert(std::is_standard_layout<WatchLease<detail::WatchLeaseLayoutPrim>>::value,
              "WatchLease is a cross-process ABI");
static_assert(sizeof(WatchLease<detail::WatchLeaseLayoutPrim>) == 64, "WatchLease layout changed");

}  // namespace wc

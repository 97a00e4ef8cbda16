// core/session.hpp: sessions (session.save_handler = wincache): one keyed store instance
// (core/store.hpp) with the session policy, and one named-lock table (core/named_lock.hpp) whose
// names are the sessions' keys.
//
// A request locks its session from read to write or close, like PHP's files handler (WinCache 2.0
// did not lock at all: two requests of one user lost each other's updates). The protocol:
//   lock(key)      bounded by the caller's stop(): a dead holder is replaced at the next poll
//                  (NL-2), so a request killed holding it blocks nobody for longer than that;
//   read(key)      the stored bytes, or a miss;
//   write(key)     one store: published by one journaled link after it is complete (UC-3), so a
//                  request killed inside its write leaves the old bytes or the new, never a mix;
//   unlock(key)    at write/close (session_write_close, read_and_close, session_abort, the end of
//                  the request);
//   gc(now)        removes the sessions idle longer than their ttl, except those a live request
//                  holds (SESS-3): a request that read a session keeps it to the end.
// Keys are "<save path tag>:<session id>": one session store per session.save_path, as WinCache
// had, inside one segment of the group.
//
// The session policy: a ttl counts from the last use (gc_maxlifetime is an idle time); every
// entry is evictable, because the glue writes a session to its durable backing BEFORE it stores it
// here, so memory holds the hot sessions and the backing holds all of them. Reads are copied out
// under the read lock (no pins). An entry's aux word is the backing's SREC-3 hint for its record
// (core/session_record.hpp): cleared before each backing write, stored with the value after.
#pragma once

#include <cstdint>
#include <string>

#include "named_lock.hpp"
#include "store.hpp"

namespace wc {

struct SessionPolicy {
  static constexpr std::uint64_t magic = 0x5743534553534e32ull;  // "WCSESSN2" (2: the entry's aux word)
  static constexpr Expiry expiry = Expiry::since_use;
  static constexpr bool pin_reads = false;
  static constexpr bool evictable(std::uint16_t /*flags*/) { return true; }
};

// Seeded bugs of the session protocol (negative twins). NoSessionBugs ships.
struct NoSessionBugs {
  static constexpr bool gc_ignores_locks = false;  // gc removes a session a live request holds
};

template <class Prim, class Store, class Locks, class Bugs = NoSessionBugs>
class SessionTable {
 public:
  SessionTable(Store& store, Locks& locks) : store_(store), locks_(locks) {}

  // The key of session `id` of the store whose save path has `path_tag`.
  static std::string key(std::uint64_t path_tag, const char* id, std::size_t n) {
    static const char* const hex = "0123456789abcdef";
    std::string k(17 + n, ':');
    for (int i = 0; i < 16; ++i) k[std::size_t(i)] = hex[(path_tag >> (60 - 4 * i)) & 15];
    k.replace(17, n, id, n);
    return k;
  }

  // SESS-1: blocks until this process holds the session, stop() returns true (checked every
  // poll), or the table is full.
  template <class Stop>
  NamedLock lock(const std::string& k, Stop&& stop) {
    return locks_.acquire(k.data(), k.size(), stop);
  }
  bool unlock(const std::string& k) { return locks_.release(k.data(), k.size()); }

  // fn(const char* bytes, std::uint64_t len) under the read lock on a hit.
  template <class Fn>
  CacheStatus read(unsigned slot, const std::string& k, std::uint64_t now_ms, Fn&& fn) {
    return store_.get(slot, k.data(), std::uint32_t(k.size()), now_ms,
                      [&](ValueType, const char* p, std::uint64_t n) { fn(p, n); });
  }

  // SESS-2: one store, complete before it is published (UC-3). `hint`: the entry's aux word, the
  // backing's SREC-3 word for the record as it now is (0: none).
  CacheStatus write(unsigned slot, const std::string& k, const char* data, std::uint64_t len,
                    std::uint64_t ttl_s, std::uint64_t now_ms, std::uint64_t hint = 0) {
    return store_.store(slot, k.data(), std::uint32_t(k.size()), ValueType::string_v, data, len,
                        ttl_s, now_ms, Store::Mode::set, 0, hint);
  }

  // SREC-3: takes the backing's word out of session `k`'s entry (0 if none): it is cleared in
  // the store before the caller writes the backing, and a new one stored with the value after.
  // The caller holds the session's lock.
  std::uint64_t take_hint(unsigned slot, const std::string& k, std::uint64_t now_ms) {
    std::uint64_t h = 0;
    const auto n = std::uint32_t(k.size());
    if (!store_.aux(slot, k.data(), n, now_ms, &h) || h == 0) return 0;
    if (!store_.cas_aux(slot, k.data(), n, now_ms, h, 0)) {
      // Could not clear it (expired meanwhile, or the store refused its lock): drop the entry,
      // so that no word outlives this write; the value is in the backing.
      store_.remove(slot, k.data(), n, now_ms);
      return 0;
    }
    return h;
  }

  CacheStatus remove(unsigned slot, const std::string& k, std::uint64_t now_ms) {
    return store_.remove(slot, k.data(), std::uint32_t(k.size()), now_ms);
  }

  // SESS-3: removes every idle-expired session that no live request holds; returns how many.
  std::uint64_t gc(std::uint64_t now_ms) {
    return store_.purge_expired(now_ms, [&](const char* key, std::uint32_t n) {
      if constexpr (Bugs::gc_ignores_locks) return false;
      return locks_.held_by_live(key, n);
    });
  }

  // Does a live request hold session `k` now? (The backing's gc asks the same question.)
  bool held(const std::string& k) {
    if constexpr (Bugs::gc_ignores_locks) return false;
    return locks_.held_by_live(k.data(), k.size());
  }

  Store& store() { return store_; }
  Locks& locks() { return locks_; }

 private:
  Store& store_;
  Locks& locks_;
};

}  // namespace wc

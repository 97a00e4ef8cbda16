// RapidCheck property for the session backing's record format (core/session_record.hpp,
// SREC-1/SREC-2, docs/invariants/session.md): a record file in memory, written by the same
// driver the backends run (find the newest intact slot, plan, one positioned write in place or a
// new file moved over the old), by writers of which any may be killed at any byte of its write.
//   Property: after every step the record reads as the last COMPLETED write (or as no record if
//   none completed), whatever the sizes (growth replaces the file, shrinking a big one too) and
//   however many writes in a row were torn.
// Twin: a writer that picks its target by the newest header's gen without checking its CRC
// (trust_newest_header): a torn write followed by a second torn write leaves no intact slot.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/session_record.hpp"

namespace {

using namespace wc;

struct SimFile {
  bool exists = false;
  std::string bytes;
  bool read_at(std::uint64_t off, char* out, std::uint64_t n) const {
    if (off + n > bytes.size()) return false;
    std::memcpy(out, bytes.data() + off, n);
    return true;
  }
};

struct Stat {
  unsigned in_place = 0, replaced = 0, torn = 0, torn_in_a_row_max = 0;
  unsigned hinted = 0, replaced_then_killed = 0, removed = 0, refilled = 0;
};
Stat& stat() {
  static Stat s;
  return s;
}

// A write of `data`; `tear` (if set) kills the writer after that many bytes of its write (a new
// file's rename then never happens). True if the write completed.
// hint (SREC-3, the session store's word, as extension/session.cpp keeps it): nullptr, none; else
// taken out before the write (unless the twin keeps it), used if it matches the file, and set
// after a write that completed unless `dies_before_store` (killed between the backing write and
// the store's update). The file's identity is always the same number: a file system that gives
// a recreated file its old inode number, the case the cleared word must cover alone.
constexpr std::uint64_t kSimFileId = 42;
template <class Bugs>
bool write(SimFile& f, const std::string& data, std::optional<std::uint64_t> tear,
           std::uint64_t* hint = nullptr, bool dies_before_store = false) {
  const std::uint64_t slot = f.exists ? srec::slot_of_file(f.bytes.size()) : 0;
  std::string cur;
  srec::Head head;
  int c = -1;
  const std::uint64_t word = hint ? *hint : 0;
  if (hint && !Bugs::keep_hint_while_writing) *hint = 0;
  if (slot != 0 && srec::from_hint(word, slot, kSimFileId, c, head)) {
    ++stat().hinted;
  } else if (slot != 0) {
    c = srec::newest<Bugs>(slot, [&](std::uint64_t o, char* p, std::uint64_t n) {
      return f.read_at(o, p, n);
    }, cur, head);
    RC_ASSERT(c != -2);
  }
  const srec::Plan p = srec::plan(slot, c, head, data.size());
  char h[srec::kHeader];
  srec::encode(h, data.data(), data.size(), p.gen, p.slot);
  const std::string rec = std::string(h, srec::kHeader) + data;
  RC_ASSERT(rec.size() <= p.slot);
  if (p.in_place) {
    ++stat().in_place;
    const std::uint64_t k = tear ? *tear % rec.size() : rec.size();
    f.bytes.replace(std::size_t(p.target * slot), std::size_t(k), rec, 0, std::size_t(k));
    RC_ASSERT(f.bytes.size() == 2 * slot);
    // A write killed where the bytes it did not write already were the ones it would have
    // written (same length, same data as before) is complete: the file holds all of it.
    const bool done = !tear || f.bytes.compare(std::size_t(p.target * slot), rec.size(), rec) == 0;
    if (done && !tear && hint && !dies_before_store)
      *hint = srec::hint_word(p.target, p.gen, p.slot, kSimFileId);
    return done;
  }
  if (tear) return false;  // killed before its rename: the old file stands
  ++stat().replaced;
  f.exists = true;
  f.bytes.assign(std::size_t(2 * p.slot), '\0');
  f.bytes.replace(0, rec.size(), rec);
  if (hint && !dies_before_store) *hint = 0;  // after a replace the store gets no word
  if (hint && dies_before_store) ++stat().replaced_then_killed;
  return true;
}

// What a reader gets: the data, or nullopt for no record / no intact slot. hint: the SREC-3 word
// for the record as read (a session read from the backing into the store), 0 if none.
std::optional<std::string> read(const SimFile& f, std::uint64_t* hint = nullptr) {
  if (hint) *hint = 0;
  if (!f.exists) return std::nullopt;
  const std::uint64_t slot = srec::slot_of_file(f.bytes.size());
  RC_ASSERT(slot != 0);
  std::string out;
  srec::Head head;
  const int c = srec::newest(slot, [&](std::uint64_t o, char* p, std::uint64_t n) {
    return f.read_at(o, p, n);
  }, out, head);
  RC_ASSERT(c != -2);
  if (c < 0) return std::nullopt;
  if (hint) *hint = srec::hint_word(c, head.gen, slot, kSimFileId);
  return out;
}

struct Op {
  std::uint64_t len;
  std::uint32_t seed;
  std::optional<std::uint64_t> tear;
};
void showValue(const Op& op, std::ostream& os) {
  os << "write(" << op.len << " bytes";
  if (op.tear) os << ", killed after byte " << *op.tear << " mod its length";
  os << ")";
}

template <class Bugs>
bool record_holds(const std::string& name) {
  return rc::check(name, [] {
    // Sizes around the slot boundaries (a 512-byte slot holds 480 bytes) and a few big ones
    // (growth past 64 KB, then small again: the shrink).
    const auto len = rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(0, 1200),
                                    rc::gen::element<std::uint64_t>(479, 480, 481, 991, 992, 993),
                                    rc::gen::inRange<std::uint64_t>(60000, 200000));
    const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::apply(
        [](std::uint64_t l, std::uint32_t s, bool torn, std::uint64_t at) {
          return Op{l, s, torn ? std::optional<std::uint64_t>(at) : std::nullopt};
        },
        len, rc::gen::arbitrary<std::uint32_t>(), rc::gen::weightedElement<bool>({{2, false}, {1, true}}),
        rc::gen::arbitrary<std::uint64_t>()));
    SimFile f;
    std::optional<std::string> committed;
    unsigned in_a_row = 0;
    for (const Op& op : ops) {
      std::string data(op.len, '\0');
      std::uint64_t x = op.seed * 0x9E3779B97F4A7C15ull + 1;
      for (auto& ch : data) {
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9ull;
        ch = char(x >> 56);
      }
      if (write<Bugs>(f, data, op.tear)) {
        committed = data;
        in_a_row = 0;
      } else {
        ++stat().torn;
        if (++in_a_row > stat().torn_in_a_row_max) stat().torn_in_a_row_max = in_a_row;
      }
      const std::optional<std::string> got = read(f);
      if (got != committed)
        RC_FAIL("SREC-1: the record reads as " +
                (got ? std::to_string(got->size()) + " bytes" : std::string("no record")) +
                ", the last completed write was " +
                (committed ? std::to_string(committed->size()) + " bytes" : std::string("none")));
    }
  });
}

// SREC-3: the same writes, each handed the store's word, plus what else happens to a session's
// record and its store entry: the backing's gc removes the record (the store keeps its entry and
// word), a session read from the backing refills the store's word, and a writer is killed after
// its backing write but before the store's update (with a replace: a new file whose identity is
// the old one's, as a reused inode number).
struct HintOp {
  enum Kind : std::uint8_t { write, write_killed_before_store, remove, refill } kind;
  Op w;
};
void showValue(const HintOp& op, std::ostream& os) {
  static const char* const names[] = {"", "killed before the store update: ", "remove the record",
                                      "refill the store's word from the record"};
  os << names[op.kind];
  if (op.kind == HintOp::write || op.kind == HintOp::write_killed_before_store) showValue(op.w, os);
}

template <class Bugs>
bool record_holds_with_hints(const std::string& name) {
  return rc::check(name, [] {
    const auto len = rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(0, 1200),
                                    rc::gen::element<std::uint64_t>(479, 480, 481, 991, 992, 993));
    const auto ops = *rc::gen::container<std::vector<HintOp>>(rc::gen::apply(
        [](int kind, std::uint64_t l, std::uint32_t s, bool torn, std::uint64_t at) {
          const HintOp::Kind k = HintOp::Kind(kind);
          return HintOp{k, Op{l, s, torn && k == HintOp::write ? std::optional<std::uint64_t>(at)
                                                               : std::nullopt}};
        },
        rc::gen::weightedElement<int>({{6, HintOp::write}, {2, HintOp::write_killed_before_store},
                                       {1, HintOp::remove}, {1, HintOp::refill}}),
        len, rc::gen::arbitrary<std::uint32_t>(), rc::gen::weightedElement<bool>({{2, false}, {1, true}}),
        rc::gen::arbitrary<std::uint64_t>()));
    SimFile f;
    std::optional<std::string> committed;
    std::uint64_t word = 0;  // the store entry's aux word
    for (const HintOp& op : ops) {
      if (op.kind == HintOp::remove) {
        ++stat().removed;
        f = SimFile{};
        committed.reset();
      } else if (op.kind == HintOp::refill) {
        ++stat().refilled;
        read(f, &word);
      } else {
        std::string data(op.w.len, '\0');
        std::uint64_t x = op.w.seed * 0x9E3779B97F4A7C15ull + 1;
        for (auto& ch : data) {
          x ^= x >> 31;
          x *= 0xBF58476D1CE4E5B9ull;
          ch = char(x >> 56);
        }
        if (write<Bugs>(f, data, op.w.tear, &word, op.kind == HintOp::write_killed_before_store))
          committed = data;
        else
          ++stat().torn;
      }
      const std::optional<std::string> got = read(f);
      if (got != committed)
        RC_FAIL("SREC-3: the record reads as " +
                (got ? std::to_string(got->size()) + " bytes" : std::string("no record")) +
                ", the last completed write was " +
                (committed ? std::to_string(committed->size()) + " bytes" : std::string("none")));
    }
  });
}

struct TrustNewestHeader {
  static constexpr bool trust_newest_header = true;
  static constexpr bool keep_hint_while_writing = false;
};
struct KeepHintWhileWriting {
  static constexpr bool trust_newest_header = false;
  static constexpr bool keep_hint_while_writing = true;
};

TEST(SessionRecord, WritesWithTheStoresHintReadAsTheLastCompletedWrite) {
  stat() = Stat{};
  EXPECT_TRUE(record_holds_with_hints<NoRecordBugs>("session record with SREC-3 hints"));
  const Stat& s = stat();
  std::printf("[hints] writes with a hint %u, searched %u in place + %u replaced (%u then killed "
              "before the store), torn %u, records removed %u, words refilled %u\n",
              s.hinted, s.in_place, s.replaced, s.replaced_then_killed, s.torn, s.removed,
              s.refilled);
  EXPECT_GT(s.hinted, 0u);
  EXPECT_GT(s.replaced_then_killed, 0u);
}

TEST(SessionRecordTwin, AWriterKeepingTheHintWhileWritingIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(record_holds_with_hints<KeepHintWhileWriting>(
      "twin: the store's word is kept while the backing is written"));
}

TEST(SessionRecord, ReadsTheLastCompletedWriteWhateverWasTorn) {
  stat() = Stat{};
  EXPECT_TRUE(record_holds<NoRecordBugs>("session record"));
  const Stat& s = stat();
  std::printf("[record] writes in place %u, files replaced %u, torn %u (at most %u in a row)\n",
              s.in_place, s.replaced, s.torn, s.torn_in_a_row_max);
  EXPECT_GT(s.in_place, 0u);
  EXPECT_GT(s.replaced, 0u);
  EXPECT_GT(s.torn_in_a_row_max, 1u);
}

TEST(SessionRecordTwin, AWriterTrustingTheNewestHeaderIsRefuted) {
  std::printf("[twin] expecting RapidCheck to refute the next property:\n");
  EXPECT_FALSE(record_holds<TrustNewestHeader>("twin: the writer trusts the newest header"));
}

}  // namespace

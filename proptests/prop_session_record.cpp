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
};
Stat& stat() {
  static Stat s;
  return s;
}

// A write of `data`; `tear` (if set) kills the writer after that many bytes of its write (a new
// file's rename then never happens). True if the write completed.
template <class Bugs>
bool write(SimFile& f, const std::string& data, std::optional<std::uint64_t> tear) {
  const std::uint64_t slot = f.exists ? srec::slot_of_file(f.bytes.size()) : 0;
  std::string cur;
  srec::Head head;
  int c = -1;
  if (slot != 0) {
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
    return !tear || f.bytes.compare(std::size_t(p.target * slot), rec.size(), rec) == 0;
  }
  if (tear) return false;  // killed before its rename: the old file stands
  ++stat().replaced;
  f.exists = true;
  f.bytes.assign(std::size_t(2 * p.slot), '\0');
  f.bytes.replace(0, rec.size(), rec);
  return true;
}

// What a reader gets: the data, or nullopt for no record / no intact slot.
std::optional<std::string> read(const SimFile& f) {
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

struct TrustNewestHeader {
  static constexpr bool trust_newest_header = true;
};

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

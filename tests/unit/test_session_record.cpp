// core/session_record.hpp's formats: records are written in format 3 (CRC-32C) and the records
// an older build wrote (format 2, CRC-32) are still read, so an upgrade keeps every session; a
// format-2 slot with a wrong CRC is still refused. (The kill-at-any-byte rules, SREC-1/2, are
// proptests/prop_session_record.cpp's.)
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "core/session_record.hpp"

namespace {

using namespace wc;

// A record file in memory: two slots of `slot` bytes.
struct File {
  std::string bytes;
  explicit File(std::uint64_t slot) : bytes(std::size_t(2 * slot), '\0') {}
  void put(int i, std::uint64_t slot, const char head[srec::kHeader], const std::string& data) {
    std::memcpy(&bytes[std::size_t(i * slot)], head, srec::kHeader);
    std::memcpy(&bytes[std::size_t(i * slot + srec::kHeader)], data.data(), data.size());
  }
  int newest(std::uint64_t slot, std::string& data, srec::Head& h) const {
    return srec::newest(slot, [&](std::uint64_t off, char* out, std::uint64_t n) {
      std::memcpy(out, bytes.data() + off, std::size_t(n));
      return true;
    }, data, h);
  }
};

// The header an older build (format 2) wrote: magic "WCSESS02", CRC-32 (IEEE) over the same
// fields and data.
void encode_v2(char out[srec::kHeader], const std::string& data, std::uint64_t gen,
               std::uint64_t slot) {
  srec::Head h;
  h.len = data.size();
  h.gen = gen;
  h.units = std::uint32_t(slot / srec::kUnit);
  char f[20];
  std::memcpy(f, &h.len, 8);
  std::memcpy(f + 8, &h.gen, 8);
  std::memcpy(f + 16, &h.units, 4);
  h.crc = crc32(data.data(), data.size(), crc32(f, sizeof f));
  std::memset(out, 0, srec::kHeader);
  std::memcpy(out, &srec::kMagicV2, 8);
  std::memcpy(out + 8, &h.len, 8);
  std::memcpy(out + 16, &h.gen, 8);
  std::memcpy(out + 24, &h.crc, 4);
  std::memcpy(out + 28, &h.units, 4);
}

TEST(SessionRecord, WritesFormat3) {
  const std::uint64_t slot = srec::slot_for(100);
  char head[srec::kHeader];
  srec::encode(head, "abc", 3, 1, slot);
  std::uint64_t magic;
  std::memcpy(&magic, head, 8);
  EXPECT_EQ(magic, srec::kMagic);
  EXPECT_EQ(std::string(head, 8), "WCSESS03");
}

TEST(SessionRecord, AFormat2RecordIsReadAndTheNextWriteGoesToItsOtherSlot) {
  const std::uint64_t slot = srec::slot_for(100);
  File f(slot);
  char head[srec::kHeader];
  encode_v2(head, "old build's data", 7, slot);
  f.put(1, slot, head, "old build's data");
  std::string data;
  srec::Head h;
  ASSERT_EQ(f.newest(slot, data, h), 1);
  EXPECT_EQ(data, "old build's data");
  EXPECT_EQ(h.gen, 7u);
  // The next write (format 3) goes to slot 0 with gen 8 and wins.
  const srec::Plan p = srec::plan(slot, 1, h, 9);
  ASSERT_TRUE(p.in_place);
  EXPECT_EQ(p.target, 0);
  EXPECT_EQ(p.gen, 8u);
  srec::encode(head, "new data!", 9, p.gen, slot);
  f.put(0, slot, head, "new data!");
  ASSERT_EQ(f.newest(slot, data, h), 0);
  EXPECT_EQ(data, "new data!");
}

TEST(SessionRecord, AFormat2SlotWithAWrongCrcIsRefused) {
  const std::uint64_t slot = srec::slot_for(100);
  File f(slot);
  char head[srec::kHeader];
  encode_v2(head, "older", 3, slot);
  f.put(0, slot, head, "older");
  encode_v2(head, "newer", 4, slot);
  f.put(1, slot, head, "newxr");  // torn: the data differs from what the CRC covers
  std::string data;
  srec::Head h;
  ASSERT_EQ(f.newest(slot, data, h), 0);
  EXPECT_EQ(data, "older");
  // A format-3 CRC over a format-2 header is refused too (the magic selects the CRC).
  srec::encode(head, "newer", 5, 4, slot);
  std::memcpy(head, &srec::kMagicV2, 8);
  f.put(1, slot, head, "newer");
  ASSERT_EQ(f.newest(slot, data, h), 0);
}

}  // namespace

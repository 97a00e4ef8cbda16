// core/crc32.hpp: the published check values, chaining, and the 8-byte loops (tables, and the
// CPU's CRC-32C instruction where it has one) against the byte-at-a-time definitions at every
// length and alignment around their step.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/crc32.hpp"

TEST(Crc32, CheckValueAndEmpty) {
  EXPECT_EQ(wc::crc32("123456789", 9), 0xCBF43926u);  // CRC-32/ISO-HDLC's check value
  EXPECT_EQ(wc::crc32("", 0), 0u);
  EXPECT_EQ(wc::crc32_bytewise("123456789", 9), 0xCBF43926u);
}

std::string noise(std::size_t n) {
  std::string buf(n, '\0');
  std::uint64_t x = 0x1234567;
  for (auto& ch : buf) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    ch = char(x >> 56);
  }
  return buf;
}

TEST(Crc32, SlicedEqualsBytewiseAtEveryLengthAndAlignment) {
  const std::string buf = noise(300);
  for (std::size_t off = 0; off < 8; ++off)
    for (std::size_t n = 0; n + off <= 280; ++n)
      ASSERT_EQ(wc::crc32(buf.data() + off, n), wc::crc32_bytewise(buf.data() + off, n))
          << "offset " << off << " length " << n;
}

TEST(Crc32, ASeedContinues) {
  const std::string a = "session header fields", b = "and then the data, of any length";
  EXPECT_EQ(wc::crc32(b.data(), b.size(), wc::crc32(a.data(), a.size())),
            wc::crc32((a + b).data(), a.size() + b.size()));
}

TEST(Crc32c, CheckValueAndEmpty) {
  EXPECT_EQ(wc::crc32c("123456789", 9), 0xE3069283u);  // CRC-32C (iSCSI)'s check value
  EXPECT_EQ(wc::crc32c_tables("123456789", 9), 0xE3069283u);
  EXPECT_EQ(wc::crc32c_bytewise("123456789", 9), 0xE3069283u);
  EXPECT_EQ(wc::crc32c("", 0), 0u);
  std::printf("[crc32c] computed by the CPU's instruction: %s\n",
              wc::crc32c_hardware() ? "yes" : "no (tables)");
}

// crc32c() is the instruction where the CPU has it: both it and the tables must equal the
// definition everywhere.
TEST(Crc32c, InstructionAndTablesEqualBytewiseAtEveryLengthAndAlignment) {
  const std::string buf = noise(300);
  for (std::size_t off = 0; off < 8; ++off)
    for (std::size_t n = 0; n + off <= 280; ++n) {
      const std::uint32_t want = wc::crc32c_bytewise(buf.data() + off, n);
      ASSERT_EQ(wc::crc32c(buf.data() + off, n), want) << "offset " << off << " length " << n;
      ASSERT_EQ(wc::crc32c_tables(buf.data() + off, n), want) << "offset " << off << " length " << n;
    }
}

TEST(Crc32c, ASeedContinues) {
  const std::string a = "session header fields", b = "and then the data, of any length";
  EXPECT_EQ(wc::crc32c(b.data(), b.size(), wc::crc32c(a.data(), a.size())),
            wc::crc32c((a + b).data(), a.size() + b.size()));
  EXPECT_EQ(wc::crc32c_tables(b.data(), b.size(), wc::crc32c_tables(a.data(), a.size())),
            wc::crc32c((a + b).data(), a.size() + b.size()));
}

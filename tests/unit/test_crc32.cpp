// core/crc32.hpp: the published check value, chaining, and the 8-byte loop against the
// byte-at-a-time definition at every length and alignment around its step.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/crc32.hpp"

TEST(Crc32, CheckValueAndEmpty) {
  EXPECT_EQ(wc::crc32("123456789", 9), 0xCBF43926u);  // CRC-32/ISO-HDLC's check value
  EXPECT_EQ(wc::crc32("", 0), 0u);
  EXPECT_EQ(wc::crc32_bytewise("123456789", 9), 0xCBF43926u);
}

TEST(Crc32, SlicedEqualsBytewiseAtEveryLengthAndAlignment) {
  std::string buf(300, '\0');
  std::uint64_t x = 0x1234567;
  for (auto& ch : buf) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    ch = char(x >> 56);
  }
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

// core/crc32.hpp: CRC-32 (IEEE 802.3, the zlib polynomial), for records that leave shared memory
// (the session backing's files). A pure function: no OS, no allocation.
#pragma once

#include <cstdint>

namespace wc {

inline std::uint32_t crc32(const char* p, std::uint64_t n) {
  static const struct Table {
    std::uint32_t t[256];
    Table() {
      for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
      }
    }
  } table;
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint64_t i = 0; i < n; ++i) c = table.t[(c ^ std::uint8_t(p[i])) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace wc

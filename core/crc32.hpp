// core/crc32.hpp: checksums for records that leave shared memory (the session backing's files,
// core/session_record.hpp). Pure functions: no OS, no allocation.
//   crc32   CRC-32 (IEEE 802.3, the zlib polynomial): records of format 2, still read.
//   crc32c  CRC-32C (Castagnoli): what records are written with. x86-64 CPUs since 2008 (SSE4.2)
//           and ARMv8.1 compute it in one instruction per 8 bytes: ~0.1 instruction per byte
//           where the tables take ~3.6; a session write checksums its ~1 KB twice (the record's
//           newest slot, then the new data), which was 5% of a whole php-cgi request.
// The table versions go eight bytes per step through eight tables ("slicing by 8"), about 4x
// the byte-at-a-time loop; the bytes are assembled explicitly, so the result does not depend on
// the machine's byte order. The instruction is used when the CPU has it (asked once); the result
// is the same either way (tests/unit/test_crc32.cpp compares all three forms).
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define WC_CRC32C_X86 1
#elif defined(_M_X64) && defined(_MSC_VER)
#include <intrin.h>
#include <nmmintrin.h>
#define WC_CRC32C_X86 1
#define WC_CRC32C_MSVC 1
#endif

namespace wc {

namespace detail {
// The reflected polynomials: CRC-32 (IEEE) and CRC-32C (Castagnoli).
constexpr std::uint32_t kPolyIeee = 0xEDB88320u, kPolyC = 0x82F63B78u;

template <std::uint32_t Poly>
struct Crc32Tables {
  std::uint32_t t[8][256];
  Crc32Tables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? Poly ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (int k = 1; k < 8; ++k)
      for (std::uint32_t i = 0; i < 256; ++i)
        t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  }
};
template <std::uint32_t Poly = kPolyIeee>
inline const Crc32Tables<Poly>& crc32_tables() {
  static const Crc32Tables<Poly> tables;
  return tables;
}
inline std::uint32_t le32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
         std::uint32_t(p[3]) << 24;
}
template <std::uint32_t Poly>
inline std::uint32_t bytewise(const char* p, std::uint64_t n, std::uint32_t seed) {
  const auto& t = crc32_tables<Poly>().t[0];
  std::uint32_t c = seed ^ 0xFFFFFFFFu;
  for (std::uint64_t i = 0; i < n; ++i) c = t[(c ^ std::uint8_t(p[i])) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

template <std::uint32_t Poly>
inline std::uint32_t sliced(const char* data, std::uint64_t n, std::uint32_t seed) {
  const auto& t = crc32_tables<Poly>().t;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  std::uint32_t c = seed ^ 0xFFFFFFFFu;
  for (; n >= 8; n -= 8, p += 8) {
    const std::uint32_t one = c ^ le32(p), two = le32(p + 4);
    c = t[7][one & 0xFF] ^ t[6][(one >> 8) & 0xFF] ^ t[5][(one >> 16) & 0xFF] ^ t[4][one >> 24] ^
        t[3][two & 0xFF] ^ t[2][(two >> 8) & 0xFF] ^ t[1][(two >> 16) & 0xFF] ^ t[0][two >> 24];
  }
  for (; n > 0; --n, ++p) c = t[0][(c ^ *p) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

#if defined(WC_CRC32C_X86)
#if !defined(WC_CRC32C_MSVC)
__attribute__((target("sse4.2")))
#endif
inline std::uint32_t crc32c_sse42(const char* p, std::uint64_t n, std::uint32_t seed) {
  std::uint64_t c = seed ^ 0xFFFFFFFFu;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);  // x86 is little-endian: the same bytes the tables take
    c = _mm_crc32_u64(c, w);
  }
  std::uint32_t c32 = std::uint32_t(c);
  for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, std::uint8_t(*p));
  return c32 ^ 0xFFFFFFFFu;
}

inline bool cpu_has_sse42() {
#if defined(WC_CRC32C_MSVC)
  int info[4];
  __cpuid(info, 1);
  return (info[2] & (1 << 20)) != 0;
#else
  return __builtin_cpu_supports("sse4.2");
#endif
}
#endif
}  // namespace detail

// The byte-at-a-time definitions, kept as the references the tests compare against.
inline std::uint32_t crc32_bytewise(const char* p, std::uint64_t n, std::uint32_t seed = 0) {
  return detail::bytewise<detail::kPolyIeee>(p, n, seed);
}
inline std::uint32_t crc32c_bytewise(const char* p, std::uint64_t n, std::uint32_t seed = 0) {
  return detail::bytewise<detail::kPolyC>(p, n, seed);
}
inline std::uint32_t crc32c_tables(const char* p, std::uint64_t n, std::uint32_t seed = 0) {
  return detail::sliced<detail::kPolyC>(p, n, seed);
}

// Does this CPU compute CRC-32C in hardware (and do we use it)?
inline bool crc32c_hardware() {
#if defined(WC_CRC32C_X86)
  static const bool has = detail::cpu_has_sse42();
  return has;
#else
  return false;
#endif
}

// `seed` continues a CRC: crc32(b, nb, crc32(a, na)) is the CRC of a followed by b.
inline std::uint32_t crc32(const char* data, std::uint64_t n, std::uint32_t seed = 0) {
  return detail::sliced<detail::kPolyIeee>(data, n, seed);
}
inline std::uint32_t crc32c(const char* data, std::uint64_t n, std::uint32_t seed = 0) {
#if defined(WC_CRC32C_X86)
  if (crc32c_hardware()) return detail::crc32c_sse42(data, n, seed);
#endif
  return detail::sliced<detail::kPolyC>(data, n, seed);
}

}  // namespace wc

// core/session_record.hpp: the format of a session's durable record (the session backing,
// prims/*_session_files.hpp) and the rules that make an in-place rewrite safe against a writer
// killed at any byte. Pure functions over a read-at callback: no OS, no allocation beyond the
// caller's string.
//
// A record file holds two slots of S bytes each (S a multiple of 512, the file exactly 2*S long).
// A slot: a 32-byte header then the data.
//   magic  u64  "WCSESS03" (written), or "WCSESS02" (read: an older build's records)
//   len    u64  the data's length (len + 32 <= S)
//   gen    u64  the write's generation: one more than the record's newest intact slot had
//   crc    u32  of (len, gen, units) then the data: CRC-32C for format 3 (one instruction per
//               8 bytes where the CPU has it, core/crc32.hpp), CRC-32 (IEEE) for format 2
//   units  u32  S / 512 (the slot size the header was written for)
// A slot is intact when its header is plausible (magic, units matching the file, len fitting) and
// its CRC matches. The record's value is the data of its intact slot with the highest gen.
//
// SREC-1  A write goes to the slot that is NOT the newest intact one (found by the same check a
//         reader makes, CRC included), in one positioned write of header and data. A writer
//         killed at any byte therefore damages only a slot no reader takes: the record reads as
//         the last completed write, whatever number of writes were torn since.
// SREC-2  A write that does not fit S, the first write of a session, and a record with no intact
//         slot are written whole to a new file moved over the old one (atomic replace); the new
//         file's slot 0 holds the data and slot 1 is zero (never intact).
// SREC-3  A writer may skip the search for the newest intact slot (a read of the whole record and
//         the CRC of both slots) when the session store hands it a HINT: a word the last
//         completed write (or a read of the record) left beside the session in the store, naming
//         the newest intact slot, its gen, the slot size and the file's identity. The hint is
//         trusted only if the slot size and identity match the file now open, and the store's
//         word is CLEARED before any backing write and set again only after the write completed:
//         a writer killed between the two leaves no hint, so a hint always names a slot that a
//         completed write left intact in the file it names (a killed writer's in-place write
//         went to the other slot; a replace made a new file, whose identity the hint does not
//         have, or whose identity the file system reused: the cleared word covers that case).
// All three are checked by proptests/prop_session_record.cpp against a file that a killed writer
// leaves with any prefix of its bytes written; the twin trusts the newest header without its CRC
// (a torn write then makes the next one overwrite the only intact slot); the hint's twin keeps
// the store's word while it writes (a writer killed after a replace leaves a hint naming the
// other slot of a file whose id was reused: the next write overwrites its only intact slot).
//
// The in-place rewrite is what makes the backing cheap: one pwrite into a file the page cache
// holds, where a temporary file renamed over the record costs ~0.5 ms on ext4 (a rename over an
// existing file starts the data's write-back, auto_da_alloc). Writers of one session are
// serialised by the session lock; readers need no lock (a slot being written fails its CRC and
// the other one is read).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "crc32.hpp"

namespace wc {

struct NoRecordBugs {
  static constexpr bool trust_newest_header = false;  // twin: pick the target slot by gen alone
  static constexpr bool keep_hint_while_writing = false;  // twin: SREC-3's word not cleared first
};

namespace srec {

constexpr std::uint64_t kMagic = 0x3330535345534357ull;    // "WCSESS03": CRC-32C
constexpr std::uint64_t kMagicV2 = 0x3230535345534357ull;  // "WCSESS02": CRC-32 (IEEE), read only
constexpr std::uint64_t kHeader = 32;
constexpr std::uint64_t kUnit = 512;
constexpr std::uint64_t kWholeRead = 64 * 1024;  // read whole up to this file size
constexpr std::uint64_t kMaxData = (std::uint64_t(1) << 31) - kHeader * 2;  // 2 GB per session

struct Head {
  std::uint64_t len = 0, gen = 0;
  std::uint32_t crc = 0, units = 0;
  bool v2 = false;  // a format-2 record's header (its CRC is CRC-32, IEEE)
};

// The slot size for `len` bytes of data: room to grow by half before the file must be replaced.
inline std::uint64_t slot_for(std::uint64_t len) {
  const std::uint64_t need = len + kHeader;
  const std::uint64_t want = need + need / 2;
  return (want + kUnit - 1) / kUnit * kUnit;
}

// The slot size of a file of `size` bytes, or 0 if no record file can be that long.
inline std::uint64_t slot_of_file(std::uint64_t size) {
  if (size < 2 * kUnit || size % (2 * kUnit) != 0 || size / 2 > kMaxData + 2 * kHeader + kUnit)
    return 0;
  return size / 2;
}

inline std::uint32_t head_crc(const Head& h, const char* data) {
  char f[20];
  std::memcpy(f, &h.len, 8);
  std::memcpy(f + 8, &h.gen, 8);
  std::memcpy(f + 16, &h.units, 4);
  return h.v2 ? crc32(data, h.len, crc32(f, sizeof f)) : crc32c(data, h.len, crc32c(f, sizeof f));
}

// The header of a write of `len` bytes of `data` at generation `gen` into slots of `slot` bytes.
inline void encode(char out[kHeader], const char* data, std::uint64_t len, std::uint64_t gen,
                   std::uint64_t slot) {
  Head h;
  h.len = len;
  h.gen = gen;
  h.units = std::uint32_t(slot / kUnit);
  h.crc = head_crc(h, data);
  std::memset(out, 0, kHeader);
  std::memcpy(out, &kMagic, 8);
  std::memcpy(out + 8, &h.len, 8);
  std::memcpy(out + 16, &h.gen, 8);
  std::memcpy(out + 24, &h.crc, 4);
  std::memcpy(out + 28, &h.units, 4);
}

// The header in `in` if it is plausible for slots of `slot` bytes.
inline bool decode(const char in[kHeader], std::uint64_t slot, Head& h) {
  std::uint64_t magic = 0;
  std::memcpy(&magic, in, 8);
  std::memcpy(&h.len, in + 8, 8);
  std::memcpy(&h.gen, in + 16, 8);
  std::memcpy(&h.crc, in + 24, 4);
  std::memcpy(&h.units, in + 28, 4);
  h.v2 = magic == kMagicV2;
  return (magic == kMagic || h.v2) && std::uint64_t(h.units) * kUnit == slot &&
         h.len <= slot - kHeader && h.gen != 0;
}

// The newest intact slot of a record with slots of `slot` bytes, read through
// read_at(offset, buffer, n) -> bool (false: an I/O error). Returns the slot (0 or 1) with its
// data in `data` and header in `head`, -1 if no slot is intact, -2 on an I/O error. One read
// call for a file of up to kWholeRead bytes, else at most three.
// Bugs::trust_newest_header (twin): the newest plausible header wins without its CRC.
template <class Bugs = NoRecordBugs, class ReadAt>
int newest(std::uint64_t slot, ReadAt&& read_at, std::string& data, Head& head) {
  // A small record (the usual ~1 KB session: 2 x 2 KB) is read whole, in one call; a big one
  // header by header, then only the data of the slot taken.
  // (An uninitialised buffer: a std::string would zero its 2 x slot bytes first, 4,000
  // instructions of every session write.)
  std::unique_ptr<char[]> whole;
  const bool small = 2 * slot <= kWholeRead;
  if (small) {
    whole.reset(new (std::nothrow) char[std::size_t(2 * slot)]);
    if (!whole || !read_at(0, whole.get(), 2 * slot)) return -2;
  }
  char raw[2][kHeader];
  Head h[2];
  bool ok[2];
  for (int i = 0; i < 2; ++i) {
    if (small)
      std::memcpy(raw[i], whole.get() + std::uint64_t(i) * slot, kHeader);
    else if (!read_at(std::uint64_t(i) * slot, raw[i], kHeader))
      return -2;
    ok[i] = decode(raw[i], slot, h[i]);
  }
  int order[2] = {0, 1};
  if (ok[1] && (!ok[0] || h[1].gen > h[0].gen)) {
    order[0] = 1;
    order[1] = 0;
  }
  for (int i : order) {
    if (!ok[i]) continue;
    const std::uint64_t at = std::uint64_t(i) * slot + kHeader;
    if (small) {
      data.assign(whole.get() + at, std::size_t(h[i].len));
    } else {
      data.resize(std::size_t(h[i].len));
      if (h[i].len != 0 && !read_at(at, &data[0], h[i].len)) return -2;
    }
    if (Bugs::trust_newest_header || head_crc(h[i], data.data()) == h[i].crc) {
      head = h[i];
      return i;
    }
  }
  data.clear();
  return -1;
}

// Where a write of `len` bytes goes in a record whose newest intact slot is `cur` (-1: none)
// with header `cur_head`, in slots of `slot` bytes (0: no file). in_place false: write a new
// file (slot 0 of slot_for(len) bytes, gen). Shrinks a big file whose data became small.
struct Plan {
  bool in_place = false;
  int target = 0;
  std::uint64_t gen = 1, slot = 0;
};
inline Plan plan(std::uint64_t slot, int cur, const Head& cur_head, std::uint64_t len) {
  Plan p;
  p.gen = cur >= 0 ? cur_head.gen + 1 : 1;
  const bool fits = slot != 0 && len + kHeader <= slot;
  const bool oversized = slot > 64 * 1024 && slot_for(len) * 4 <= slot;
  if (cur >= 0 && fits && !oversized) {
    p.in_place = true;
    p.target = 1 - cur;
    p.slot = slot;
  } else {
    p.slot = slot_for(len);
  }
  return p;
}

// SREC-3: the hint word (the session store entry's aux word; 0: no hint).
//   bit 63      1: a hint
//   bits 48-62  the file's identity, 15 bits of a hash (the caller's: inode and device on POSIX)
//   bit 47      the newest intact slot (0 or 1)
//   bits 32-46  the slot size in units of 512 bytes (slots up to 16 MB; bigger: no hint)
//   bits 0-31   that slot's gen (gen 2^32 and later: no hint, the search is made)
inline std::uint64_t hint_word(int cur, std::uint64_t gen, std::uint64_t slot,
                               std::uint64_t file_id) {
  const std::uint64_t units = slot / kUnit;
  if (cur < 0 || cur > 1 || gen == 0 || gen >= (std::uint64_t(1) << 32) || slot % kUnit != 0 ||
      units == 0 || units >= (std::uint64_t(1) << 15))
    return 0;
  const std::uint64_t id = (file_id ^ (file_id >> 15) ^ (file_id >> 30) ^ (file_id >> 45)) & 0x7fff;
  return (std::uint64_t(1) << 63) | (id << 48) | (std::uint64_t(cur) << 47) | (units << 32) | gen;
}
// The newest intact slot and its gen from `word`, if it is a hint for a file of slots of `slot`
// bytes and identity `file_id`.
inline bool from_hint(std::uint64_t word, std::uint64_t slot, std::uint64_t file_id, int& cur,
                      Head& head) {
  if (word == 0) return false;
  const int c = int((word >> 47) & 1);
  const std::uint64_t gen = word & 0xffffffffull;
  if (hint_word(c, gen, slot, file_id) != word) return false;
  cur = c;
  head = Head{};
  head.gen = gen;
  return true;
}

}  // namespace srec
}  // namespace wc

// core/xref.hpp: a reference from one shared segment into another, tagged with the generation
// of the segment it points into.
//
// WinCache 1.0 crashed because its file list kept plain offsets into the opcode segment; when
// that segment was recreated, the offsets pointed into the new one's unrelated bytes (seed 000).
// An XRef packs (generation, offset) into one 64-bit word, so it is published and read with a
// single atomic access, and it resolves only while its generation is the target segment's
// current one: a stale reference reads as empty, structurally (SEG-3).
#pragma once

#include <cstdint>

namespace wc {

struct XRef {
  static constexpr int kOffsetBits = 40;  // segments up to 1 TiB
  static constexpr std::uint64_t kOffsetMask = (std::uint64_t{1} << kOffsetBits) - 1;
  static constexpr std::uint64_t kGenerationMask = (std::uint64_t{1} << (64 - kOffsetBits)) - 1;

  std::uint64_t word = 0;  // 0 = empty (generation 0 is never a live segment's)

  static XRef make(std::uint64_t generation, std::uint64_t offset) {
    return XRef{((generation & kGenerationMask) << kOffsetBits) | (offset & kOffsetMask)};
  }
  std::uint64_t generation() const { return word >> kOffsetBits; }
  std::uint64_t offset() const { return word & kOffsetMask; }
  bool empty() const { return word == 0; }

  // SEG-3: the offset if this reference belongs to the target's current generation, else 0.
  std::uint64_t resolve(std::uint64_t current_generation) const {
    if (word == 0 || generation() != (current_generation & kGenerationMask)) return 0;
    return offset();
  }
};

}  // namespace wc

// Relacy: giving a reader slot back while its next owner claims it and a writer drains, for
// core/rwlock.hpp (RW-1, RW-2, RW-8), with negative twins.
#include "lock_suites.hpp"

using namespace wc;
using namespace wc::model;

struct SkipClaimBit : NoSeededBugs { static constexpr bool skip_claim_bit = true; };
struct BitAfterOwner : NoSeededBugs { static constexpr bool release_bit_after_owner = true; };
struct UnfencedRelease : NoSeededBugs { static constexpr bool unfenced_release = true; };
struct ReleaseNoWake : NoSeededBugs { static constexpr bool release_skips_wake = true; };

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<SlotHandover<NoSeededBugs>>("RW-1/8 a slot handed over while a writer drains", o, t);
  must_catch<SlotHandover<SkipClaimBit>>("twin: next owner reads without its claim bit",
                 rl::test_result_data_race, o, t);
  must_catch<SlotHandover<BitAfterOwner>>("twin: release clears the bit after giving back",
                 rl::test_result_data_race, o, t);
  must_catch<SlotHandover<UnfencedRelease>>("twin: release clears the bit without a fence",
                 rl::test_result_data_race, o, t);
  must_catch<SlotHandover<ReleaseNoWake>>("twin: release_slot forgets to wake the claimer",
                 rl::test_result_deadlock, o, t);
  t.summary("model lock slots");
  return t.exit_code();
}

// Relacy: mutual exclusion and wake-ups of core/rwlock.hpp (RW-1, RW-2), with negative twins.
#include "lock_suites.hpp"

using namespace wc;
using namespace wc::model;

struct RelaxedUnlock : NoSeededBugs { static constexpr bool relaxed_unlock = true; };
struct SkipDrain : NoSeededBugs { static constexpr bool skip_drain = true; };
struct NoWake : NoSeededBugs { static constexpr bool skip_wake = true; };
struct SkipClaimBit : NoSeededBugs { static constexpr bool skip_claim_bit = true; };
struct SleepWithoutRecheck : NoSeededBugs { static constexpr bool sleep_without_recheck = true; };
struct ReleaseUnlock : NoSeededBugs { static constexpr bool release_unlock = true; };

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<Exclusion<NoSeededBugs>>("RW-1/2 two writers and a reader", o, t);
  must_hold<ReadersWriter<NoSeededBugs>>("RW-1/2 a writer and two readers", o, t);
  must_catch<Exclusion<RelaxedUnlock>>("twin: relaxed store in unlock",
                 rl::test_result_data_race, o, t);
  must_catch<ReadersWriter<SkipDrain>>("twin: writer enters without draining readers",
                 rl::test_result_data_race, o, t);
  must_catch<Exclusion<NoWake>>("twin: release forgets to wake sleepers",
                 rl::test_result_deadlock, o, t);
  must_catch<Exclusion<SkipClaimBit>>("twin: reader announces without its claim bit",
                 rl::test_result_data_race, o, t);
  must_catch<Exclusion<SleepWithoutRecheck>>("twin: waiter announces its sleep after its check",
                 rl::test_result_deadlock, o, t);
  must_catch<Exclusion<ReleaseUnlock>>("twin: unlock's store is release, not seq_cst",
                 rl::test_result_deadlock, o, t);
  t.summary("model lock exclusion");
  return t.exit_code();
}

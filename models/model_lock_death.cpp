// Relacy: a reader or a writer killed while holding core/rwlock.hpp (RW-3, RW-4, RW-6), with
// negative twins.
#include "lock_suites.hpp"

using namespace wc;
using namespace wc::model;

struct NoDeathCheck : NoSeededBugs { static constexpr bool skip_death_check = true; };
struct ForgetDirty : NoSeededBugs { static constexpr bool forget_dirty = true; };

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<ReaderDies<NoSeededBugs>>("RW-4 a reader dies holding", o, t);
  must_hold<WriterDies<NoSeededBugs>>("RW-3/6 a writer dies mid-update", o, t);
  must_hold<RepairerDies<NoSeededBugs>>("RW-6 the repairer dies too", o, t);
  must_catch<ReaderDies<NoDeathCheck>>("twin: reader death never checked",
                 rl::test_result_deadlock, o, t);
  must_catch<WriterDies<NoDeathCheck>>("twin: writer death never checked",
                 rl::test_result_deadlock, o, t);
  must_catch<WriterDies<ForgetDirty>>("twin: takeover hides the death",
                 rl::test_result_user_assert_failed, o, t);
  t.summary("model lock death");
  return t.exit_code();
}

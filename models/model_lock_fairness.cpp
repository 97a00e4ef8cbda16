// Relacy: writer preference of core/rwlock.hpp (RW-5), with its negative twin.
#include "lock_suites.hpp"

using namespace wc;
using namespace wc::model;

struct ReaderPreference : NoSeededBugs { static constexpr bool reader_preference = true; };

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<WriterPreference<NoSeededBugs>>("RW-5 a claimed writer goes before new readers", o, t);
  must_catch<WriterPreference<ReaderPreference>>("twin: readers ignore a waiting writer",
                 rl::test_result_user_assert_failed, o, t);
  t.summary("model lock fairness");
  return t.exit_code();
}

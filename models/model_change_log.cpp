// Relacy: the watcher's change log (core/change_log.hpp, docs/invariants/change_log.md). A ring
// of 2 slots with 16-byte paths; one writer thread appends records whose paths name their
// number, readers read without a lock while the ring wraps under them.
//   CL-1  a reader that sees head h can read every kept record below it (nothing overwrote it
//         yet) or is told it lost it; head never goes back;
//   CL-2  a read that returns ok returns exactly the path written as that record, whatever the
//         writer did between the reader's loads (it may overwrite the slot twice);
//   CL-3  replay() of the kept range is true only with every record of it, in order.
// Negative twin: a reader that does not load the slot's seq again after its copy (USER ASSERT:
// it returns the path of a later record, written under it, as record 1's).
#include <cstring>
#include <string>

#include "../core/change_log.hpp"
#include "prim_relacy.hpp"

using namespace wc;
using namespace wc::model;

struct Tiny {
  static constexpr unsigned slots = 2;
  static constexpr unsigned path_words = 2;
};

std::string path_of(std::uint64_t s) { return "/app/f" + std::to_string(s) + ".php"; }

template <class Bugs>
using Log = ChangeLog<PrimRelacy, Tiny, Bugs>;

// One writer appends records 1..N; one reader reads record 1 (and, in Replay, the kept range)
// at any point of the writer's progress.
template <class Bugs, int N, bool Replay>
struct WriterReader : rl::test_suite<WriterReader<Bugs, N, Replay>, 2> {
  World w;
  Log<Bugs> log;
  void before() { world() = &w; }
  void thread(unsigned idx) {
    if (idx == 0) {
      for (int s = 1; s <= N; ++s) {
        const std::string p = path_of(std::uint64_t(s));
        RL_ASSERT(log.append(ChangeKind::file, p.data(), p.size()) == std::uint64_t(s));  // CL-1
      }
      return;
    }
    const std::uint64_t h = log.head();
    ChangeKind k = ChangeKind::none;
    std::string p;
    if (h > 1) {  // record 1 was published: read it, perhaps while the ring wraps over it
      if (log.read(1, k, p) == LogRead::ok) {
        RL_ASSERT(k == ChangeKind::file);
        RL_ASSERT(p == path_of(1));  // CL-2
      }
    }
    if (Replay) {
      const std::uint64_t h2 = log.head();
      RL_ASSERT(h2 >= h);  // CL-1
      const std::uint64_t from = log.first_kept(h2);
      std::uint64_t next = from;
      const bool ok = log.replay(from, h2, [&](ChangeKind kk, const std::string& pp) {
        RL_ASSERT(kk == ChangeKind::file);
        RL_ASSERT(pp == path_of(next));  // CL-3: every record, in order
        ++next;
      });
      if (ok) RL_ASSERT(next == h2);  // CL-3
    }
  }
  void after() {
    RL_ASSERT(log.head() == std::uint64_t(N) + 1);
    // quiescent: the kept records read back exactly
    ChangeKind k = ChangeKind::none;
    std::string p;
    for (std::uint64_t s = log.first_kept(log.head()); s < log.head(); ++s) {
      RL_ASSERT(log.read(s, k, p) == LogRead::ok);
      RL_ASSERT(p == path_of(s));
    }
  }
};

struct SkipRecheck : NoChangeLogBugs {
  static constexpr bool skip_recheck = true;
};

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Tally t;
  must_hold<WriterReader<NoChangeLogBugs, 3, false>>("CL-2 a read while the ring wraps over it", o, t);
  must_hold<WriterReader<NoChangeLogBugs, 3, true>>("CL-1/3 a replay while the writer appends", o, t);
  must_catch<WriterReader<SkipRecheck, 3, false>>(
      "twin: a reader that does not recheck the slot", rl::test_result_user_assert_failed, o, t);
  t.summary("model change log");
  return t.exit_code();
}

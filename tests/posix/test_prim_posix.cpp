// tests/posix/test_prim_posix.cpp: PrimPosix and PosixOs on their own, with real processes
// (fork without exec: these tests need nothing but the two backends).
//
// Each forked child reports through its exit code (0 = every check held, else the number of the
// first failed check) and never returns into gtest: it ends with _exit. A child still there when
// its test ends is SIGKILLed and reaped (Forked's destructor).
#include <gtest/gtest.h>

#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "harness.hpp"

namespace {

using namespace pt;
using wc::PosixOs;
using wc::PrimPosix;

// A forked child that is SIGKILLed and reaped when the test leaves its scope, whatever the test
// asserted.
class Forked {
 public:
  explicit Forked(pid_t pid) : pid_(pid) {}
  Forked(const Forked&) = delete;
  Forked& operator=(const Forked&) = delete;
  ~Forked() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }
  pid_t pid() const { return pid_; }
  // Exit code (128 + signal if killed); -1 if it did not end within the bound (then killed).
  int wait(int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    int st = 0;
    for (;;) {
      const pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) break;
      if (now_ms() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &st, 0);
        reaped_ = true;
        return -1;
      }
      std::this_thread::sleep_for(2ms);
    }
    reaped_ = true;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

// Forks; the child runs `body` and _exits with its result.
template <class F>
Forked fork_child(F&& body) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::alarm(60);  // never outlive a wedged test
    ::_exit(body());
  }
  if (pid < 0) std::abort();
  return Forked(pid);
}

std::uint64_t my_starttime() {
  PrimPosix::ProcStat st;
  EXPECT_EQ(PrimPosix::read_stat(std::uint64_t(::getpid()), st), 0);
  return st.starttime;
}

TEST(PrimPosix, ProcIdIsPidPlusStartTime) {
  const auto id = PrimPosix::self();
  EXPECT_NE(id, 0u);
  EXPECT_LT(id, std::uint64_t{1} << wc::kProcIdBits);
  EXPECT_EQ(PrimPosix::pid_of(id), std::uint64_t(::getpid()));
  EXPECT_EQ(PrimPosix::start_of(id), my_starttime() & PrimPosix::kStartMask);
  EXPECT_NE(PrimPosix::start_of(id), 0u) << "this process has a start time in /proc";
  EXPECT_EQ(PrimPosix::self(), id) << "cached";
  EXPECT_TRUE(PrimPosix::alive(id));
  EXPECT_EQ(PrimPosix::parent_pid(), std::uint64_t(::getppid()));
}

TEST(PrimPosix, SelfIsRecomputedInAForkedChild) {
  const auto parent = PrimPosix::self();  // cached before the fork
  Forked child = fork_child([parent] {
    const auto mine = PrimPosix::self();
    if (mine == parent) return 1;  // the cache leaked across fork
    if (PrimPosix::pid_of(mine) != std::uint64_t(::getpid())) return 2;
    if (mine != PrimPosix::id_of(std::uint64_t(::getpid()))) return 3;
    if (!PrimPosix::alive(parent) || !PrimPosix::alive(mine)) return 4;
    // A grandchild recomputes again.
    std::fflush(nullptr);
    const pid_t g = ::fork();
    if (g == 0) ::_exit(PrimPosix::self() != mine && PrimPosix::pid_of(PrimPosix::self()) ==
                                                         std::uint64_t(::getpid())
                            ? 0
                            : 1);
    int st = 0;
    ::waitpid(g, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return 5;
    return 0;
  });
  EXPECT_EQ(child.wait(), 0);
}

TEST(PrimPosix, KilledChildIsDeadAlreadyAsAZombie) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Forked forked = fork_child([&] {
    const auto id = PrimPosix::self();
    if (::write(p[1], &id, sizeof id) != sizeof id) return 1;
    for (;;) ::pause();
  });
  const pid_t pid = forked.pid();
  ::close(p[1]);
  PrimPosix::proc_id child = 0;
  ASSERT_EQ(::read(p[0], &child, sizeof child), ssize_t(sizeof child));
  ::close(p[0]);
  EXPECT_EQ(PrimPosix::pid_of(child), std::uint64_t(pid));
  EXPECT_TRUE(PrimPosix::alive(child));
  ::kill(pid, SIGKILL);
  // Not reaped yet: the kernel keeps a zombie, and kill(pid, 0) would still succeed.
  Child c;
  c.pid = pid;
  ASSERT_TRUE(Children::until_zombie(c));
  EXPECT_EQ(::kill(pid, 0), 0) << "a zombie still answers kill(0)";
  EXPECT_FALSE(PrimPosix::alive(child)) << "a SIGKILLed, unreaped child must count as dead";
  EXPECT_EQ(forked.wait(), 128 + SIGKILL);
  EXPECT_FALSE(PrimPosix::alive(child)) << "reaped";
}

TEST(PrimPosix, AReusedPidIsNotTheSameProcess) {
  const auto me = PrimPosix::self();
  const std::uint64_t pid = PrimPosix::pid_of(me), start = PrimPosix::start_of(me);
  // The same pid with another start time is another process: what a reused pid looks like.
  EXPECT_FALSE(PrimPosix::alive(PrimPosix::make_id(pid, start + 1)));
  EXPECT_FALSE(PrimPosix::alive(PrimPosix::make_id(pid, start - 1)));
  EXPECT_TRUE(PrimPosix::alive(PrimPosix::make_id(pid, start)));
  // A pid that is gone.
  Forked gone = fork_child([] { return 0; });
  ASSERT_EQ(gone.wait(), 0);
  EXPECT_FALSE(PrimPosix::alive(PrimPosix::make_id(std::uint64_t(gone.pid()), start)));
}

TEST(PrimPosix, UserTagIsTheEffectiveUid) {
  EXPECT_EQ(PrimPosix::user_tag(), "u" + std::to_string(::geteuid()));
  if (::geteuid() != 0) return;
  Forked child = fork_child([] {
    if (::seteuid(65534) != 0) return 77;
    return PrimPosix::user_tag() == "u65534" ? 0 : 1;
  });
  const int code = child.wait();
  if (code == 77) GTEST_SKIP() << "could not seteuid(65534)";
  EXPECT_EQ(code, 0) << "the tag does not follow the effective uid";
}

// Processes of one pid namespace get the same value; a process in a new pid namespace (a
// container sharing /dev/shm) another one.
TEST(PrimPosix, PidNamespaceTellsNamespacesApart) {
  struct stat st {};
  ASSERT_EQ(::stat("/proc/self/ns/pid", &st), 0);
  const std::uint64_t mine = PrimPosix::pid_namespace();
  EXPECT_NE(mine, 0u);
  EXPECT_EQ(mine, std::uint64_t(st.st_ino));
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Forked same = fork_child([&] {
    const std::uint64_t v = PrimPosix::pid_namespace();
    return ::write(p[1], &v, sizeof v) == sizeof v ? 0 : 1;
  });
  EXPECT_EQ(same.wait(), 0);
  std::uint64_t seen = 0;
  ASSERT_EQ(::read(p[0], &seen, sizeof seen), ssize_t(sizeof seen));
  EXPECT_EQ(seen, mine) << "a child in the same namespace";
  Forked other = fork_child([&] {
    if (::unshare(CLONE_NEWPID) != 0) return 77;
    std::fflush(nullptr);
    const pid_t g = ::fork();  // the first process of the new namespace
    if (g == 0) {
      const std::uint64_t v = PrimPosix::pid_namespace();
      ::_exit(::getpid() == 1 && ::write(p[1], &v, sizeof v) == sizeof v ? 0 : 1);
    }
    int gs = 0;
    ::waitpid(g, &gs, 0);
    return WIFEXITED(gs) ? WEXITSTATUS(gs) : 2;
  });
  const int code = other.wait();
  ::close(p[1]);
  if (code == 77) GTEST_SKIP() << "cannot unshare(CLONE_NEWPID) here";
  ASSERT_EQ(code, 0);
  ASSERT_EQ(::read(p[0], &seen, sizeof seen), ssize_t(sizeof seen));
  ::close(p[0]);
  EXPECT_NE(seen, 0u);
  EXPECT_NE(seen, mine) << "another pid namespace must have another value";
}

// A shared object mapped twice (different addresses): the futex is keyed by the object.
struct SharedWord {
  std::string name;
  PosixOs os;
  PosixOs::Mapping m;
  explicit SharedWord(const std::string& n) : name(n) {
    os.remove(name);
    m = os.open(name, 4096, true, nullptr);
  }
  ~SharedWord() {
    os.close(m);
    os.remove(name);
  }
  PrimPosix::atomic<std::uint32_t>& word() {
    return *static_cast<PrimPosix::atomic<std::uint32_t>*>(m.base);
  }
};

TEST(PrimPosix, FutexWaitAndWakeCrossProcesses) {
  SharedWord sw("wincache_test_" + unique_salt() + "_futex");
  ASSERT_NE(sw.m.base, nullptr) << std::strerror(sw.os.last_error());
  auto& w = sw.word();
  w.store(7);
  EXPECT_EQ(PrimPosix::wait(w, 8, 1000), PrimPosix::wait_result::woken) << "value differs";
  EXPECT_EQ(PrimPosix::wait(w, 7, 30), PrimPosix::wait_result::timed_out);

  const std::string name = sw.name;
  Forked waiter = fork_child([name] {
    PosixOs os;
    auto m = os.open(name, 4096, false, nullptr);  // a second mapping, at another address
    if (!m.base) return 10;
    auto& word = *static_cast<PrimPosix::atomic<std::uint32_t>*>(m.base);
    // Sleeps with the value unchanged: only a cross-process wake ends this before the timeout,
    // which is longer than the parent's hang bound (kHangMs), so a slow parent is not a failure.
    const auto r = PrimPosix::wait(word, 7, 50000);
    return r == PrimPosix::wait_result::woken ? 0 : 1;
  });
  // Wait until the child sleeps in futex (its current system call is SYS_futex).
  bool asleep = false;
  for (const std::int64_t deadline = now_ms() + kHangMs; !asleep && now_ms() < deadline;) {
    char path[64], buf[64] = {};
    std::snprintf(path, sizeof path, "/proc/%d/syscall", int(waiter.pid()));
    const int fd = ::open(path, O_RDONLY);
    if (fd >= 0) {
      const ssize_t n = ::read(fd, buf, sizeof buf - 1);
      ::close(fd);
      asleep = n > 0 && std::strtol(buf, nullptr, 10) == SYS_futex;
    }
    if (!asleep) std::this_thread::sleep_for(2ms);
  }
  ASSERT_TRUE(asleep) << "the child never went to sleep in futex";
  EXPECT_EQ(w.load(), 7u);
  PrimPosix::wake_all(w);  // value unchanged: the wake itself must reach the other process
  EXPECT_EQ(waiter.wait(), 0) << "1 = the child's wait timed out: the wake did not cross";
}

// ---- PosixOs --------------------------------------------------------------------------------

class PosixOsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = "wincache_test_" + unique_salt() + "_";
    shm_.prefix = prefix_;
    shm_.clean();
  }
  void TearDown() override { shm_.clean(); }
  std::string name(const std::string& n) const { return prefix_ + n; }
  struct stat stat_of(const std::string& n) const {
    struct stat st {};
    ::stat(ShmPrefix::path(n).c_str(), &st);
    return st;
  }
  // A file made behind PosixOs's back in its directory (which must exist already).
  int make_file(const std::string& n, mode_t mode) const {
    const std::string dir = os_.dir();
    if (dir.empty()) return -1;
    const int fd = ::open((dir + "/" + n).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0 && ::fchmod(fd, mode) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  std::string prefix_;
  ShmPrefix shm_{""};
  PosixOs os_;
};

TEST_F(PosixOsTest, CreatesOwnerOnlyZeroFilledWhateverTheUmask) {
  for (const mode_t mask : {mode_t(0), mode_t(022), mode_t(0277)}) {
    const mode_t old = ::umask(mask);
    auto m = os_.open(name("u" + std::to_string(mask)), 64 * 1024, true, nullptr);
    ::umask(old);
    ASSERT_NE(m.base, nullptr) << std::strerror(os_.last_error());
    EXPECT_TRUE(m.created);
    const auto st = stat_of(name("u" + std::to_string(mask)));
    EXPECT_EQ(st.st_mode & 07777, mode_t(0600)) << "umask " << std::oct << mask;
    EXPECT_EQ(st.st_uid, ::geteuid());
    EXPECT_EQ(std::uint64_t(st.st_size), 64u * 1024);
    const auto* b = static_cast<const unsigned char*>(m.base);
    bool zero = true;
    for (std::size_t i = 0; i < 64 * 1024; ++i) zero = zero && b[i] == 0;
    EXPECT_TRUE(zero);
    os_.close(m);
    EXPECT_EQ(m.base, nullptr);
  }
}

TEST_F(PosixOsTest, FixedAddressNeverReplacesAMapping) {
  const std::uint64_t size = 64 * 1024;
  auto a = os_.open(name("a"), size, true, nullptr);
  ASSERT_NE(a.base, nullptr);
  std::memset(a.base, 0x5a, size);
  // Something of ours occupies the range we will ask for.
  void* at = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(at, MAP_FAILED);
  std::memset(at, 0x33, size);
  auto b = os_.open(name("a"), size, false, at);
  EXPECT_EQ(b.base, nullptr) << "mapped over an existing mapping";
  EXPECT_EQ(os_.last_error(), EEXIST);
  bool intact = true;
  for (std::size_t i = 0; i < size; ++i) intact = intact && static_cast<unsigned char*>(at)[i] == 0x33;
  EXPECT_TRUE(intact) << "the mapping that was there was clobbered";
  // A creation at a taken address fails and leaves no object behind.
  auto c = os_.open(name("c"), size, true, at);
  EXPECT_EQ(c.base, nullptr);
  EXPECT_FALSE(ShmPrefix::exists(name("c")));
  // Once the range is free, the fixed mapping lands exactly there and shares the object.
  ASSERT_EQ(::munmap(at, size), 0);
  auto d = os_.open(name("a"), size, false, at);
  ASSERT_EQ(d.base, at) << std::strerror(os_.last_error());
  EXPECT_EQ(static_cast<unsigned char*>(d.base)[100], 0x5a);
  static_cast<unsigned char*>(d.base)[100] = 0x77;
  EXPECT_EQ(static_cast<unsigned char*>(a.base)[100], 0x77);
  // Misaligned addresses are refused, not rounded.
  auto e = os_.open(name("a"), size, false, static_cast<char*>(at) + 8);
  EXPECT_EQ(e.base, nullptr);
  os_.close(d);
  os_.close(a);
}

TEST_F(PosixOsTest, OpenExistingChecksSizeAndOwnership) {
  const std::uint64_t size = 64 * 1024;
  auto a = os_.open(name("s"), size, true, nullptr);
  ASSERT_NE(a.base, nullptr);
  EXPECT_TRUE(a.created);
  auto again = os_.open(name("s"), size, true, nullptr);  // create if missing: it is not
  ASSERT_NE(again.base, nullptr);
  EXPECT_FALSE(again.created);
  static_cast<char*>(a.base)[7] = 42;
  EXPECT_EQ(static_cast<char*>(again.base)[7], 42);
  os_.close(again);

  EXPECT_EQ(os_.open(name("s"), size * 2, false, nullptr).base, nullptr) << "wrong size";
  EXPECT_EQ(os_.last_error(), EINVAL);
  EXPECT_EQ(os_.open(name("missing"), size, false, nullptr).base, nullptr);
  EXPECT_EQ(os_.last_error(), ENOENT);
  EXPECT_FALSE(ShmPrefix::exists(name("missing")));

  // An object readable by others (debris in our own directory) is refused by a plain open;
  // a creating open replaces it with a new private object (OBJ-REPLACE) and counts a repair.
  int fd = make_file(name("wide"), 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t(size)), 0);
  ::close(fd);
  EXPECT_EQ(os_.open(name("wide"), size, false, nullptr).base, nullptr);
  EXPECT_EQ(os_.last_error(), EPERM);
  const unsigned repairs = os_.repairs();
  auto w = os_.open(name("wide"), size, true, nullptr);
  ASSERT_NE(w.base, nullptr) << os_.last_reason();
  EXPECT_TRUE(w.created);
  EXPECT_EQ(stat_of(name("wide")).st_mode & 07777, mode_t(0600));
  EXPECT_EQ(os_.repairs(), repairs + 1);
  os_.close(w);

  // A creator stopped between its O_EXCL open and its ftruncate left a 0-byte object: a
  // creating opener sizes it, a plain opener refuses it.
  fd = make_file(name("zero"), 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_EQ(os_.open(name("zero"), size, false, nullptr).base, nullptr);
  auto z = os_.open(name("zero"), size, true, nullptr);
  ASSERT_NE(z.base, nullptr) << std::strerror(os_.last_error());
  EXPECT_EQ(std::uint64_t(stat_of(name("zero")).st_size), size);
  os_.close(z);
  os_.close(a);
}

TEST_F(PosixOsTest, ListRemoveAndLocal) {
  for (const char* n : {"x1", "x2", "y1"}) {
    auto m = os_.open(name(n), 4096, true, nullptr);
    ASSERT_NE(m.base, nullptr);
    os_.close(m);
  }
  auto xs = os_.list(name("x"));
  std::sort(xs.begin(), xs.end());
  EXPECT_EQ(xs, (std::vector<std::string>{name("x1"), name("x2")}));
  EXPECT_EQ(os_.list(prefix_).size(), 3u);
  os_.remove(name("x1"));
  os_.remove(name("x1"));  // already gone: not an error
  EXPECT_EQ(os_.list(name("x")), std::vector<std::string>{name("x2")});
  EXPECT_EQ(os_.open("bad/name", 4096, true, nullptr).base, nullptr);
  EXPECT_EQ(os_.last_error(), EINVAL);

  auto l = os_.create_local(1 << 20);
  ASSERT_NE(l.base, nullptr);
  EXPECT_EQ(static_cast<char*>(l.base)[12345], 0);
  static_cast<char*>(l.base)[12345] = 1;
  Forked child = fork_child([&] {
    static_cast<char*>(l.base)[12345] = 2;  // private: the parent must not see this
    return 0;
  });
  EXPECT_EQ(child.wait(), 0);
  EXPECT_EQ(static_cast<char*>(l.base)[12345], 1);
  os_.close(l);
}

}  // namespace

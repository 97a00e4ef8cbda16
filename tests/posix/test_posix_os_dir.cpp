// tests/posix/test_posix_os_dir.cpp: PosixOs's per-user directory against another local user.
//
// Each test runs PosixOs on a private root: a fresh directory /dev/shm/wctest_XXXXXX with the
// mode of /dev/shm (1777, sticky), removed with everything in it at the end. "Another user" is
// uid 65534 (nobody): a forked child that switches to it (setgid/setuid) and creates what a
// squatter would, or a file chowned to it. Those tests need root and are skipped otherwise; CI
// runs as root.
//
// The chain of names is wincache-<euid>, wincache-<euid>.1, ... (PosixOs::dir_name); at(i) is
// link i under the private root.
#include <gtest/gtest.h>

#include <grp.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "harness.hpp"

namespace {

using namespace pt;
using wc::PosixOs;

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;
constexpr std::uint64_t kSize = 4096;

class PosixOsDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/dev/shm/wctest_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr) << std::strerror(errno);
    root_ = tmpl;
    ASSERT_EQ(::chmod(root_.c_str(), 01777), 0);
  }
  void TearDown() override {
    std::error_code ec;  // remove_all never follows symlinks: it removes them
    std::filesystem::remove_all(root_, ec);
    EXPECT_FALSE(ec) << ec.message();
  }

  std::string at(unsigned i) const { return root_ + "/" + PosixOs::dir_name(::geteuid(), i); }

  static bool root_user() { return ::geteuid() == 0; }

  // Runs `body` in a forked child as user nobody; its exit code (77: could not switch, -1: hung).
  static int as_nobody(const std::function<int()>& body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return -2;
    if (pid == 0) {
      ::alarm(60);
      if (::setgroups(0, nullptr) != 0 || ::setgid(kNogroup) != 0 || ::setuid(kNobody) != 0 ||
          ::geteuid() != kNobody)
        ::_exit(77);
      ::_exit(body());
    }
    int st = 0;
    const std::int64_t deadline = now_ms() + kHangMs;
    while (::waitpid(pid, &st, WNOHANG) == 0) {
      if (now_ms() >= deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &st, 0);
        return -1;
      }
      std::this_thread::sleep_for(2ms);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

  // What sits at `path`, without following a symlink: 'd' directory, 'l' link, 'f' file, '-' none.
  static char kind_of(const std::string& path, uid_t* owner = nullptr, mode_t* mode = nullptr) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return '-';
    if (owner) *owner = st.st_uid;
    if (mode) *mode = st.st_mode & 07777;
    return S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?';
  }
  static bool empty_dir(const std::string& path) {
    std::error_code ec;
    return std::filesystem::is_empty(path, ec) && !ec;
  }
  static std::uint64_t ino_of(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 ? std::uint64_t(st.st_ino) : 0;
  }

  std::string root_;
};

#define NEEDS_ROOT()                                                      \
  do {                                                                    \
    if (!root_user()) GTEST_SKIP() << "needs root to act as user nobody"; \
  } while (0)

// (a) Another user's directory at our base name: the objects go to .1, and a second, fresh
// PosixOs (another process of ours) finds the same .1 and the same object.
TEST_F(PosixOsDir, AnotherUsersDirectoryAtOurNameIsSkipped) {
  NEEDS_ROOT();
  const std::string squat = at(0);
  ASSERT_EQ(as_nobody([&] { return ::mkdir(squat.c_str(), 0700) == 0 ? 0 : 1; }), 0);
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason() << ": " << std::strerror(os.last_error());
  EXPECT_TRUE(m.created);
  EXPECT_EQ(os.dir(), at(1));
  EXPECT_EQ(kind_of(at(1) + "/obj"), 'f');
  uid_t owner = 0;
  EXPECT_EQ(kind_of(squat, &owner), 'd');
  EXPECT_EQ(owner, kNobody) << "the squat is left alone";
  EXPECT_TRUE(empty_dir(squat)) << "nothing of ours went into the other user's directory";

  PosixOs second(root_);
  auto n = second.open("obj", kSize, false, nullptr);
  ASSERT_NE(n.base, nullptr) << second.last_reason();
  EXPECT_EQ(second.dir(), at(1));
  EXPECT_EQ(n.ino, m.ino) << "both reach the same object";
  static_cast<char*>(m.base)[9] = 7;
  EXPECT_EQ(static_cast<char*>(n.base)[9], 7);
  second.close(n);
  os.close(m);
}

// A squatter that removes its squat after we moved on to .1 does not split the user: a new
// process finds our .1 (the first directory of ours), it does not make the now free base name.
TEST_F(PosixOsDir, ARemovedSquatDoesNotSplitTheUser) {
  NEEDS_ROOT();
  const std::string squat = at(0);
  ASSERT_EQ(as_nobody([&] { return ::mkdir(squat.c_str(), 0700) == 0 ? 0 : 1; }), 0);
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason();
  ASSERT_EQ(os.dir(), at(1));
  ASSERT_EQ(as_nobody([&] { return ::rmdir(squat.c_str()) == 0 ? 0 : 1; }), 0);

  PosixOs later(root_);
  auto n = later.open("obj", kSize, true, nullptr);  // create if missing: it is not
  ASSERT_NE(n.base, nullptr) << later.last_reason();
  EXPECT_FALSE(n.created) << "a second object under a second directory: the user is split";
  EXPECT_EQ(later.dir(), at(1));
  EXPECT_EQ(n.ino, m.ino);
  EXPECT_EQ(kind_of(squat), '-') << "the free base name was made a directory";
  later.close(n);
  os.close(m);
}

// (b) A symlink at our name is skipped, never followed, even when it points at a directory of
// ours (which would otherwise pass every check on the directory it leads to).
TEST_F(PosixOsDir, ASymlinkToADirectoryOfOursIsNotFollowed) {
  const std::string target = root_ + "/mine";
  ASSERT_EQ(::mkdir(target.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(target.c_str(), at(0).c_str()), 0);
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason();
  EXPECT_EQ(os.dir(), at(1));
  EXPECT_EQ(kind_of(at(0)), 'l') << "the link is left alone";
  EXPECT_TRUE(empty_dir(target)) << "the link was followed";
  os.close(m);
}

// (b) The same with a symlink another user planted, pointing at that user's directory.
TEST_F(PosixOsDir, AnotherUsersSymlinkIsNotFollowed) {
  NEEDS_ROOT();
  const std::string target = root_ + "/theirs", link = at(0);
  ASSERT_EQ(as_nobody([&] {
              if (::mkdir(target.c_str(), 0777) != 0) return 1;
              if (::chmod(target.c_str(), 0777) != 0) return 2;  // wide open: a trap
              return ::symlink(target.c_str(), link.c_str()) == 0 ? 0 : 3;
            }),
            0);
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason();
  EXPECT_EQ(os.dir(), at(1));
  EXPECT_TRUE(empty_dir(target)) << "the objects went where another user can read them";
  uid_t owner = 0;
  EXPECT_EQ(kind_of(link, &owner), 'l');
  EXPECT_EQ(owner, kNobody);
  os.close(m);
}

// (c) A regular file at our name is skipped.
TEST_F(PosixOsDir, ARegularFileAtOurNameIsSkipped) {
  const int fd = ::open(at(0).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  if (root_user()) {
    ASSERT_EQ(::chown(at(0).c_str(), kNobody, kNogroup), 0);
  }
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason() << ": " << std::strerror(os.last_error());
  EXPECT_EQ(os.dir(), at(1));
  EXPECT_EQ(kind_of(at(0)), 'f');
  os.close(m);
}

// (d) Inside our directory, only a private regular file of ours is an object: one with a loose
// mode, one of another owner (root's 0600 file we cannot even open, nobody's 0644 file), a
// symlink (even to an object of ours), a FIFO, an empty directory and a file of another size
// are refused by a plain open (EPERM; EINVAL for the size) and left as they are.
namespace {
struct Planted {
  std::string name;
  int plain_errno;  // what a plain open (create = false) says
};
}  // namespace

static std::vector<Planted> plant_all(const std::string& dir, bool as_root) {
  auto plant = [&](const char* n, mode_t mode, std::uint64_t size) {
    const int fd = ::open((dir + "/" + n).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0) << n;
    EXPECT_EQ(::fchmod(fd, mode), 0);
    EXPECT_EQ(::ftruncate(fd, off_t(size)), 0);
    EXPECT_EQ(::pwrite(fd, "junk", 4, 0), 4);  // never to be seen through a mapping of ours
    ::close(fd);
  };
  std::vector<Planted> out;
  plant("loose", 0640, kSize);
  out.push_back({"loose", EPERM});
  plant("short", 0600, kSize / 2);
  out.push_back({"short", EINVAL});
  plant("long", 0600, kSize * 3);
  out.push_back({"long", EINVAL});
  if (as_root) {
    plant("other", 0644, kSize);
    EXPECT_EQ(::chown((dir + "/other").c_str(), kNobody, kNogroup), 0);
    out.push_back({"other", EPERM});
  }
  EXPECT_EQ(::symlink("a", (dir + "/link").c_str()), 0);
  out.push_back({"link", EPERM});
  EXPECT_EQ(::mkfifo((dir + "/fifo").c_str(), 0600), 0);
  out.push_back({"fifo", EPERM});
  EXPECT_EQ(::mkdir((dir + "/emptydir").c_str(), 0700), 0);
  out.push_back({"emptydir", EISDIR});
  return out;
}

TEST_F(PosixOsDir, APlainOpenRefusesWhatIsNotAPrivateFileOfOursOfTheSize) {
  PosixOs os(root_);
  auto a = os.open("a", kSize, true, nullptr);
  ASSERT_NE(a.base, nullptr) << os.last_reason();
  const std::string dir = os.dir();
  const auto planted = plant_all(dir, root_user());
  for (const auto& p : planted) {
    auto m = os.open(p.name, kSize, false, nullptr);
    EXPECT_EQ(m.base, nullptr) << p.name << " was accepted";
    EXPECT_EQ(os.last_error(), p.plain_errno) << p.name << ": " << std::strerror(os.last_error());
    if (m.base) os.close(m);
  }
  mode_t mode = 0;
  EXPECT_EQ(kind_of(dir + "/loose", nullptr, &mode), 'f');
  EXPECT_EQ(mode, mode_t(0640)) << "a refused object is not repaired";
  EXPECT_EQ(kind_of(dir + "/link"), 'l');
  EXPECT_EQ(os.repairs(), 0u);
  os.close(a);
}

// OBJ-REPLACE: a CREATING open replaces each of them with a new object of ours (created, zero-
// filled: the planted bytes are never mapped), counts the repair and says what it found; a
// second process then opens the new object, not the planted one. No case hangs (the FIFO).
TEST_F(PosixOsDir, ACreatingOpenReplacesWhatIsNotAPrivateFileOfOursOfTheSize) {
  PosixOs os(root_);
  auto a = os.open("a", kSize, true, nullptr);
  ASSERT_NE(a.base, nullptr) << os.last_reason();
  const std::string dir = os.dir();
  const auto planted = plant_all(dir, root_user());
  unsigned repairs = 0;
  for (const auto& p : planted) {
    const std::uint64_t old_ino = ino_of(dir + "/" + p.name);
    auto m = os.open(p.name, kSize, true, nullptr);
    ASSERT_NE(m.base, nullptr) << p.name << ": " << os.last_reason() << ": "
                               << std::strerror(os.last_error());
    EXPECT_TRUE(m.created) << p.name;
    EXPECT_NE(m.ino, old_ino) << p.name;
    EXPECT_EQ(std::memcmp(m.base, "\0\0\0\0", 4), 0) << p.name << ": the planted bytes were mapped";
    EXPECT_EQ(os.repairs(), ++repairs) << p.name;
    EXPECT_NE(std::string(os.last_repair()), "") << p.name;
    uid_t owner = 1;
    mode_t mode = 0;
    EXPECT_EQ(kind_of(dir + "/" + p.name, &owner, &mode), 'f') << p.name;
    EXPECT_EQ(owner, ::geteuid());
    EXPECT_EQ(mode, mode_t(0600));
    PosixOs later(root_);
    auto n = later.open(p.name, kSize, false, nullptr);
    ASSERT_NE(n.base, nullptr) << p.name << ": " << later.last_reason();
    EXPECT_EQ(n.ino, m.ino) << p.name;
    later.close(n);
    os.close(m);
  }
  os.close(a);
}

// What cannot be removed (a directory that is not empty) is a clear failure, and left alone.
TEST_F(PosixOsDir, ADirectoryThatIsNotEmptyAtAnObjectsNameIsAClearFailure) {
  PosixOs os(root_);
  auto a = os.open("a", kSize, true, nullptr);
  ASSERT_NE(a.base, nullptr) << os.last_reason();
  const std::string d = os.dir() + "/full";
  ASSERT_EQ(::mkdir(d.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((d + "/x").c_str(), 0700), 0);
  auto m = os.open("full", kSize, true, nullptr);
  EXPECT_EQ(m.base, nullptr);
  EXPECT_EQ(os.last_error(), ENOTEMPTY) << std::strerror(os.last_error());
  EXPECT_NE(std::string(os.last_reason()).find("not empty"), std::string::npos) << os.last_reason();
  EXPECT_EQ(kind_of(d + "/x"), 'd');
  os.close(a);
}

// Two processes of ours that meet the same planted object at once end up in ONE new object:
// neither removes the object the other has just created (the replacement is made under the
// directory's flock and only while the name still names the inode judged).
TEST_F(PosixOsDir, ProcessesReplacingTheSameObjectAtOnceShareTheResult) {
  PosixOs os(root_);
  auto a = os.open("a", kSize, true, nullptr);
  ASSERT_NE(a.base, nullptr) << os.last_reason();
  const std::string dir = os.dir();
  for (int round = 0; round < 200; ++round) {
    const std::string p = dir + "/x";
    ::unlink(p.c_str());
    const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, off_t(kSize * 2)), 0);  // another size
    ::close(fd);
    constexpr int kProcs = 4;
    int pipes[kProcs][2];
    pid_t pids[kProcs];
    int go[2];  // the start line: every child waits for its end of file, then all open at once
    ASSERT_EQ(::pipe(go), 0);
    for (int i = 0; i < kProcs; ++i) {
      ASSERT_EQ(::pipe(pipes[i]), 0);
      std::fflush(nullptr);
      pids[i] = ::fork();
      ASSERT_GE(pids[i], 0);
      if (pids[i] == 0) {
        ::alarm(30);
        ::close(go[1]);
        char c;
        while (::read(go[0], &c, 1) > 0) {
        }
        PosixOs mine(root_);
        auto m = mine.open("x", kSize, true, nullptr);
        std::uint64_t ino = m.base ? m.ino : 0;
        if (::write(pipes[i][1], &ino, sizeof ino) != sizeof ino) ::_exit(2);
        ::_exit(m.base ? 0 : 1);
      }
      ::close(pipes[i][1]);
    }
    ::close(go[0]);
    ::close(go[1]);
    std::uint64_t first = 0;
    for (int i = 0; i < kProcs; ++i) {
      std::uint64_t ino = 0;
      EXPECT_EQ(::read(pipes[i][0], &ino, sizeof ino), ssize_t(sizeof ino));
      ::close(pipes[i][0]);
      int st = 0;
      ::waitpid(pids[i], &st, 0);
      EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "round " << round << " proc " << i;
      if (i == 0) first = ino;
      EXPECT_EQ(ino, first) << "round " << round << ": two objects under one name";
    }
    EXPECT_EQ(ino_of(p), first) << "round " << round;
  }
  os.close(a);
}

// A directory of ours found with a looser mode is set to 0700 and counted as a repair (for the
// log); one our own umask narrowed is set to 0700 silently.
TEST_F(PosixOsDir, ALooseModeOfOurDirectoryIsARepair) {
  ASSERT_EQ(::mkdir(at(0).c_str(), 0700), 0);
  ASSERT_EQ(::chmod(at(0).c_str(), 0777), 0);
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason();
  EXPECT_EQ(os.repairs(), 1u);
  EXPECT_NE(std::string(os.last_repair()).find("looser"), std::string::npos) << os.last_repair();
  os.close(m);
  os.remove("obj");
  ASSERT_EQ(::mkdir(at(0).c_str(), 0700), 0);
  ASSERT_EQ(::chmod(at(0).c_str(), 0500), 0);
  PosixOs narrow(root_);
  m = narrow.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << narrow.last_reason();
  EXPECT_EQ(narrow.repairs(), 0u);
  narrow.close(m);
  narrow.remove("obj");
}

// (e) Removing the last object removes the directory too: an orderly stop leaves nothing.
TEST_F(PosixOsDir, RemovingTheLastObjectRemovesTheDirectory) {
  PosixOs os(root_);
  for (const char* n : {"a", "b"}) {
    auto m = os.open(n, kSize, true, nullptr);
    ASSERT_NE(m.base, nullptr) << os.last_reason();
    os.close(m);
  }
  const std::string dir = os.dir();
  ASSERT_EQ(dir, at(0));
  os.remove("a");
  EXPECT_EQ(kind_of(dir), 'd') << "b is still there";
  os.remove("b");
  EXPECT_EQ(kind_of(dir), '-') << "the empty directory stayed";
  EXPECT_EQ(os.dir(), "");
  EXPECT_TRUE(empty_dir(root_));
}

// (e) A process whose directory another one removed (it held its descriptor) resolves again on
// its next create, and the object lands where every other process finds it.
TEST_F(PosixOsDir, ACreateThroughAStaleDirectoryResolvesAgain) {
  PosixOs a(root_), b(root_);
  auto m = a.open("x", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << a.last_reason();
  const std::uint64_t old_dir = ino_of(a.dir());
  a.close(m);
  b.remove("x");  // the last object: b removes the directory a still holds
  ASSERT_EQ(kind_of(at(0)), '-');
  auto n = a.open("y", kSize, true, nullptr);
  ASSERT_NE(n.base, nullptr) << a.last_reason() << ": " << std::strerror(a.last_error());
  EXPECT_EQ(a.dir(), at(0));
  EXPECT_NE(ino_of(at(0)), old_dir) << "a new directory";
  EXPECT_EQ(kind_of(at(0) + "/y"), 'f');
  EXPECT_EQ(b.list("y"), std::vector<std::string>{"y"}) << "the other process sees it";
  a.close(n);
  a.remove("y");
  EXPECT_TRUE(empty_dir(root_));
}

// (e) The same for a reader: a process whose directory was removed and made again by others
// lists (and opens) the objects of the new one, not the nothing of the removed one.
TEST_F(PosixOsDir, AListThroughAStaleDirectorySeesTheNewOne) {
  PosixOs a(root_), b(root_), c(root_);
  auto m = a.open("x", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << a.last_reason();
  a.close(m);
  b.remove("x");
  ASSERT_EQ(kind_of(at(0)), '-');
  auto n = c.open("y", kSize, true, nullptr);  // a new directory at the same name
  ASSERT_NE(n.base, nullptr) << c.last_reason();
  EXPECT_EQ(a.list(""), std::vector<std::string>{"y"}) << "a read its removed directory";
  auto o = a.open("y", kSize, false, nullptr);
  ASSERT_NE(o.base, nullptr) << a.last_reason();
  EXPECT_EQ(o.ino, n.ino);
  a.close(o);
  c.close(n);
  c.remove("y");
  EXPECT_TRUE(empty_dir(root_));
}

// (e) The documented race: A holds the descriptor of a directory that B removes, another user
// squats the base name at once; A's next create resolves again, skips the squat, and a fresh
// process finds A's object.
TEST_F(PosixOsDir, AStaleDirectoryResolvesPastANewSquat) {
  NEEDS_ROOT();
  PosixOs a(root_), b(root_);
  auto m = a.open("x", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << a.last_reason();
  a.close(m);
  b.remove("x");
  ASSERT_EQ(kind_of(at(0)), '-');
  const std::string squat = at(0);
  ASSERT_EQ(as_nobody([&] { return ::mkdir(squat.c_str(), 0777) == 0 ? 0 : 1; }), 0);
  auto n = a.open("y", kSize, true, nullptr);
  ASSERT_NE(n.base, nullptr) << a.last_reason();
  EXPECT_EQ(a.dir(), at(1));
  EXPECT_TRUE(empty_dir(squat));
  PosixOs c(root_);
  EXPECT_EQ(c.list("y"), std::vector<std::string>{"y"});
  EXPECT_EQ(c.dir(), at(1));
  a.close(n);
}

// (f) The directory is 0700 and the objects 0600 whatever the umask; a directory of ours with
// another mode (looser, or narrowed) is set to 0700 when it is adopted.
TEST_F(PosixOsDir, TheDirectoryIs0700AndTheObjects0600) {
  for (const mode_t mask : {mode_t(0), mode_t(022), mode_t(0277), mode_t(0777)}) {
    PosixOs os(root_);
    const mode_t old = ::umask(mask);
    auto m = os.open("obj", kSize, true, nullptr);
    ::umask(old);
    ASSERT_NE(m.base, nullptr) << "umask " << std::oct << mask << ": " << os.last_reason();
    mode_t dmode = 0, omode = 0;
    uid_t downer = 1, oowner = 1;
    EXPECT_EQ(kind_of(os.dir(), &downer, &dmode), 'd');
    EXPECT_EQ(dmode, mode_t(0700)) << "umask " << std::oct << mask;
    EXPECT_EQ(downer, ::geteuid());
    EXPECT_EQ(kind_of(os.dir() + "/obj", &oowner, &omode), 'f');
    EXPECT_EQ(omode, mode_t(0600)) << "umask " << std::oct << mask;
    EXPECT_EQ(oowner, ::geteuid());
    os.close(m);
    os.remove("obj");
    ASSERT_TRUE(empty_dir(root_));
  }
  for (const mode_t pre : {mode_t(0755), mode_t(0500)}) {
    ASSERT_EQ(::mkdir(at(0).c_str(), 0700), 0);
    ASSERT_EQ(::chmod(at(0).c_str(), pre), 0);
    PosixOs os(root_);
    auto m = os.open("obj", kSize, true, nullptr);
    ASSERT_NE(m.base, nullptr) << std::oct << pre << ": " << os.last_reason();
    EXPECT_EQ(os.dir(), at(0)) << "a directory of ours is used, whatever its mode";
    mode_t dmode = 0;
    EXPECT_EQ(kind_of(at(0), nullptr, &dmode), 'd');
    EXPECT_EQ(dmode, mode_t(0700)) << "found " << std::oct << pre;
    os.close(m);
    os.remove("obj");
    ASSERT_TRUE(empty_dir(root_));
  }
}

// Past the cap, when every name of the chain is taken, open fails clearly (EEXIST and a reason)
// and makes no directory anywhere; the first name that frees up is used.
TEST_F(PosixOsDir, EveryNameTakenIsAClearFailure) {
  for (unsigned i = 0; i < PosixOs::kMaxDirs; ++i) {
    const int fd = ::open(at(i).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << at(i);
    ::close(fd);
  }
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  EXPECT_EQ(m.base, nullptr);
  EXPECT_EQ(os.last_error(), EEXIST);
  EXPECT_NE(std::string(os.last_reason()), "");
  EXPECT_EQ(os.dir(), "");
  std::size_t dirs = 0, entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(root_)) {
    ++entries;
    dirs += e.is_directory() && !e.is_symlink();
  }
  EXPECT_EQ(dirs, 0u);
  EXPECT_EQ(entries, std::size_t(PosixOs::kMaxDirs));
  EXPECT_EQ(kind_of(root_ + "/" + PosixOs::dir_name(::geteuid(), 0) + "." +
                    std::to_string(PosixOs::kMaxDirs)),
            '-');
  ASSERT_EQ(::unlink(at(PosixOs::kMaxDirs - 1).c_str()), 0);
  m = os.open("obj", kSize, true, nullptr);
  ASSERT_NE(m.base, nullptr) << os.last_reason();
  EXPECT_EQ(os.dir(), at(PosixOs::kMaxDirs - 1));
  os.close(m);
}

// A root that others may write without the sticky bit could have our directory renamed away
// under us: refused, nothing made.
TEST_F(PosixOsDir, ARootWritableByOthersWithoutTheStickyBitIsRefused) {
  ASSERT_EQ(::chmod(root_.c_str(), 0777), 0);
  PosixOs os(root_);
  auto m = os.open("obj", kSize, true, nullptr);
  EXPECT_EQ(m.base, nullptr);
  EXPECT_EQ(os.last_error(), EPERM);
  EXPECT_TRUE(empty_dir(root_));
  ASSERT_EQ(::chmod(root_.c_str(), 01777), 0);
}

// Only a creating open makes the directory: list, remove and a plain open of a user without
// one find nothing and leave nothing.
TEST_F(PosixOsDir, OnlyACreatingOpenMakesTheDirectory) {
  PosixOs os(root_);
  EXPECT_TRUE(os.list("").empty());
  os.remove("obj");
  auto m = os.open("obj", kSize, false, nullptr);
  EXPECT_EQ(m.base, nullptr);
  EXPECT_EQ(os.last_error(), ENOENT);
  EXPECT_EQ(os.dir(), "");
  EXPECT_TRUE(empty_dir(root_));
}

}  // namespace

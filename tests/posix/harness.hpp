// tests/posix/harness.hpp: what the gtest side of the real-process tests shares.
//
//   Children     spawns posix_worker processes (fork + exec, stdin and stdout on pipes, and
//                PR_SET_PDEATHSIG so a dying test binary takes its workers along), reads their
//                report lines with a bounded wait, and in its destructor SIGKILLs and waits for
//                every child still there: whatever a test asserts, no child outlives it.
//   unique_salt  a namesalt no other test (in this or another test binary) uses at the same time:
//                't' + base36(pid) + base36(counter), at most 8 characters.
//   ShmPrefix    the objects of one group (in PosixOs's per-user directory under /dev/shm, or
//                under another root): list, remove (tests clean at start and end), exists.
//
// Every wait is bounded (kHang): a bound is a hang check that fails the test, never a timing
// assertion. The machine may be a loaded 2-core VM, so the bounds are generous.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "prims/prim_posix.hpp"

namespace pt {

using namespace std::chrono_literals;

// A hang check, not a timing test.
constexpr int kHangMs = 20000;

inline std::string base36(std::uint64_t v) {
  const char* d = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s;
  do {
    s.insert(s.begin(), d[v % 36]);
    v /= 36;
  } while (v);
  return s;
}

// 't' first: never 'k' (see the orphan-sweep note in test_posix_processes.cpp).
inline std::string unique_salt() {
  static unsigned counter = 0;
  return "t" + base36(std::uint64_t(::getpid())) + base36(counter++);
}

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// key=value pairs of one report line ("ready live=3 used=3" -> {ready:"", live:"3", ...}).
using Fields = std::map<std::string, std::string>;
inline Fields parse_fields(const std::string& line) {
  Fields f;
  std::istringstream in(line);
  std::string tok;
  while (in >> tok) {
    const auto eq = tok.find('=');
    if (eq == std::string::npos)
      f[tok] = "";
    else
      f[tok.substr(0, eq)] = tok.substr(eq + 1);
  }
  return f;
}
inline long long num(const Fields& f, const std::string& k, long long dflt = -1) {
  const auto it = f.find(k);
  return it == f.end() ? dflt : std::strtoll(it->second.c_str(), nullptr, 0);
}
inline std::string str(const Fields& f, const std::string& k) {
  const auto it = f.find(k);
  return it == f.end() ? std::string("<missing ") + k + ">" : it->second;
}

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
  int in = -1;   // write end of the child's stdin
  std::string buf;
  bool reaped = false;
  int status = 0;
  std::string transcript;  // every line read, for failure messages
};

class Children {
 public:
  Children() = default;
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children() { kill_all(); }

  // Starts the worker with `args` (argv[1..]). via_intermediate: the worker's parent is a
  // helper process (the returned pid) that waits for it and exits with its status; killing the
  // helper kills the worker (PDEATHSIG).
  // `exe`: another worker binary (a twin); the default is posix_worker.
  Child& spawn(const std::vector<std::string>& args, bool via_intermediate = false,
               const std::string& exe = WC_POSIX_WORKER) {
    auto c = std::make_unique<Child>();
    int to_child[2] = {-1, -1}, from_child[2] = {-1, -1};
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
      std::perror("pipe2");
      std::abort();
    }
    std::vector<std::string> argv_s{exe};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("fork");
      std::abort();
    }
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(126);
      if (via_intermediate) {
        const pid_t me = ::getpid();
        const pid_t w = ::fork();
        if (w < 0) ::_exit(125);
        if (w > 0) {
          int st = 0;
          while (::waitpid(w, &st, 0) < 0 && errno == EINTR) {
          }
          ::_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        }
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != me) ::_exit(126);
      }
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    c->pid = pid;
    c->in = to_child[1];
    c->out = from_child[0];
    kids_.push_back(std::move(c));
    return *kids_.back();
  }

  // The next line of the child's stdout; false at EOF or after timeout_ms.
  static bool read_line(Child& c, std::string& line, int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
      const auto nl = c.buf.find('\n');
      if (nl != std::string::npos) {
        line = c.buf.substr(0, nl);
        c.buf.erase(0, nl + 1);
        c.transcript += line + "\n";
        return true;
      }
      if (c.out < 0) return false;
      const std::int64_t left = deadline - now_ms();
      if (left <= 0) return false;
      pollfd p{c.out, POLLIN, 0};
      const int r = ::poll(&p, 1, int(left));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      char tmp[4096];
      const ssize_t n = ::read(c.out, tmp, sizeof tmp);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(c.out);
        c.out = -1;
        continue;
      }
      c.buf.append(tmp, std::size_t(n));
    }
  }

  // The first line whose first word is `tag`, as fields (empty on EOF / timeout).
  static Fields expect_line(Child& c, const std::string& tag, int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    std::string line;
    while (read_line(c, line, int(std::max<std::int64_t>(1, deadline - now_ms())))) {
      if (line.compare(0, tag.size(), tag) == 0 &&
          (line.size() == tag.size() || line[tag.size()] == ' '))
        return parse_fields(line);
    }
    return {};
  }

  static void send(Child& c, const std::string& bytes) {
    if (c.in >= 0 && ::write(c.in, bytes.data(), bytes.size()) < 0) std::perror("write");
  }

  // Waits for the child to exit; its exit code, 128 + signal if killed, -1 on timeout.
  static int wait_exit(Child& c, int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    while (!c.reaped) {
      const pid_t r = ::waitpid(c.pid, &c.status, WNOHANG);
      if (r == c.pid) {
        c.reaped = true;
        break;
      }
      if (r < 0 && errno != EINTR) return -1;
      if (now_ms() >= deadline) return -1;
      std::this_thread::sleep_for(5ms);
    }
    return WIFEXITED(c.status) ? WEXITSTATUS(c.status) : 128 + WTERMSIG(c.status);
  }

  // SIGKILL without waiting: the child stays a zombie until wait_exit() or the destructor.
  static void kill9(Child& c) {
    if (!c.reaped) ::kill(c.pid, SIGKILL);
  }

  // Waits until /proc shows the (killed, unwaited) child as a zombie. Bounded.
  static bool until_zombie(Child& c, int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    while (now_ms() < deadline) {
      wc::PrimPosix::ProcStat st;
      if (wc::PrimPosix::read_stat(std::uint64_t(c.pid), st) == 0 && st.state == 'Z') return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }

  // Waits until /proc shows the child stopped (state 'T': it raised SIGSTOP, or was sent it).
  // A child that says "I am about to stop" and then raise(SIGSTOP)s may not have stopped yet when
  // the test reads the line: a SIGCONT sent before the stop would be lost. Bounded.
  static bool until_stopped(Child& c, int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    while (now_ms() < deadline) {
      wc::PrimPosix::ProcStat st;
      if (wc::PrimPosix::read_stat(std::uint64_t(c.pid), st) == 0 && st.state == 'T') return true;
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  // Waits until the child sleeps in a futex (its current system call, /proc/<pid>/syscall, is
  // SYS_futex): a waiter blocked on a lock. Bounded.
  static bool until_in_futex(Child& c, int timeout_ms = kHangMs) {
    const std::int64_t deadline = now_ms() + timeout_ms;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/syscall", int(c.pid));
    while (now_ms() < deadline) {
      char buf[64] = {};
      const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        const ssize_t n = ::read(fd, buf, sizeof buf - 1);
        ::close(fd);
        if (n > 0 && std::strtol(buf, nullptr, 10) == SYS_futex) return true;
      }
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  void kill_all() {
    for (auto& c : kids_) {
      if (!c->reaped) {
        ::kill(c->pid, SIGKILL);
        while (::waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR) {
        }
        c->reaped = true;
      }
      if (c->out >= 0) ::close(c->out);
      if (c->in >= 0) ::close(c->in);
      c->out = c->in = -1;
    }
  }

 private:
  std::vector<std::unique_ptr<Child>> kids_;
};

// The objects of one group: "<group>_reg", "<group>_k<kind>_g<gen>", in the per-user directory
// PosixOs resolves under `root` (/dev/shm by default). Removing the last one removes the
// directory too (PosixOs::remove), so a clean test leaves the root as it found it.
struct ShmPrefix {
  std::string prefix;  // "<group>_"
  std::string root = wc::PosixOs::kDefaultRoot;
  explicit ShmPrefix(const std::string& group) : prefix(group + "_") {}
  std::vector<std::string> list() const {
    wc::PosixOs os(root);
    return os.list(prefix);
  }
  void clean() const {
    wc::PosixOs os(root);
    for (const auto& n : os.list(prefix)) os.remove(n);
  }
  static bool exists(const std::string& name,
                     const std::string& root = wc::PosixOs::kDefaultRoot) {
    wc::PosixOs os(root);
    for (const auto& n : os.list(name))
      if (n == name) return true;
    return false;
  }
  // The path of an object (in the directory a fresh PosixOs resolves; "" if there is none).
  static std::string path(const std::string& name,
                          const std::string& root = wc::PosixOs::kDefaultRoot) {
    wc::PosixOs os(root);
    (void)os.list(name);  // resolves the directory without creating one
    return os.dir().empty() ? std::string() : os.dir() + "/" + name;
  }
};

inline std::string join_names(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "<none>" : s;
}

}  // namespace pt

/* bench/slowfs.c: the slow file system of bench/files.sh. A read-only FUSE passthrough of a
 * source directory that waits a fixed time in every call it answers, to stand for a file system
 * whose every round trip is expensive (a network file system with attribute caching off, a
 * container's overlay on a slow disk).
 *
 *   slowfs [-o delay_us=N,cache_s=S] SOURCE MOUNTPOINT [FUSE options: -f -o ro,allow_other,...]
 *
 *   delay_us  microseconds waited at the start of every call (default 200): getattr (what the
 *             kernel's LOOKUP and GETATTR become), readlink, open, read, flush, release, opendir,
 *             readdir, releasedir, statfs, access. The wait is an absolute clock_nanosleep on
 *             CLOCK_MONOTONIC with the thread's timer slack at 1 ns, so it is the delay asked for
 *             plus the wake-up latency, and it takes no CPU: calls of different processes wait
 *             side by side (libfuse's multi-threaded loop).
 *   cache_s   the kernel's entry, negative and attribute timeouts in seconds (default 0: the
 *             kernel keeps no name, attribute or miss, so every path lookup of every system call
 *             reaches this process, one LOOKUP per path component below the mount point, and
 *             file data is dropped at each open; the page cache still serves reads between an
 *             open and its close)
 *
 * Written against libfuse 3's high-level (path) API (Debian: libfuse3-dev; mount/unmount with
 * fuse3's fusermount3). Every operation resolves its path below one descriptor of SOURCE with the
 * *at() calls (no string concatenation, no chdir). Nothing is written: no write operation is
 * implemented (mount it with -o ro). On SIGUSR1 and at exit (unmount) it prints the number of calls
 * answered so far, of each kind and in all, as one line on stderr:
 *   slowfs: calls: getattr 1234 readlink 0 open 56 ... access 0 total 1400
 *
 * Build: cc -O2 -Wall bench/slowfs.c $(pkg-config --cflags --libs fuse3) -o slowfs
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <fuse.h>
#include <fuse_lowlevel.h> /* fuse_parse_cmdline */

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* the options; written once by main before the loop starts, read by every thread */
static struct {
  unsigned delay_us;
  double cache_s;
  char *source;
} opt = {200, 0.0, NULL};

static int src_fd = -1; /* O_PATH|O_DIRECTORY descriptor of SOURCE, opened by main */

/* the calls answered, by kind (relaxed counters, printed at destroy) */
enum kind { K_GETATTR, K_READLINK, K_OPEN, K_READ, K_FLUSH, K_RELEASE, K_OPENDIR, K_READDIR,
            K_RELEASEDIR, K_STATFS, K_ACCESS, K_COUNT };
static const char *const kind_name[K_COUNT] = {"getattr", "readlink", "open", "read", "flush",
                                               "release", "opendir", "readdir", "releasedir",
                                               "statfs", "access"};
static atomic_ulong calls[K_COUNT];

/* slow: count the call, then wait delay_us from now */
static void slow(enum kind k) {
  static __thread int slack_set; /* timer slack is per thread; libfuse starts threads as needed */
  atomic_fetch_add_explicit(&calls[k], 1, memory_order_relaxed);
  if (opt.delay_us == 0) return;
  if (!slack_set) {
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); /* the default 50 us would be added to every wait */
    slack_set = 1;
  }
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  uint64_t ns = (uint64_t)until.tv_nsec + (uint64_t)opt.delay_us * 1000u;
  until.tv_sec += (time_t)(ns / 1000000000u);
  until.tv_nsec = (long)(ns % 1000000000u);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
  }
}

/* rel: FUSE's path ("/a/b", "/") as a path relative to src_fd ("a/b", ".") */
static const char *rel(const char *path) {
  while (*path == '/') path++;
  return *path ? path : ".";
}

static void *sf_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  cfg->use_ino = 1;      /* the source's inode numbers, as the kernel would show them */
  cfg->entry_timeout = opt.cache_s;
  cfg->negative_timeout = opt.cache_s;
  cfg->attr_timeout = opt.cache_s;
  cfg->kernel_cache = 0; /* file data is dropped at each open */
  cfg->auto_cache = 0;
  cfg->direct_io = 0;
  return NULL;
}

/* print_calls: the counters as one line (one write: lines from SIGUSR1 and exit never mix) */
static void print_calls(void) {
  char line[512];
  int n = snprintf(line, sizeof line, "slowfs: calls:");
  unsigned long total = 0;
  for (int k = 0; k < K_COUNT; k++) {
    unsigned long c = atomic_load_explicit(&calls[k], memory_order_relaxed);
    total += c;
    n += snprintf(line + n, sizeof line - (size_t)n, " %s %lu", kind_name[k], c);
  }
  n += snprintf(line + n, sizeof line - (size_t)n, " total %lu\n", total);
  if (write(STDERR_FILENO, line, (size_t)n) < 0) {
  }
}

/* the SIGUSR1 thread: SIGUSR1 is blocked in every thread, this one takes it with sigwait */
static void *reporter(void *arg) {
  const sigset_t *set = arg;
  for (;;) {
    int sig;
    if (sigwait(set, &sig) == 0) print_calls();
  }
  return NULL;
}

static void sf_destroy(void *data) {
  (void)data;
  print_calls();
}

static int sf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  (void)fi;
  slow(K_GETATTR);
  return fstatat(src_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int sf_readlink(const char *path, char *buf, size_t size) {
  slow(K_READLINK);
  if (size == 0) return -EINVAL;
  ssize_t n = readlinkat(src_fd, rel(path), buf, size - 1);
  if (n < 0) return -errno;
  buf[n] = '\0';
  return 0;
}

static int sf_open(const char *path, struct fuse_file_info *fi) {
  slow(K_OPEN);
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
  int fd = openat(src_fd, rel(path), O_RDONLY | O_CLOEXEC | (fi->flags & O_NOFOLLOW));
  if (fd < 0) return -errno;
  fi->fh = (uint64_t)fd;
  return 0;
}

/* read: exactly size bytes unless the file ends first (FUSE fills a short answer with zeros) */
static int sf_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  (void)path;
  slow(K_READ);
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread((int)fi->fh, buf + got, size - got, off + (off_t)got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return got ? (int)got : -errno;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  return (int)got;
}

static int sf_flush(const char *path, struct fuse_file_info *fi) {
  (void)path;
  (void)fi;
  slow(K_FLUSH); /* the kernel sends one per close(2) of a descriptor */
  return 0;
}

static int sf_release(const char *path, struct fuse_file_info *fi) {
  (void)path;
  slow(K_RELEASE);
  close((int)fi->fh);
  return 0;
}

static int sf_opendir(const char *path, struct fuse_file_info *fi) {
  slow(K_OPENDIR);
  int fd = openat(src_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -errno;
  DIR *d = fdopendir(fd);
  if (!d) {
    int e = errno;
    close(fd);
    return -e;
  }
  fi->fh = (uint64_t)(uintptr_t)d;
  return 0;
}

/* readdir: from the position FUSE gives (0, or a telldir value handed out before) until the
 * kernel's buffer is full; each entry carries the position after it */
static int sf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)path;
  (void)flags;
  slow(K_READDIR);
  DIR *d = (DIR *)(uintptr_t)fi->fh;
  if (off == 0)
    rewinddir(d);
  else
    seekdir(d, off);
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e) return errno ? -errno : 0;
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_ino = e->d_ino;
    st.st_mode = (mode_t)DTTOIF(e->d_type);
    if (fill(buf, e->d_name, &st, telldir(d), 0)) return 0; /* full: the kernel asks again */
  }
}

static int sf_releasedir(const char *path, struct fuse_file_info *fi) {
  (void)path;
  slow(K_RELEASEDIR);
  closedir((DIR *)(uintptr_t)fi->fh);
  return 0;
}

static int sf_statfs(const char *path, struct statvfs *sv) {
  (void)path;
  slow(K_STATFS);
  return fstatvfs(src_fd, sv) == 0 ? 0 : -errno;
}

/* access: only called without -o default_permissions (with it the kernel checks the mode) */
static int sf_access(const char *path, int mask) {
  slow(K_ACCESS);
  if (mask & W_OK) return -EROFS;
  return faccessat(src_fd, rel(path), mask, AT_EACCESS) == 0 ? 0 : -errno;
}

static const struct fuse_operations ops = {
    .getattr = sf_getattr,
    .readlink = sf_readlink,
    .open = sf_open,
    .read = sf_read,
    .statfs = sf_statfs,
    .flush = sf_flush,
    .release = sf_release,
    .opendir = sf_opendir,
    .readdir = sf_readdir,
    .releasedir = sf_releasedir,
    .init = sf_init,
    .destroy = sf_destroy,
    .access = sf_access,
};

static const struct fuse_opt spec[] = {
    {"delay_us=%u", offsetof(__typeof__(opt), delay_us), 0},
    {"cache_s=%lf", offsetof(__typeof__(opt), cache_s), 0},
    FUSE_OPT_END,
};

/* the first argument that is not an option is SOURCE (taken out); the rest go to libfuse */
static int take_source(void *data, const char *arg, int key, struct fuse_args *out) {
  (void)data;
  (void)out;
  if (key == FUSE_OPT_KEY_NONOPT && !opt.source) {
    opt.source = strdup(arg);
    return 0;
  }
  return 1;
}

int main(int argc, char *argv[]) {
  struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
  struct fuse_cmdline_opts co;
  memset(&co, 0, sizeof co);
  if (fuse_opt_parse(&args, &opt, spec, take_source) != 0 || fuse_parse_cmdline(&args, &co) != 0)
    return 2;
  if (!opt.source || !co.mountpoint || opt.cache_s < 0) {
    fprintf(stderr, "usage: slowfs [-o delay_us=N,cache_s=S] SOURCE MOUNTPOINT [FUSE options]\n");
    return 2;
  }
  src_fd = open(opt.source, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (src_fd < 0) {
    fprintf(stderr, "slowfs: %s: %s\n", opt.source, strerror(errno));
    return 1;
  }
  /* fuse_main's own loop setup (libfuse 3.14) warns about an unset thread limit; this is the
   * same sequence with the limits given: up to 64 threads answering at once (a waiting call
   * holds its thread), 16 kept idle */
  struct fuse *f = fuse_new(&args, &ops, sizeof ops, NULL);
  if (!f) return 1;
  int rc = 1;
  if (fuse_mount(f, co.mountpoint) == 0) {
    struct fuse_session *se = fuse_get_session(f);
    static sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_t rt;
    /* after fuse_daemonize (a fork would leave the thread behind); before the loop's threads,
     * which inherit the blocked SIGUSR1 */
    if (fuse_daemonize(co.foreground) == 0 && fuse_set_signal_handlers(se) == 0 &&
        pthread_sigmask(SIG_BLOCK, &usr1, NULL) == 0 && pthread_create(&rt, NULL, reporter, &usr1) == 0) {
      pthread_detach(rt);
      if (co.singlethread) {
        rc = fuse_loop(f) ? 1 : 0;
      } else {
        struct fuse_loop_config *lc = fuse_loop_cfg_create();
        fuse_loop_cfg_set_max_threads(lc, 64);
        fuse_loop_cfg_set_idle_threads(lc, 16);
        rc = fuse_loop_mt(f, lc) ? 1 : 0;
        fuse_loop_cfg_destroy(lc);
      }
      fuse_remove_signal_handlers(se);
    }
    fuse_unmount(f);
  }
  fuse_destroy(f);
  free(co.mountpoint);
  fuse_opt_free_args(&args);
  return rc;
}

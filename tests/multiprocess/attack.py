#!/usr/bin/python3
# tests/multiprocess/attack.py: what another local user tries against a victim's objects (issue
# 17 part 2). Run AS THE ATTACKER (setpriv); it is told the victim's paths (it could not list
# them: that is one of the attacks) and its pids.
#
#   attack.py --dir D [--dir D2 ...] --file F [--file F2 ...] [--pid P ...] --scratch S
#
# Every attempt must be refused with EACCES or EPERM. One line per attempt:
#   DENIED <op> <path> <errno name>    refused as it must be
#   BREACH <op> <path>                 it worked: the victim's object was reached
#   ODD <op> <path> <errno name>       refused for another reason (the path was wrong, the
#                                      object gone...): the attack proves nothing, a failure too
# and a last line "attempts=N denied=N breach=N odd=N". Exit status 0 only if every attempt was
# DENIED. S is a directory of the attacker's on the same file system as the victim's objects
# (/dev/shm for the segments), so that a rename is refused for its permissions, not with EXDEV.
import argparse
import errno
import mmap
import os
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--dir", action="append", default=[])
ap.add_argument("--file", action="append", default=[])
ap.add_argument("--pid", action="append", default=[])
ap.add_argument("--scratch", action="append", default=[])
args = ap.parse_args()

counts = {"attempts": 0, "denied": 0, "breach": 0, "odd": 0}


def attempt(op, path, fn):
    counts["attempts"] += 1
    try:
        fn()
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        if e.errno in (errno.EACCES, errno.EPERM):
            counts["denied"] += 1
            print(f"DENIED {op} {path} {name}")
        else:
            counts["odd"] += 1
            print(f"ODD {op} {path} {name}")
        return
    counts["breach"] += 1
    print(f"BREACH {op} {path}")


def scratch_for(path):
    """An attacker's file on the file system of `path` (for rename/link)."""
    st = os.stat(os.path.dirname(os.path.dirname(path)) or "/")
    for s in args.scratch:
        if os.stat(s).st_dev == st.st_dev:
            return s
    return args.scratch[0]


def open_close(path, flags):
    os.close(os.open(path, flags | os.O_NONBLOCK | os.O_NOCTTY))


def do_mmap(path, flags, prot):
    fd = os.open(path, flags | os.O_NONBLOCK)
    try:
        m = mmap.mmap(fd, 0 if os.fstat(fd).st_size else 4096, mmap.MAP_SHARED, prot)
        m.close()
    finally:
        os.close(fd)


def do_write(path):
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.write(fd, b"owned")
    finally:
        os.close(fd)


def rename_over(path):
    s = os.path.join(scratch_for(path), "evil_%d" % os.getpid())
    with open(s, "w") as f:
        f.write("evil")
    try:
        os.rename(s, path)
    finally:
        if os.path.exists(s):
            os.unlink(s)


def rename_away(path):
    os.rename(path, os.path.join(scratch_for(path), "stolen_%d" % os.getpid()))


def hard_link(path):
    os.link(path, os.path.join(scratch_for(path), "link_%d" % os.getpid()))


for f in args.file:
    attempt("open_rdonly", f, lambda: open_close(f, os.O_RDONLY))
    attempt("open_rdwr", f, lambda: open_close(f, os.O_RDWR))
    attempt("mmap_read", f, lambda: do_mmap(f, os.O_RDONLY, mmap.PROT_READ))
    attempt("mmap_write", f, lambda: do_mmap(f, os.O_RDWR, mmap.PROT_READ | mmap.PROT_WRITE))
    attempt("write", f, lambda: do_write(f))
    attempt("truncate", f, lambda: os.truncate(f, 0))
    attempt("chmod", f, lambda: os.chmod(f, 0o666))
    attempt("chown", f, lambda: os.chown(f, os.getuid(), os.getgid()))
    attempt("unlink", f, lambda: os.unlink(f))
    attempt("rename_over", f, lambda: rename_over(f))
    attempt("rename_away", f, lambda: rename_away(f))
    attempt("hard_link", f, lambda: hard_link(f))
    attempt("stat", f, lambda: os.stat(f))

for d in args.dir:
    attempt("list", d, lambda: os.listdir(d))
    attempt("create_in", d, lambda: os.close(os.open(os.path.join(d, "planted"),
                                                     os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)))
    attempt("symlink_in", d, lambda: os.symlink("/etc/passwd", os.path.join(d, "planted_link")))
    attempt("mkfifo_in", d, lambda: os.mkfifo(os.path.join(d, "planted_fifo")))
    attempt("chmod", d, lambda: os.chmod(d, 0o777))
    attempt("rename_away", d, lambda: os.rename(d, d + ".stolen"))
    attempt("rmdir", d, lambda: os.rmdir(d))

for p in args.pid:
    # the kernel's other ways into a process's memory and descriptors
    attempt("proc_mem", "/proc/%s/mem" % p, lambda: open_close("/proc/%s/mem" % p, os.O_RDONLY))
    attempt("proc_map_files", "/proc/%s/map_files" % p, lambda: os.listdir("/proc/%s/map_files" % p))
    attempt("proc_fd", "/proc/%s/fd" % p, lambda: os.listdir("/proc/%s/fd" % p))

print("attempts=%d denied=%d breach=%d odd=%d" % (counts["attempts"], counts["denied"],
                                                   counts["breach"], counts["odd"]))
sys.exit(0 if counts["attempts"] == counts["denied"] else 1)

<?php
// bench/php/syscalls.php: counts the file-system system calls in an strace log of bench/files.sh.
//
//   php8.2 -n bench/php/syscalls.php --root APPDIR --requests N STRACE_LOG
//
// The log is `strace -f -qq -y -e trace=<FS_SET> -o LOG -p WORKER...` over exactly N requests
// (files.sh: FS_SET is strace's %file class plus the descriptor calls listed there). A call is a
// file-system call when it names a path (its first string argument; "" with AT_EMPTY_PATH, or a
// relative path, is taken with the descriptor or working directory it is relative to), or when a
// descriptor argument is a file (strace -y shows it as N</path>). Not counted: descriptors that
// are sockets, pipes, anonymous inodes (eventfd, inotify, epoll), and character devices under
// /dev other than /dev/shm (/dev/null, /dev/urandom). Failed calls (a stat of a missing path)
// are counted: they went to the file system all the same.
//
// Each counted call goes to one category by its path (APPDIR as strace shows it: physical, no
// symlink):
//   includes  the autoloader, the class trees (vendor/ lib/ src/ modules/) and config/*.php
//   reads     config/ (its .json and .ini) and templates/: the page's rerouted reads
//   front     APPDIR itself, index.php, the directories above APPDIR: the request's start
//             (php-fpm's checks of the script, its chdir, OPcache's check of the front page)
//   other     anything else (/dev/shm, /proc, /etc, /usr ...)
// Prints, per request (the counts / N, 2 decimals):
//   SYSCALLS all=A includes=I reads=R front=F other=O seen=K
// K is the number of requests the log shows: php-fpm chdirs into the script's directory (APPDIR)
// once at the start of each request; a K other than N means the log is not N whole requests.
//   BY <category>: name=count ...          (by system call, most first)
//   PATHS other: path=count ...            (the 8 most frequent paths of "other")
declare(strict_types=1);

$root = null;
$n = 0;
$log = null;
for ($i = 1; $i < $argc; $i++) {
    match ($argv[$i]) {
        '--root' => $root = rtrim($argv[++$i] ?? '', '/'),
        '--requests' => $n = (int)($argv[++$i] ?? 0),
        default => $log = $argv[$i],
    };
}
if ($root === null || $root === '' || $n < 1 || $log === null) {
    fwrite(STDERR, "usage: syscalls.php --root APPDIR --requests N STRACE_LOG\n");
    exit(2);
}
$fh = fopen($log, 'rb');
if (!$fh) {
    fwrite(STDERR, "syscalls.php: cannot read $log\n");
    exit(1);
}

// descriptor calls whose string arguments are data or attribute names, never paths
const FD_CALLS = ['read', 'pread64', 'readv', 'preadv', 'preadv2', 'write', 'pwrite64', 'writev',
                  'pwritev', 'pwritev2', 'fstat', 'fstatfs', 'lseek', 'close', 'getdents64', 'mmap',
                  'fchdir', 'flock', 'fcntl', 'fsync', 'fdatasync', 'ftruncate', 'fallocate',
                  'fadvise64', 'readahead', 'sendfile', 'copy_file_range', 'splice', 'ioctl',
                  'fgetxattr', 'flistxattr', 'fsetxattr', 'fremovexattr', 'fchmod', 'fchown',
                  'syncfs', 'sync_file_range'];
$fd_calls = array_flip(FD_CALLS);

// normalize: "//" and "/./" collapsed, ".." taken textually (strace shows what was asked)
function normalize(string $p): string
{
    $out = [];
    foreach (explode('/', $p) as $seg) {
        if ($seg === '' || $seg === '.') continue;
        if ($seg === '..') { array_pop($out); continue; }
        $out[] = $seg;
    }
    return '/' . implode('/', $out);
}
// a descriptor's file, from strace -y's N<...>; null unless it is a file-system path
function fd_path(string $annot): ?string
{
    if ($annot === '' || $annot[0] !== '/') return null;              // socket:[..] pipe:[..] anon_inode:..
    if (str_starts_with($annot, '/dev/') && !str_starts_with($annot, '/dev/shm/')) return null;
    return $annot;
}
function unquote(string $s): string
{
    return stripcslashes($s);
}

$count = ['includes' => [], 'reads' => [], 'front' => [], 'other' => []];
$other_paths = [];
$cwd = [];
$seen = 0;
$categorize = function (string $p) use ($root): string {
    if ($p === $root || str_starts_with($p, "$root/")) {
        $rel = substr($p, strlen($root) + 1);
        if ($rel === false || $rel === '' || $rel === 'index.php') return 'front';
        $first = explode('/', $rel, 2)[0];
        if ($rel === 'autoload.php' || in_array($first, ['vendor', 'lib', 'src', 'modules'], true)
            || ($first === 'config' && str_ends_with($rel, '.php'))) return 'includes';
        if ($first === 'config' || $first === 'templates') return 'reads';
        return 'front';
    }
    if ($p === '/' || str_starts_with($root, "$p/")) return 'front';
    return 'other';
};

while (($l = fgets($fh)) !== false) {
    // "PID name(args) = ret" or "PID name(args <unfinished ...>"; "<... name resumed>", "+++", "---"
    if (!preg_match('/^(\d+)\s+([a-z_0-9]+)\((.*)$/', $l, $m)) continue;
    [, $pid, $name, $args] = $m;
    $path = null;
    if (isset($fd_calls[$name])) {
        // the first argument; mmap's descriptor is its fifth (-1: anonymous), sendfile, splice and
        // copy_file_range have two: those calls have no string argument, so any N<...> is a
        // descriptor (read and write buffers, which could hold "1<x>", are never scanned)
        $re = '(\d+)<((?:[^>\\\\]|\\\\.)*)>';
        $fds = [];
        if (in_array($name, ['mmap', 'sendfile', 'splice', 'copy_file_range'], true)) {
            preg_match_all("/(?<![\\w])$re/", $args, $all, PREG_SET_ORDER);
            $fds = array_column($all, 2);
        } elseif (preg_match("/^$re/", $args, $fm)) {
            $fds = [$fm[2]];
        }
        foreach ($fds as $a) {
            if (($p = fd_path(unquote($a))) !== null) { $path = $p; break; }
        }
        if ($name === 'fchdir' && $path !== null && !str_contains($l, '= -1')) $cwd[$pid] = $path;
    } else {
        // a path call: its first string argument, relative to its dirfd or the working directory
        $first_fd = preg_match('/^(\d+)<((?:[^>\\\\]|\\\\.)*)>/', $args, $fm) ? unquote($fm[2]) : null;
        if (preg_match('/"((?:[^"\\\\]|\\\\.)*)"/', $args, $sm)) {
            $s = unquote($sm[1]);
            if ($s === '') {
                $path = $first_fd !== null ? fd_path($first_fd) : null;   // AT_EMPTY_PATH
            } elseif ($s[0] === '/') {
                $path = $s;
            } elseif ($first_fd !== null) {
                $path = fd_path($first_fd) === null ? null : "$first_fd/$s";
            } else {
                $path = ($cwd[$pid] ?? '/?cwd') . "/$s";
            }
            if ($path !== null) {
                $path = normalize($path);
                if (str_starts_with($path, '/dev/') && !str_starts_with($path, '/dev/shm/')) $path = null;
            }
        }
        if ($name === 'chdir' && $path !== null && !str_contains($l, '= -1')) {
            $cwd[$pid] = $path;
            if ($path === $root) $seen++;
        }
    }
    if ($path === null) continue;
    $cat = $categorize($path);
    $count[$cat][$name] = ($count[$cat][$name] ?? 0) + 1;
    if ($cat === 'other') $other_paths[$path] = ($other_paths[$path] ?? 0) + 1;
}
fclose($fh);

$per = fn(int $c) => sprintf('%.2f', $c / $n);
$tot = array_map('array_sum', $count);
printf("SYSCALLS all=%s includes=%s reads=%s front=%s other=%s seen=%d\n", $per(array_sum($tot)),
       $per($tot['includes']), $per($tot['reads']), $per($tot['front']), $per($tot['other']), $seen);
foreach ($count as $cat => $by) {
    arsort($by);
    $s = [];
    foreach ($by as $k => $c) $s[] = "$k=" . $per($c);
    echo "BY $cat: ", $s ? implode(' ', $s) : '-', "\n";
}
arsort($other_paths);
$s = [];
foreach (array_slice($other_paths, 0, 8, true) as $p => $c) $s[] = "$p=" . $per($c);
echo 'PATHS other: ', $s ? implode(' ', $s) : '-', "\n";

<?php
/*
 * tests/reroute/corpus.php: the differential corpus for the 13 file functions WinCache reroutes
 * (rmdir, file_exists, file_get_contents, filesize, is_dir, is_file, is_readable, is_writable,
 * is_writeable, readfile, realpath, unlink, rename).
 *
 * It is run twice, in fresh processes with identical settings: once by PHP alone and once with
 * wincache.so loaded and wincache.reroute_enabled=1 (tests/reroute/run.sh). Each run prints one
 * JSON record per call on stdout; compare.php compares the two recordings case by case. Whatever a
 * reroute answers from its caches must be exactly what PHP answers: the return value, the bytes
 * written (readfile), every warning / notice / deprecation (class and text) and every exception.
 *
 * Environment (not argv: php-cgi has none):
 *   WCR_SCRATCH  a directory this process owns; the fixture tree is <WCR_SCRATCH>/t (required)
 *   WCR_PHASE    build: create the fixture tree and exit; run: run the corpus over an existing
 *                tree (the default); all: both in one process
 *   WCR_SETTING  plain   no open_basedir
 *                obd_rt  open_basedir tightened at run time (ini_set) to the fixture's base/
 *                obd_ini open_basedir given on the command line by run.sh (base/ and this
 *                        script's directory: php-cgi refuses a main script outside open_basedir)
 *
 * Output: one JSON object per line. Records whose id starts with '#' are metadata ('#meta' first,
 * '#end' last, with the number of calls); the comparator checks them separately. Every string in a
 * record is ASCII: bytes outside 0x20..0x7e are C-escaped, the scratch directory is written {S}
 * and this script's directory {T}, runs of a repeated 1- or 2-byte unit longer than 15 are written
 * {unit*count} (with a crc32 of the raw string appended), strings over 200 bytes are written as
 * their length, sha1, head and tail. Nothing else varies between runs: no times, pids, inode
 * numbers or temporary names reach the output.
 *
 * Fields: i id (unique), g group, f function, p path form, v argument variant, s setting,
 * c the call as written, w the cwd at the call, r the return value, o the output (null if none),
 * d the diagnostics raised (E_* name and message, in order), x the exception (class: message),
 * a the state after the call (a listing of the sandbox, or a stream wrapper's call log), n a note.
 */
declare(strict_types=0);

error_reporting(E_ALL);
ini_set('display_errors', '1');
ini_set('log_errors', '0');
ini_set('html_errors', '0');

const WCR_FUNCS = ['rmdir', 'file_exists', 'file_get_contents', 'filesize', 'is_dir', 'is_file',
                   'is_readable', 'is_writable', 'is_writeable', 'readfile', 'realpath', 'unlink',
                   'rename'];
const WCR_STAT = ['file_exists', 'filesize', 'is_dir', 'is_file', 'is_readable', 'is_writable',
                  'is_writeable', 'realpath'];

$scratch = getenv('WCR_SCRATCH');
// (Under obd_ini the scratch directory itself is outside open_basedir: no is_dir() / realpath().)
if ($scratch === false || $scratch === '' || $scratch[0] !== '/') {
    fwrite(fopen('php://stderr', 'w'), "corpus.php: WCR_SCRATCH must be an absolute path (an existing directory)\n");
    exit(2);
}
$phase = getenv('WCR_PHASE') ?: 'run';
$setting = getenv('WCR_SETTING') ?: 'plain';
if (!in_array($setting, ['plain', 'obd_rt', 'obd_ini'], true) || !in_array($phase, ['build', 'run', 'all'], true)) {
    fwrite(fopen('php://stderr', 'w'), "corpus.php: bad WCR_PHASE '$phase' or WCR_SETTING '$setting'\n");
    exit(2);
}

// ---------------------------------------------------------------------------------------------
// Paths of the fixture tree.
final class P
{
    public static string $S;   // scratch (real path)
    public static string $F;   // fixture root: S/t
    public static string $B;   // base: F/base (cwd of most cases; the open_basedir of obd_*)
    public static string $O;   // outside: F/outside (never inside open_basedir)
    public static string $T;   // this script's directory
    public static string $deep = '';     // the deepest directory of base/deep
    public static array $deepLeaf = [];  // path length => absolute path of a leaf file
}
P::$S = (ini_get('open_basedir') === '' ? realpath($scratch) : false) ?: rtrim($scratch, '/');
P::$F = P::$S . '/t';
P::$B = P::$F . '/base';
P::$O = P::$F . '/outside';
P::$T = __DIR__;

// ---------------------------------------------------------------------------------------------
// The fixture tree. Deterministic: contents come from a hash chain, never from time or randomness.
function wcr_blob(int $n, string $seed): string
{
    $s = '';
    $h = $seed;
    while (strlen($s) < $n) {
        $h = sha1($h, true);
        $s .= $h;
    }
    return substr($s, 0, $n);
}

function wcr_put(string $path, string $data, ?int $mode = null): void
{
    @mkdir(dirname($path), 0777, true);
    if (file_put_contents($path, $data) !== strlen($data)) {
        throw new RuntimeException("fixture: cannot write $path");
    }
    if ($mode !== null) {
        chmod($path, $mode);
    }
}

function wcr_deep_layout(): void
{
    // Nested 200-byte directory names under base/deep, then leaves whose absolute paths are
    // exactly 4093, 4094 and 4095 bytes long (PATH_MAX is 4096 with the NUL; PHP's own
    // virtual_file_ex refuses paths of MAXPATHLEN-1 = 4095 bytes and more; wincache's key
    // limit is 4096 bytes).
    $p = P::$B . '/deep';
    $rem = 4095 - strlen($p) - 1;
    while ($rem > 255) {
        $step = min(200, $rem - 150);
        $p .= '/' . str_repeat('d', $step);
        $rem -= $step + 1;
    }
    P::$deep = $p;
    foreach ([4093, 4094, 4095, 4096] as $len) {
        P::$deepLeaf[$len] = $p . '/' . str_repeat('f', $len - strlen($p) - 1);
    }
}

function wcr_build(): void
{
    $B = P::$B;
    $O = P::$O;
    umask(022);
    if (file_exists(P::$F . '/base')) {
        throw new RuntimeException('fixture: ' . P::$F . ' is not empty');
    }
    @mkdir(P::$F, 0755);
    mkdir($B, 0755);
    mkdir($O, 0755);
    wcr_put(P::$F . '/top.txt', "top\n");
    wcr_put("$O/secret.txt", "outside-secret\n");
    wcr_put("$O/odir/o.txt", "outside-o\n");
    for ($v = 0; $v < 64; $v++) {
        $vd = sprintf('%s/victims/v%02d', $O, $v);
        wcr_put("$vd/f.txt", "victim-$v\n");
        wcr_put("$vd/d/x.txt", "victim-dx-$v\n");
        mkdir("$vd/ed");
    }

    wcr_put("$B/empty.txt", '');
    wcr_put("$B/small.txt", "hello\n");
    wcr_put("$B/medium.bin", wcr_blob(4113, 'medium') . "\0\0tail");
    wcr_put("$B/large.bin", wcr_blob(300000, 'large'));
    wcr_put("$B/k256.bin", wcr_blob(262144, 'k256'));
    wcr_put("$B/k256p1.bin", wcr_blob(262145, 'k256p1'));
    wcr_put("$B/noread.txt", "noread\n", 0200);
    wcr_put("$B/nowrite.txt", "nowrite\n", 0444);
    wcr_put("$B/noperm.txt", "noperm\n", 0000);
    wcr_put("$B/with space.txt", "space\n");
    wcr_put("$B/ünïcødé-名前.txt", "unicode\n");
    wcr_put("$B/new\nline.txt", "newline\n");
    wcr_put("$B/-dash.txt", "dash\n");
    wcr_put("$B/a:b.txt", "colon\n");
    wcr_put("$B/back\\slash.txt", "backslash\n");
    wcr_put("$B/" . str_repeat('l', 251) . '.txt', "long255\n");
    wcr_put("$B/cwdonly.txt", "cwdonly\n");
    wcr_put("$B/shadow.txt", "base-shadow\n");
    wcr_put("$B/123", "named-123\n");
    wcr_put("$B/1", "named-1\n");
    wcr_put("$B/1.5", "named-1.5\n");
    wcr_put("$B/dir/inner.txt", "inner\n");
    wcr_put("$B/dir/small.txt", "dir-small\n");
    wcr_put("$B/dir/nested/leaf.txt", "leaf\n");
    wcr_put("$B/dir/nested/deeper/leaf2.txt", "leaf2\n");
    wcr_put("$B/dir/nested/small.txt", "nested-small\n");
    mkdir("$B/emptydir");
    wcr_put("$B/noexec_dir/f.txt", "noexec\n");
    chmod("$B/noexec_dir", 0600);
    wcr_put("$B/rodir/x.txt", "rodir-x\n");
    chmod("$B/rodir", 0555);
    wcr_put("$B/inc1/ipfile.txt", "inc1-ipfile\n");
    wcr_put("$B/inc1/shadow.txt", "inc1-shadow\n");
    wcr_put("$B/inc1/sub/ipsub.txt", "inc1-sub\n");
    wcr_put("$B/inc2/ipfile2.txt", "inc2-ipfile2\n");
    wcr_put("$B/inc2/shadow.txt", "inc2-shadow\n");
    wcr_put("$B/caller/calleronly.txt", "calleronly\n");
    wcr_put("$B/caller/caller.php", <<<'PHP'
<?php
// Calls made from here have this directory as the executing script's directory (the last
// place a use_include_path lookup searches).
function wcr_call_from_caller(string $fn, array $args)
{
    return $fn(...$args);
}
PHP);
    symlink('small.txt', "$B/link_file");
    symlink("$B/small.txt", "$B/link_abs");
    symlink('dir', "$B/link_dir");
    symlink('dir/nested', "$B/link_deep");
    symlink('nonexistent.txt', "$B/link_dangling");
    symlink('link_loop', "$B/link_loop");
    symlink('link_file', "$B/link_chain");
    symlink('../outside/secret.txt', "$B/link_out");
    symlink('../outside/odir', "$B/link_outdir");
    symlink('empty.txt', "$B/link_empty");
    symlink('noperm.txt', "$B/link_noperm");
    mkdir("$B/vlinks");
    for ($v = 0; $v < 16; $v++) {
        symlink(sprintf('../../outside/victims/v%02d/f.txt', 48 + $v), sprintf('%s/vlinks/lo_%02d', $B, $v));
    }
    mkdir("$B/mut");
    // A FIFO (stat-type cases only: reading one would block). No posix extension under -n.
    exec('mkfifo ' . escapeshellarg("$B/fifo") . ' 2>/dev/null');

    wcr_deep_layout();
    mkdir(P::$deep, 0777, true);
    foreach ([4093, 4094, 4095] as $len) {
        $leaf = P::$deepLeaf[$len];
        exec('cd ' . escapeshellarg(dirname($leaf)) . ' && printf "deep-' . $len . '\n" > ' . escapeshellarg(basename($leaf)));
    }
}

// ---------------------------------------------------------------------------------------------
// The recorder.
final class R
{
    /** @var resource */
    public static $out;
    public static string $setting = '';
    public static string $group = '';
    public static array $diag = [];
    public static bool $inWrapper = false;  // a user stream wrapper's method runs: its own log
    public static bool $recordReporting = false;
    public static int $calls = 0;
    public static array $seen = [];
    public static array $repl = [];

    public static function errname(int $no): string
    {
        static $names = [E_ERROR => 'E_ERROR', E_WARNING => 'E_WARNING', E_PARSE => 'E_PARSE',
            E_NOTICE => 'E_NOTICE', E_CORE_ERROR => 'E_CORE_ERROR', E_CORE_WARNING => 'E_CORE_WARNING',
            E_COMPILE_ERROR => 'E_COMPILE_ERROR', E_COMPILE_WARNING => 'E_COMPILE_WARNING',
            E_USER_ERROR => 'E_USER_ERROR', E_USER_WARNING => 'E_USER_WARNING',
            E_USER_NOTICE => 'E_USER_NOTICE', E_STRICT => 'E_STRICT',
            E_RECOVERABLE_ERROR => 'E_RECOVERABLE_ERROR', E_DEPRECATED => 'E_DEPRECATED',
            E_USER_DEPRECATED => 'E_USER_DEPRECATED'];
        return $names[$no] ?? "E_$no";
    }

    public static function norm(string $s): string
    {
        return strtr($s, self::$repl);
    }

    /** Normalise, compact and C-escape a string: the result is printable ASCII. */
    public static function esc(string $s): string
    {
        $s = self::norm($s);
        $c = preg_replace_callback('/(.{1,2}?)\1{15,}/s', static function ($m) {
            return "\x01" . $m[1] . '*' . intdiv(strlen($m[0]), strlen($m[1])) . "\x02";
        }, $s);
        $e = addcslashes($c, "\0..\37\"\\\177..\377");
        if ($c !== $s) {
            $e = strtr($e, ['\\001' => '{', '\\002' => '}']) . ' #crc32=' . hash('crc32b', $s);
        }
        return $e;
    }

    public static function desc(mixed $v): string
    {
        if ($v === null) {
            return 'NULL';
        }
        if (is_bool($v)) {
            return $v ? 'true' : 'false';
        }
        if (is_int($v)) {
            return "int($v)";
        }
        if (is_float($v)) {
            return 'float(' . var_export($v, true) . ')';
        }
        if (is_string($v)) {
            $n = self::norm($v);
            if (strlen($n) <= 200) {
                return 'string(' . strlen($n) . ') "' . self::esc($n) . '"';
            }
            return 'string(' . strlen($n) . ') sha1=' . sha1($n) . ' head="' . self::esc(substr($n, 0, 40))
                . '" tail="' . self::esc(substr($n, -16)) . '"';
        }
        if (is_resource($v) || gettype($v) === 'resource (closed)') {
            return 'resource(' . get_resource_type($v) . ')';
        }
        if (is_object($v)) {
            return 'object(' . get_class($v) . ')';
        }
        if (is_array($v)) {
            $parts = [];
            foreach ($v as $k => $x) {
                $parts[] = (is_int($k) ? $k : '"' . self::esc($k) . '"') . '=>' . self::desc($x);
            }
            return 'array(' . implode(', ', $parts) . ')';
        }
        return gettype($v);
    }

    public static function callText(string $fn, array $args): string
    {
        $parts = [];
        foreach ($args as $k => $a) {
            $parts[] = (is_string($k) ? "$k: " : '') . self::desc($a);
        }
        return $fn . '(' . implode(', ', $parts) . ')';
    }

    public static function emit(array $rec): void
    {
        $id = $rec['i'];
        if (isset(self::$seen[$id])) {
            $id .= '#' . (++self::$seen[$rec['i']]);
        } else {
            self::$seen[$id] = 1;
        }
        $rec['i'] = $id;
        $line = json_encode($rec, JSON_UNESCAPED_SLASHES);
        if ($line === false) {
            $line = json_encode(['i' => $id, 'g' => $rec['g'] ?? '', 'bad' => json_last_error_msg()]);
        }
        fwrite(self::$out, $line . "\n");
    }

    public static function meta(string $id, array $fields): void
    {
        self::emit(['i' => $id] + $fields);
    }
}

function wcr_cwd(): string
{
    $c = getcwd();
    return $c === false ? '(false)' : R::esc($c);
}

/**
 * Make one call and record it. $opt: via (callable: how to call), after (callable returning a
 * string: the state after the call), note, text (the call as written when $args is not literal).
 */
function C(string $fn, string $form, string $var, array $args, array $opt = []): mixed
{
    R::$diag = [];
    $ret = null;
    $exc = null;
    $cwd = wcr_cwd();
    $text = $opt['text'] ?? R::callText($fn, $args);
    ob_start();
    try {
        if (isset($opt['via'])) {
            $ret = ($opt['via'])($fn, $args);
        } else {
            $ret = $fn(...$args);
        }
    } catch (Throwable $e) {
        $exc = get_class($e) . ': ' . R::esc($e->getMessage());
    }
    $o = ob_get_clean();
    $diag = R::$diag;
    R::$diag = [];
    $after = isset($opt['after']) ? ($opt['after'])() : null;
    if (in_array($fn, WCR_FUNCS, true)) {
        R::$calls++;
    }
    // Labels are normalised too (an auxiliary step's label may hold a path).
    [$fn, $form, $var] = [R::esc($fn), R::esc($form), R::esc($var)];
    R::emit(['i' => R::$group . "/$fn/$form/$var", 'g' => R::$group, 'f' => $fn, 'p' => $form, 'v' => $var,
             's' => R::$setting, 'c' => $text, 'w' => $cwd,
             'r' => $exc === null ? R::desc($ret) : '(exception)',
             'o' => $o === '' ? null : R::desc($o), 'd' => $diag, 'x' => $exc, 'a' => $after,
             'n' => $opt['note'] ?? null]);
    return $ret;
}

/** An auxiliary step (setup, chdir, an external command...): recorded, but not one of the 13. */
function A(string $what, callable $f, string $form = '-'): mixed
{
    return C($what, $form, '-', [], ['via' => static fn() => $f(), 'text' => $what]);
}

function wcr_group(string $g): void
{
    R::$group = $g;
    clearstatcache(true);
    if (getcwd() !== P::$B) {
        chdir(P::$B);
    }
}

set_error_handler(static function (int $no, string $str): bool {
    $line = R::errname($no) . ' ' . R::esc($str);
    if (R::$inWrapper) {
        WcrWrapper::$log[] = 'diag: ' . $line;
        return true;
    }
    if (R::$recordReporting) {
        $line .= ' [error_reporting=' . error_reporting() . ']';
    }
    R::$diag[] = $line;
    return true;
});

// ---------------------------------------------------------------------------------------------
// Sandboxes: a fresh little tree per destructive case or sequence, under base/mut (inside
// open_basedir). The listing after the call is part of the record.
final class Sandbox
{
    public static int $n = 0;
    public static int $victim = 0;
    public static int $vlink = 0;
}

const WCR_SANDBOX_SPEC = [
    'f.txt' => "file-f\n", 'e.txt' => '', 'g.txt' => "file-g-longer\n", 'F.TXT' => "upper-F\n",
    'd/x.txt' => "dx\n", 'ed/' => null, 'ro/x.txt' => "ro-x\n", 'sp ace.txt' => "space\n",
    'ü.txt' => "umlaut\n", 'l_f' => ['link' => 'f.txt'], 'l_d' => ['link' => 'd'],
    'l_ed' => ['link' => 'ed'], 'l_dang' => ['link' => 'missing.txt'],
];

/** Create base/mut/NNNN-<name>/w with $spec (default: the standard spec); chdir into w; return w. */
function wcr_sandbox(string $name, ?array $spec = null): string
{
    $root = sprintf('%s/mut/%04d-%s', P::$B, ++Sandbox::$n, $name);
    $w = "$root/w";
    $saved = R::$diag;
    R::$diag = [];
    mkdir($w, 0755, true);
    foreach ($spec ?? WCR_SANDBOX_SPEC as $rel => $what) {
        $p = "$w/$rel";
        if (is_array($what) && isset($what['link'])) {
            symlink($what['link'], $p);
        } elseif ($what === null) {
            mkdir($p, 0755, true);
        } else {
            @mkdir(dirname($p), 0755, true);
            file_put_contents($p, $what);
        }
    }
    if (isset(($spec ?? WCR_SANDBOX_SPEC)['ro/x.txt'])) {
        chmod("$w/ro", 0555);
    }
    if (R::$diag) {
        R::emit(['i' => R::$group . "/(setup)/$name", 'g' => R::$group, 'f' => '(setup)', 'p' => $name,
                 'v' => '-', 's' => R::$setting, 'd' => R::$diag]);
    }
    R::$diag = $saved;
    chdir($w);
    return $w;
}

/**
 * A listing of a directory tree from lstat() (never through one of the 13 functions): name, type,
 * size and content digest of files, link targets.
 */
function wcr_listing(string $dir, string $prefix = ''): string
{
    $saved = R::$diag;
    $names = @scandir($dir);
    if ($names === false) {
        R::$diag = $saved;
        return $prefix . '(unreadable)';
    }
    $out = [];
    foreach ($names as $n) {
        if ($n === '.' || $n === '..') {
            continue;
        }
        $p = "$dir/$n";
        $rel = $prefix . $n;
        $st = @lstat($p);
        if ($st === false) {
            $out[] = "$rel?";
        } elseif (($st['mode'] & 0170000) === 0120000) {
            $out[] = "$rel@->" . readlink($p);
        } elseif (($st['mode'] & 0170000) === 0040000) {
            $out[] = sprintf('%s/%o', $rel, $st['mode'] & 0777);
            $sub = wcr_listing($p, "$rel/");
            if ($sub !== '') {
                $out[] = $sub;
            }
        } else {
            $h = @md5_file($p);
            $out[] = sprintf('%s:%d:%s:%o', $rel, $st['size'], $h === false ? '?' : substr($h, 0, 8), $st['mode'] & 0777);
        }
    }
    R::$diag = $saved;
    return implode(' ', $out);
}

function wcr_after(string $root, ?string $victim = null): callable
{
    return static function () use ($root, $victim): string {
        $saved = R::$diag;
        clearstatcache(true);
        $s = R::esc(wcr_listing($root));
        if ($victim !== null) {
            $s .= ' || victim: ' . R::esc(wcr_listing($victim));
        }
        clearstatcache(true);
        R::$diag = $saved;
        return $s;
    };
}

function wcr_victim(): string
{
    return sprintf('%s/victims/v%02d', P::$O, (Sandbox::$victim++) % 48);
}

// ---------------------------------------------------------------------------------------------
// Path forms of the read-only fixture, relative to cwd = base. Tags: 'noread' keeps a form away
// from file_get_contents / readfile (a FIFO would block).
function wcr_forms(): array
{
    $B = P::$B;
    $F = P::$F;
    $f = [
        'abs_small' => "$B/small.txt",
        'abs_empty' => "$B/empty.txt",
        'abs_medium' => "$B/medium.bin",
        'abs_large' => "$B/large.bin",
        'abs_256k' => "$B/k256.bin",
        'abs_256k_plus1' => "$B/k256p1.bin",
        'rel_small' => 'small.txt',
        'rel_dot' => './small.txt',
        'rel_dotdot_in' => 'dir/../small.txt',
        'rel_parent' => '../base/small.txt',
        'rel_sub' => 'dir/inner.txt',
        'rel_nested' => 'dir/nested/leaf.txt',
        'rel_large' => 'large.bin',
        'abs_dotdot' => "$B/dir/../small.txt",
        'abs_dot' => "$B/./small.txt",
        'abs_dblslash' => "$B//small.txt",
        'rel_dblslash' => 'dir//inner.txt',
        'abs_dotdot_missing' => "$B/nodir/../small.txt",
        'rel_dotdot_missing' => 'nodir/../small.txt',
        'abs_dotdot_file' => "$B/small.txt/../small.txt",
        'rel_dotdot_symdeep' => 'link_deep/../inner.txt',
        'rel_dotdot_symdeep2' => 'link_deep/../small.txt',
        'trail_file' => 'small.txt/',
        'trail_dir' => 'dir/',
        'trail_dir_abs' => "$B/dir/",
        'trail_dot' => 'dir/.',
        'trail_dotdot' => 'dir/..',
        'abs_dir' => "$B/dir",
        'rel_dir' => 'dir',
        'emptydir' => 'emptydir',
        'dot' => '.',
        'dotdot' => '..',
        'root' => '/',
        'empty' => '',
        'space_only' => ' ',
        'sym_file' => 'link_file',
        'sym_abs' => 'link_abs',
        'sym_dir' => 'link_dir',
        'sym_dir_file' => 'link_dir/inner.txt',
        'sym_dir_trail' => 'link_dir/',
        'sym_dangling' => 'link_dangling',
        'sym_dangling_trail' => 'link_dangling/',
        'sym_loop' => 'link_loop',
        'sym_chain' => 'link_chain',
        'sym_out' => 'link_out',
        'sym_outdir_file' => 'link_outdir/o.txt',
        'sym_empty' => 'link_empty',
        'sym_noperm' => 'link_noperm',
        'abs_sym_file' => "$B/link_file",
        'abs_sym_dir_file' => "$B/link_dir/inner.txt",
        'missing_rel' => 'nope.txt',
        'missing_abs' => "$B/nope.txt",
        'missing_dir' => 'nodir/nope.txt',
        'missing_trail' => 'nope/',
        'case_upper' => 'SMALL.TXT',
        'space_name' => 'with space.txt',
        'unicode_name' => 'ünïcødé-名前.txt',
        'unicode_nfd' => "u\u{308}n\u{131}c\u{308}\u{f8}de\u{301}-名前.txt",
        'newline_name' => "new\nline.txt",
        'dash_name' => '-dash.txt',
        'colon_name' => 'a:b.txt',
        'backslash_name' => 'back\\slash.txt',
        'backslash_sep' => 'dir\\inner.txt',
        'win_drive' => 'C:\\small.txt',
        'unc' => '\\\\server\\share\\small.txt',
        'long255' => str_repeat('l', 251) . '.txt',
        'long256' => str_repeat('l', 252) . '.txt',
        'deep_4093' => P::$deepLeaf[4093],
        'deep_4094' => P::$deepLeaf[4094],
        'deep_4095' => P::$deepLeaf[4095],
        'deep_4096' => P::$deepLeaf[4096],
        'deep_rel_4095' => substr(P::$deepLeaf[4095], strlen($B) + 1),
        'deep_dir' => P::$deep,
        'over_max_dots' => $B . str_repeat('/.', 2100) . '/small.txt',
        'over_max_name' => str_repeat('x', 5000),
        'nul_mid' => "small.txt\0.php",
        'nul_end' => "small.txt\0",
        'nul_only' => "\0",
        'noread' => 'noread.txt',
        'nowrite' => 'nowrite.txt',
        'noperm' => 'noperm.txt',
        'noexec_inner' => 'noexec_dir/f.txt',
        'noexec_dir' => 'noexec_dir',
        'rodir' => 'rodir',
        'rodir_file' => 'rodir/x.txt',
        'fifo' => 'fifo',
        'devnull' => '/dev/null',
        'outside_abs' => "$F/outside/secret.txt",
        'outside_rel' => '../outside/secret.txt',
        'outside_dir' => "$F/outside/odir",
        'top_file' => '../top.txt',
        'base_dir_abs' => $B,
        'ip_only' => 'ipfile.txt',
        'ip_only2' => 'ipfile2.txt',
        'ip_shadow' => 'shadow.txt',
        'ip_sub' => 'sub/ipsub.txt',
        'ip_dot' => './ipfile.txt',
        'scriptdir_only' => 'compare.php',
        'callerdir_only' => 'calleronly.txt',
        'w_file_abs' => "file://$B/small.txt",
        'w_file_rel' => 'file://small.txt',
        'w_file_upper' => "FILE://$B/small.txt",
        'w_file_localhost' => "file://localhost$B/small.txt",
        'w_file_pct' => "file://$B/with%20space.txt",
        'w_file_dir' => "file://$B/dir",
        'w_file_missing' => "file://$B/nope.txt",
        'w_file_dotdot' => "file://$B/dir/../small.txt",
        'w_file_sym' => "file://$B/link_file",
        'w_mem' => 'php://memory',
        'w_temp' => 'php://temp',
        'w_input' => 'php://input',
        'w_php_bad' => 'php://nonsense',
        'w_filter' => 'php://filter/read=string.toupper/resource=small.txt',
        'w_filter_abs' => "php://filter/read=string.rot13/resource=$B/small.txt",
        'w_filter_missing' => 'php://filter/resource=nope.txt',
        'w_data' => 'data:text/plain;base64,SGVsbG8sIFdvcmxkIQ==',
        'w_data2' => 'data://text/plain,hi%20there',
        'w_data_bad' => 'data:;base64,@@@',
        'w_http' => 'http://127.0.0.1:1/x.txt',
        'w_https' => 'https://127.0.0.1:1/x.txt',
        'w_ftp' => 'ftp://127.0.0.1:1/x.txt',
        'w_zlib' => 'compress.zlib://small.txt',
        'w_zlib_missing' => 'compress.zlib://nope.txt',
        'w_glob' => 'glob://*.txt',
        'w_unknown' => 'unknownscheme://small.txt',
        'w_phar' => 'phar://x.phar/small.txt',
    ];
    return $f;
}

const WCR_NOREAD_FORMS = ['fifo'];

// ---------------------------------------------------------------------------------------------
// Groups.

function g_initcwd(): void
{
    // Before any chdir(): the SAPI's own starting cwd (CLI: where it was started; CGI: the
    // script's directory).
    R::$group = 'initcwd';
    clearstatcache(true);
    foreach (['dot' => '.', 'empty' => '', 'script' => 'corpus.php', 'sibling' => 'compare.php',
              'fixture' => 't/base/small.txt', 'tdir' => 't', 'missing' => 'nope.txt'] as $form => $p) {
        foreach (WCR_STAT as $fn) {
            C($fn, $form, 'initcwd', [$p]);
        }
        if ($p !== '' && $p !== '.' && $p !== 't') {
            C('file_get_contents', $form, 'initcwd', [$p]);
            C('file_get_contents', $form, 'initcwd,uip=true', [$p, true]);
            C('readfile', $form, 'initcwd', [$p]);
        }
    }
}

function wcr_fgc_variants(mixed $ctx): array
{
    return [
        '-' => static fn($p) => [$p],
        'uip=false' => static fn($p) => [$p, false],
        'uip=true' => static fn($p) => [$p, true],
        'uip=false,ctx=null' => static fn($p) => [$p, false, null],
        'uip=true,ctx=null' => static fn($p) => [$p, true, null],
        'uip=false,ctx=res' => static fn($p) => [$p, false, $ctx],
        'uip=true,ctx=res' => static fn($p) => [$p, true, $ctx],
        'named:ctx=res' => static fn($p) => ['filename' => $p, 'context' => $ctx],
        'named:uip=true' => static fn($p) => ['filename' => $p, 'use_include_path' => true],
    ];
}

function g_read(mixed $ctx): void
{
    wcr_group('read');
    $forms = wcr_forms();
    foreach ($forms as $form => $p) {
        foreach (WCR_STAT as $fn) {
            C($fn, $form, '-', [$p]);
        }
    }
    wcr_group('fgc');
    foreach ($forms as $form => $p) {
        if (in_array($form, WCR_NOREAD_FORMS, true)) {
            continue;
        }
        foreach (wcr_fgc_variants($ctx) as $var => $mk) {
            C('file_get_contents', $form, $var, $mk($p));
        }
    }
    wcr_group('readfile');
    foreach ($forms as $form => $p) {
        if (in_array($form, WCR_NOREAD_FORMS, true)) {
            continue;
        }
        foreach (wcr_fgc_variants($ctx) as $var => $mk) {
            C('readfile', $form, $var, $mk($p));
        }
    }
    // offset / length: every pair, over the forms where they mean something different.
    wcr_group('fgc_range');
    $rangeForms = ['abs_small', 'abs_empty', 'abs_medium', 'abs_large', 'abs_256k', 'abs_256k_plus1',
                   'rel_small', 'sym_file', 'rel_dir', 'missing_rel', 'noread', 'devnull', 'w_mem',
                   'w_data', 'w_filter', 'w_zlib', 'w_http', 'ip_only'];
    $offsets = [0, 1, 5, 6, 7, -1, -3, -6, -7, -1000, 4096, 262144, 1000000];
    $lengths = ['omit', null, 0, 1, 3, 262145, 1000000, -1];
    foreach ($rangeForms as $form) {
        $p = $forms[$form];
        foreach ($offsets as $off) {
            foreach ($lengths as $len) {
                $args = [$p, $form === 'ip_only', null, $off];
                if ($len !== 'omit') {
                    $args[] = $len;
                }
                $var = "off=$off,len=" . ($len === null ? 'null' : $len);
                C('file_get_contents', $form, $var, $args);
            }
        }
        C('file_get_contents', $form, 'named:off=2', ['filename' => $p, 'offset' => 2]);
        C('file_get_contents', $form, 'named:len=2', ['filename' => $p, 'length' => 2]);
        C('file_get_contents', $form, 'named:ctx=res,off=-2,len=1',
          ['filename' => $p, 'context' => $ctx, 'offset' => -2, 'length' => 1]);
    }
}

function g_cwd(): void
{
    wcr_group('cwd');
    $B = P::$B;
    $cwds = ['base' => $B, 'dir' => "$B/dir", 'link_dir' => "$B/link_dir", 'nested' => "$B/dir/nested",
             'fixture' => P::$F, 'outside' => P::$O, 'base_again' => $B, 'link_dir_again' => "$B/link_dir"];
    $rel = ['small' => 'small.txt', 'dot_small' => './small.txt', 'up_small' => '../small.txt',
            'inner' => 'inner.txt', 'leaf' => 'leaf.txt', 'nested_leaf' => 'nested/leaf.txt',
            'up_base_small' => '../base/small.txt', 'dir' => 'dir', 'dot' => '.', 'dotdot' => '..',
            'empty' => '', 'link_file' => 'link_file', 'top' => 'top.txt', 'up_top' => '../top.txt',
            'up2_top' => '../../top.txt', 'missing' => 'nope.txt', 'secret' => 'secret.txt',
            'ip_only' => 'ipfile.txt'];
    foreach ($cwds as $cname => $dir) {
        A('chdir', static fn() => chdir($dir), "cwd=$cname");
        foreach ($rel as $form => $p) {
            foreach (WCR_STAT as $fn) {
                C($fn, $form, "cwd=$cname", [$p]);
            }
            if ($p !== '') {
                C('file_get_contents', $form, "cwd=$cname", [$p]);
                C('file_get_contents', $form, "cwd=$cname,uip=true", [$p, true]);
                C('readfile', $form, "cwd=$cname", [$p]);
            }
        }
    }
    chdir($B);
}

function g_include_path(): void
{
    wcr_group('ip');
    $B = P::$B;
    require_once "$B/caller/caller.php";
    $paths = ['abs' => "$B/inc1" . PATH_SEPARATOR . "$B/inc2",
              'dot_swapped' => '.' . PATH_SEPARATOR . "$B/inc2" . PATH_SEPARATOR . "$B/inc1",
              'relative' => 'inc1' . PATH_SEPARATOR . 'inc2',
              'empty' => '',
              'missing_dirs' => "$B/nope1" . PATH_SEPARATOR . "$B/nope2",
              'abs_again' => "$B/inc1" . PATH_SEPARATOR . "$B/inc2"];
    $forms = ['ip_only' => 'ipfile.txt', 'ip_only2' => 'ipfile2.txt', 'ip_shadow' => 'shadow.txt',
              'ip_sub' => 'sub/ipsub.txt', 'ip_dot' => './ipfile.txt', 'ip_dotdot' => '../inc1/ipfile.txt',
              'cwdonly' => 'cwdonly.txt', 'scriptdir_only' => 'compare.php',
              'callerdir_only' => 'calleronly.txt', 'small' => 'small.txt', 'missing' => 'nope.txt',
              'abs_small' => "$B/small.txt", 'inner' => 'inner.txt', 'w_file' => "file://$B/small.txt"];
    $fns = ['fgc' => ['file_get_contents', false], 'fgc_uip' => ['file_get_contents', true],
            'readfile' => ['readfile', false], 'readfile_uip' => ['readfile', true]];
    $via = ['main' => null, 'caller' => static fn($fn, $args) => wcr_call_from_caller($fn, $args)];
    foreach ($paths as $pname => $ip) {
        A('set_include_path', static fn() => set_include_path($ip), "ip=$pname");
        foreach (['base' => $B, 'dir' => "$B/dir"] as $cname => $cwd) {
            chdir($cwd);
            foreach ($via as $vname => $v) {
                $opt = $v ? ['via' => $v] : [];
                foreach ($forms as $form => $p) {
                    $tag = "ip=$pname,cwd=$cname,from=$vname";
                    foreach ($fns as $fname => [$fn, $uip]) {
                        C($fn, $form, "$tag,$fname", [$p, $uip], $opt);
                    }
                    foreach (['file_exists', 'is_file', 'filesize', 'realpath', 'is_readable'] as $fn) {
                        C($fn, $form, $tag, [$p], $opt);
                    }
                }
            }
        }
    }
    chdir($B);
    set_include_path("$B/inc1" . PATH_SEPARATOR . "$B/inc2");
}

function g_warm(): void
{
    wcr_group('warm');
    $forms = wcr_forms();
    $pick = ['abs_small', 'rel_small', 'abs_large', 'abs_256k', 'abs_256k_plus1', 'abs_empty', 'sym_file',
             'sym_dir_file', 'rel_dir', 'missing_rel', 'noread', 'noperm', 'w_file_abs', 'ip_only',
             'rel_dotdot_missing', 'trail_file', 'outside_abs', 'deep_4094'];
    for ($rep = 1; $rep <= 3; $rep++) {
        foreach ($pick as $form) {
            $p = $forms[$form];
            foreach (array_merge(WCR_STAT, ['file_get_contents', 'readfile']) as $fn) {
                C($fn, $form, "rep=$rep", [$p]);
            }
            C('file_get_contents', $form, "rep=$rep,uip=true", [$p, true]);
        }
    }
    // Interleaved: one function warms, another reads.
    foreach ($pick as $form) {
        $p = $forms[$form];
        foreach (['file_exists', 'file_get_contents', 'filesize', 'readfile', 'is_file', 'file_get_contents',
                  'realpath', 'file_get_contents'] as $k => $fn) {
            C($fn, $form, "interleave=$k", [$p]);
        }
        C('file_get_contents', $form, 'interleave=off', [$p, false, null, 2, 3]);
    }
}

final class WcrStringable
{
    public function __construct(private string $s)
    {
    }

    public function __toString(): string
    {
        return $this->s;
    }
}

function g_coerce(mixed $ctx): void
{
    wcr_group('coerce');
    $stream = fopen('php://memory', 'r');
    $args1 = ['null' => null, 'int' => 123, 'int1' => 1, 'true' => true, 'false' => false, 'float' => 1.5,
              'stringable' => new WcrStringable('small.txt'), 'array' => [], 'resource' => $stream,
              'object' => new stdClass()];
    foreach (WCR_FUNCS as $fn) {
        if (in_array($fn, ['unlink', 'rename', 'rmdir'], true)) {
            continue;
        }
        foreach ($args1 as $var => $a) {
            C($fn, 'arg1', $var, [$a]);
        }
        C($fn, 'none', 'noargs', []);
        C($fn, 'two', 'extra_arg', $fn === 'file_get_contents' || $fn === 'readfile'
            ? ['small.txt', false, null, 0, null, 'extra'] : ['small.txt', 'extra']);
        C($fn, 'named', 'unknown_named', ['filename' => 'small.txt', 'bogus' => 1]);
    }
    foreach (['uip' => [1 => 'yes'], 'uip_null' => [1 => null], 'uip_int' => [1 => 2],
              'ctx_stream' => [2 => $stream], 'ctx_array' => [2 => []], 'ctx_false' => [2 => false],
              'off_str' => [3 => '3'], 'off_bad' => [3 => 'abc'], 'off_float' => [3 => 1.5],
              'off_null' => [3 => null], 'len_str' => [4 => '2'], 'len_float' => [4 => 2.0],
              'len_false' => [4 => false]] as $var => $over) {
        foreach (['file_get_contents', 'readfile'] as $fn) {
            $args = ['small.txt', false, null, 0, null];
            foreach ($over as $k => $v) {
                $args[$k] = $v;
            }
            if ($fn === 'readfile') {
                if (max(array_keys($over)) > 2) {
                    continue;
                }
                $args = array_slice($args, 0, 3);
            } elseif (!array_key_exists(4, $over) && !array_key_exists(3, $over)) {
                $args = array_slice($args, 0, 3);
            }
            C($fn, 'small', $var, $args);
        }
    }
    C('file_get_contents', 'small', 'named:positional_then_named', ['small.txt', 'length' => 3]);
    C('file_get_contents', 'small', 'named:dup', ['small.txt', 'filename' => 'x']);
    C('readfile', 'small', 'named:ctx_only', ['filename' => 'small.txt', 'context' => $ctx]);
    // The destructive three in a sandbox (names 123, 1, 1.5 exist there).
    foreach (['unlink', 'rmdir', 'rename'] as $fn) {
        $spec = WCR_SANDBOX_SPEC + ['123' => "n123\n", '1' => "n1\n", '1.5' => "n15\n", '1d/' => null];
        foreach ($args1 as $var => $a) {
            $w = wcr_sandbox("coerce-$fn-$var", $spec);
            $args = $fn === 'rename' ? [$a, 'renamed.txt'] : [$a];
            C($fn, 'arg1', $var, $args, ['after' => wcr_after(dirname($w))]);
            if ($fn === 'rename') {
                $w = wcr_sandbox("coerce-$fn-to-$var", $spec);
                C($fn, 'arg2', $var, ['f.txt', $a], ['after' => wcr_after(dirname($w))]);
            }
        }
        $w = wcr_sandbox("coerce-$fn-misc", $spec);
        C($fn, 'none', 'noargs', []);
        C($fn, 'f', 'ctx_stream', $fn === 'rename' ? ['f.txt', 'n.txt', $stream] : ['f.txt', $stream]);
        C($fn, 'f', 'ctx_array', $fn === 'rename' ? ['f.txt', 'n.txt', []] : ['f.txt', []]);
        C($fn, 'f', 'extra_arg', $fn === 'rename' ? ['f.txt', 'n.txt', null, 'x'] : ['f.txt', null, 'x']);
        C($fn, 'f', 'unknown_named', $fn === 'rename' ? ['from' => 'f.txt', 'to' => 'n.txt', 'bogus' => 1]
            : ['f.txt', 'bogus' => 1], ['after' => wcr_after(dirname($w))]);
        $w = wcr_sandbox("coerce-$fn-named", $spec);
        C($fn, 'named', 'named', $fn === 'rename' ? ['to' => 'n.txt', 'from' => 'f.txt']
            : [($fn === 'rmdir' ? 'directory' : 'filename') => ($fn === 'rmdir' ? 'ed' : 'f.txt')],
          ['after' => wcr_after(dirname($w))]);
    }
    chdir(P::$B);
    fclose($stream);
    C('file_get_contents', 'arg1', 'closed_resource', [$stream]);
    C('file_get_contents', 'ctx', 'closed_resource', ['small.txt', false, $stream]);
}

/** Literal calls: compiled as direct internal calls, not through a variable function name. */
function g_direct(mixed $ctx): void
{
    wcr_group('direct');
    $B = P::$B;
    foreach (['abs' => "$B/small.txt", 'rel' => 'small.txt', 'dir' => 'dir', 'missing' => 'nope.txt',
              'sym' => 'link_file'] as $form => $p) {
        C('file_exists', $form, 'literal', [$p], ['via' => static fn() => file_exists($p)]);
        C('file_get_contents', $form, 'literal', [$p], ['via' => static fn() => file_get_contents($p)]);
        C('file_get_contents', $form, 'literal,uip,ctx', [$p, true, $ctx],
          ['via' => static fn() => file_get_contents($p, true, $ctx)]);
        C('filesize', $form, 'literal', [$p], ['via' => static fn() => filesize($p)]);
        C('is_dir', $form, 'literal', [$p], ['via' => static fn() => is_dir($p)]);
        C('is_file', $form, 'literal', [$p], ['via' => static fn() => is_file($p)]);
        C('is_readable', $form, 'literal', [$p], ['via' => static fn() => is_readable($p)]);
        C('is_writable', $form, 'literal', [$p], ['via' => static fn() => is_writable($p)]);
        C('is_writeable', $form, 'literal', [$p], ['via' => static fn() => is_writeable($p)]);
        C('readfile', $form, 'literal', [$p], ['via' => static fn() => readfile($p)]);
        C('realpath', $form, 'literal', [$p], ['via' => static fn() => realpath($p)]);
        C('file_exists', $form, 'call_user_func', [$p], ['via' => static fn() => call_user_func('file_exists', $p)]);
        C('file_get_contents', $form, 'first_class', [$p], ['via' => static function () use ($p) {
            $f = file_get_contents(...);
            return $f($p);
        }]);
        C('is_file', $form, 'array_map', [$p], ['via' => static fn() => array_map('is_file', [$p])[0]]);
    }
    $w = wcr_sandbox('direct');
    $after = wcr_after(dirname($w));
    C('unlink', 'f', 'literal', ['f.txt'], ['via' => static fn() => unlink('f.txt'), 'after' => $after]);
    C('rename', 'g', 'literal', ['g.txt', 'h.txt'], ['via' => static fn() => rename('g.txt', 'h.txt'), 'after' => $after]);
    C('rmdir', 'ed', 'literal', ['ed'], ['via' => static fn() => rmdir('ed'), 'after' => $after]);
    C('unlink', 'missing', 'literal', ['f.txt'], ['via' => static fn() => unlink('f.txt', $ctx), 'after' => $after]);
    C('rename', 'missing', 'literal', ['g.txt', 'i.txt'], ['via' => static fn() => rename('g.txt', 'i.txt', null), 'after' => $after]);
    C('rmdir', 'missing', 'literal', ['ed'], ['via' => static fn() => rmdir('ed', null), 'after' => $after]);
    chdir($B);
}

function g_silence(): void
{
    wcr_group('silence');
    $B = P::$B;
    // The destructive calls here consume the sandbox's files (in the same order in both runs).
    $w = wcr_sandbox('silence', ['small.txt' => "hello\n", 'dir/x.txt' => "x\n", 'noperm.txt' => "np\n"]);
    chmod("$w/noperm.txt", 0);
    R::$recordReporting = true;
    foreach (['missing' => 'nope.txt', 'dir' => 'dir', 'small' => 'small.txt', 'noperm' => 'noperm.txt',
              'nul' => "a\0b", 'http' => 'http://127.0.0.1:1/'] as $form => $p) {
        C('file_get_contents', $form, '@', [$p], ['via' => static fn() => @file_get_contents($p)]);
        C('readfile', $form, '@', [$p], ['via' => static fn() => @readfile($p)]);
        C('filesize', $form, '@', [$p], ['via' => static fn() => @filesize($p)]);
        C('realpath', $form, '@', [$p], ['via' => static fn() => @realpath($p)]);
        C('file_exists', $form, '@', [$p], ['via' => static fn() => @file_exists($p)]);
        C('unlink', $form, '@', [$p], ['via' => static fn() => @unlink($p)]);
        C('rmdir', $form, '@', [$p], ['via' => static fn() => @rmdir($p)]);
        C('rename', $form, '@', [$p], ['via' => static fn() => @rename($p, "$w/renamed-$form")]);
        C('file_get_contents', $form, 'error_reporting=0', [$p], ['via' => static function () use ($p) {
            $old = error_reporting(0);
            try {
                return file_get_contents($p);
            } finally {
                error_reporting($old);
            }
        }]);
    }
    R::$recordReporting = false;
    C('(listing)', 'silence', '-', [], ['via' => static fn() => null, 'after' => wcr_after(dirname($w))]);
    chdir($B);
    // error_get_last() after a rerouted call's warning (the handler declines: PHP records it).
    foreach (['missing' => 'nope.txt', 'small' => 'small.txt'] as $form => $p) {
        C('file_get_contents', $form, 'error_get_last', [$p], ['via' => static function () use ($p) {
            error_clear_last();
            set_error_handler(static fn() => false);
            try {
                $r = @file_get_contents($p);
            } finally {
                restore_error_handler();
            }
            $e = error_get_last();
            return [$r, $e === null ? null : [$e['type'], $e['message']]];
        }]);
    }
}

// ---------------------------------------------------------------------------------------------
// User stream wrappers: a wcr:// scheme mapped onto base/, and the file:// wrapper itself
// replaced (as vfsStream-like and code-patching tools do): plain paths then belong to PHP code,
// and every call must reach it.
final class WcrWrapper
{
    public $context;
    private $h = null;
    public static array $log = [];
    public static string $scheme = 'wcr';
    public static bool $overridesFile = false;

    private static function real(string $p): string
    {
        if (self::$overridesFile) {
            return str_starts_with($p, 'file://') ? substr($p, 7) : $p;
        }
        return P::$B . '/' . substr($p, strlen(self::$scheme) + 3);
    }

    private static function plain(callable $f): mixed
    {
        R::$inWrapper = true;
        if (self::$overridesFile) {
            stream_wrapper_restore('file');
        }
        try {
            return $f();
        } finally {
            if (self::$overridesFile) {
                stream_wrapper_unregister('file');
                stream_wrapper_register('file', self::class);
            }
            R::$inWrapper = false;
        }
    }

    private static function log(string $s): void
    {
        self::$log[] = R::esc($s);
    }

    public function url_stat(string $p, int $flags)
    {
        self::log("url_stat($p, $flags)");
        return self::plain(static function () use ($p, $flags) {
            $r = ($flags & STREAM_URL_STAT_LINK) ? @lstat(self::real($p)) : @stat(self::real($p));
            return $r;
        });
    }

    public function stream_open(string $p, string $mode, int $options, ?string &$opened): bool
    {
        self::log("stream_open($p, $mode, $options)");
        $this->h = self::plain(fn() => @fopen(self::real($p), $mode));
        return $this->h !== false;
    }

    public function stream_read(int $n)
    {
        return fread($this->h, $n);
    }

    public function stream_eof(): bool
    {
        return feof($this->h);
    }

    public function stream_stat()
    {
        return fstat($this->h);
    }

    public function stream_seek(int $o, int $w): bool
    {
        self::log("stream_seek($o, $w)");
        return fseek($this->h, $o, $w) === 0;
    }

    public function stream_tell(): int
    {
        return ftell($this->h);
    }

    public function stream_close(): void
    {
        fclose($this->h);
    }

    public function stream_set_option(int $o, int $a1, ?int $a2): bool
    {
        return false;
    }

    public function unlink(string $p): bool
    {
        self::log("unlink($p)");
        return self::plain(static fn() => @unlink(self::real($p)));
    }

    public function rename(string $a, string $b): bool
    {
        self::log("rename($a, $b)");
        return self::plain(static fn() => @rename(self::real($a), self::real($b)));
    }

    public function rmdir(string $p, int $options): bool
    {
        self::log("rmdir($p, $options)");
        return self::plain(static fn() => @rmdir(self::real($p)));
    }
}

function g_userwrap(mixed $ctx): void
{
    wcr_group('userwrap');
    $B = P::$B;
    $take = static function (): string {
        $l = WcrWrapper::$log;
        WcrWrapper::$log = [];
        return implode(' | ', $l);
    };
    stream_wrapper_register('wcr', WcrWrapper::class);
    foreach (['small' => 'wcr://small.txt', 'dir' => 'wcr://dir', 'missing' => 'wcr://nope.txt',
              'sym' => 'wcr://link_file', 'empty' => 'wcr://empty.txt', 'noperm' => 'wcr://noperm.txt'] as $form => $p) {
        foreach (array_merge(WCR_STAT, ['file_get_contents', 'readfile']) as $fn) {
            C($fn, $form, 'wcr', [$p], ['after' => $take]);
        }
        C('file_get_contents', $form, 'wcr,off=2,len=3', [$p, false, $ctx, 2, 3], ['after' => $take]);
    }
    foreach (['unlink' => ['wcr://mut/uw/f.txt'], 'rename' => ['wcr://mut/uw/g.txt', 'wcr://mut/uw/h.txt'],
              'rmdir' => ['wcr://mut/uw/ed']] as $fn => $args) {
        @mkdir("$B/mut/uw/ed", 0755, true);
        file_put_contents("$B/mut/uw/f.txt", 'f');
        file_put_contents("$B/mut/uw/g.txt", 'g');
        C($fn, 'sandbox', 'wcr', $args, ['after' => $take]);
        C($fn, 'sandbox', 'wcr,again', $args, ['after' => $take]);
    }
    stream_wrapper_unregister('wcr');
    C('file_exists', 'small', 'wcr_unregistered', ['wcr://small.txt']);

    // file:// replaced by PHP code.
    WcrWrapper::$overridesFile = true;
    $forms = ['abs_small' => "$B/small.txt", 'rel_small' => 'small.txt', 'dir' => 'dir', 'missing' => 'nope.txt',
              'sym' => 'link_file', 'w_file' => "file://$B/small.txt", 'large' => 'large.bin'];
    $run = static function (string $var) use ($forms, $take): void {
        stream_wrapper_unregister('file');
        stream_wrapper_register('file', WcrWrapper::class);
        try {
            foreach ($forms as $form => $p) {
                foreach (array_merge(WCR_STAT, ['file_get_contents', 'readfile']) as $fn) {
                    C($fn, $form, $var, [$p], ['after' => $take]);
                }
                C('file_get_contents', $form, "$var,uip=true", [$p, true], ['after' => $take]);
            }
            $w = P::$B . '/mut/uwfile';
            foreach (['unlink' => ["$w/f.txt"], 'rename' => ["$w/g.txt", "$w/h.txt"], 'rmdir' => ["$w/ed"]]
                     as $fn => $args) {
                C($fn, 'sandbox', $var, $args, ['after' => $take]);
            }
        } finally {
            stream_wrapper_restore('file');
        }
    };
    @mkdir("$B/mut/uwfile/ed", 0755, true);
    file_put_contents("$B/mut/uwfile/f.txt", 'f');
    file_put_contents("$B/mut/uwfile/g.txt", 'g');
    // Warm every path through the real wrapper first, then replace it: a cache must not answer.
    foreach ($forms as $form => $p) {
        foreach (array_merge(WCR_STAT, ['file_get_contents']) as $fn) {
            C($fn, $form, 'before_override', [$p]);
        }
    }
    $run('file_override');
    foreach ($forms as $form => $p) {
        C('file_get_contents', $form, 'after_restore', [$p]);
        C('is_file', $form, 'after_restore', [$p]);
    }
    // file:// unregistered and not replaced: "file:// wrapper is disabled" (the destructive
    // three aimed at a sandbox of their own).
    @mkdir("$B/mut/unreg/ed", 0755, true);
    file_put_contents("$B/mut/unreg/f.txt", 'f');
    $after = wcr_after("$B/mut/unreg");
    stream_wrapper_unregister('file');
    try {
        foreach (['abs_small' => "$B/small.txt", 'rel_small' => 'small.txt', 'dir' => 'dir'] as $form => $p) {
            foreach (WCR_STAT as $fn) {
                C($fn, $form, 'file_unregistered', [$p]);
            }
            C('file_get_contents', $form, 'file_unregistered', [$p]);
            C('readfile', $form, 'file_unregistered', [$p]);
        }
        C('unlink', 'sandbox', 'file_unregistered', ["$B/mut/unreg/f.txt"]);
        C('rename', 'sandbox', 'file_unregistered', ["$B/mut/unreg/f.txt", "$B/mut/unreg/g.txt"]);
        C('rmdir', 'sandbox', 'file_unregistered', ["$B/mut/unreg/ed"]);
    } finally {
        stream_wrapper_restore('file');
    }
    C('(listing)', 'sandbox', 'file_unregistered', [], ['via' => static fn() => null, 'after' => $after]);
    WcrWrapper::$overridesFile = false;
    C('file_get_contents', 'abs_small', 'restored', ["$B/small.txt"]);
}

// ---------------------------------------------------------------------------------------------
// Destructive calls, one fresh sandbox each (cwd = the sandbox's w/, ../ is its root).
function g_destructive(mixed $ctx): void
{
    $ctxVariants = ['-' => [], 'ctx=null' => [null], 'ctx=res' => [$ctx]];
    wcr_group('unlink');
    $unlinkForms = [
        'file' => 'f.txt', 'dot_file' => './f.txt', 'dotdot_file' => 'd/../f.txt', 'abs_file' => '@W@/f.txt',
        'empty_file' => 'e.txt', 'dir' => 'd', 'empty_dir' => 'ed', 'sym_file' => 'l_f', 'sym_dir' => 'l_d',
        'sym_dir_trail' => 'l_d/', 'sym_dangling' => 'l_dang', 'sym_emptydir' => 'l_ed', 'missing' => 'missing.txt',
        'missing_dir' => 'missing/x', 'in_dir' => 'd/x.txt', 'through_sym' => 'l_d/x.txt', 'rodir_file' => 'ro/x.txt',
        'empty' => '', 'dot' => '.', 'nul' => "f.txt\0", 'space' => 'sp ace.txt', 'unicode' => 'ü.txt',
        'case' => 'F.TXT', 'w_file' => 'file://@W@/f.txt', 'w_http' => 'http://127.0.0.1:1/f.txt',
        'w_mem' => 'php://memory', 'w_data' => 'data:text/plain,x', 'w_zlib' => 'compress.zlib://f.txt',
        'trail_file' => 'f.txt/', 'missing_dotdot' => 'missing/../f.txt', 'up_missing' => '../nope.txt',
        'outside' => '@V@/f.txt', 'outside_sym' => '@L@', 'w_unknown' => 'unknownscheme://f.txt',
    ];
    wcr_destroy('unlink', $unlinkForms, $ctxVariants, static fn($p, $c) => array_merge([$p], $c));

    wcr_group('rmdir');
    $rmdirForms = [
        'nonempty' => 'd', 'empty' => 'ed', 'empty_trail' => 'ed/', 'empty_dot' => 'ed/.', 'empty_dotdot' => 'ed/..',
        'abs_empty' => '@W@/ed', 'sym_emptydir' => 'l_ed', 'sym_emptydir_trail' => 'l_ed/', 'sym_dir' => 'l_d',
        'file' => 'f.txt', 'missing' => 'missing', 'missing_parent' => 'missing/ed', 'rodir' => 'ro',
        'dot' => '.', 'dotdot' => '..', 'emptystr' => '', 'nul' => "ed\0", 'dotdot_missing' => 'missing/../ed',
        'through_sym' => 'l_d/../ed', 'w_file' => 'file://@W@/ed', 'w_http' => 'http://127.0.0.1:1/ed',
        'w_mem' => 'php://memory', 'outside' => '@V@/ed', 'outside_nonempty' => '@V@/d', 'sym_dangling' => 'l_dang',
        'w_unknown' => 'unknownscheme://ed', 'cwd_abs' => '@W@',
    ];
    wcr_destroy('rmdir', $rmdirForms, $ctxVariants, static fn($p, $c) => array_merge([$p], $c));

    wcr_group('rename');
    $from = ['file' => 'f.txt', 'empty_file' => 'e.txt', 'dir' => 'd', 'empty_dir' => 'ed', 'sym_file' => 'l_f',
             'sym_dir' => 'l_d', 'sym_dangling' => 'l_dang', 'missing' => 'missing.txt', 'emptystr' => '',
             'nul' => "f.txt\0", 'w_file' => 'file://@W@/f.txt', 'w_http' => 'http://127.0.0.1:1/f',
             'dot_file' => './f.txt', 'in_dir' => 'd/x.txt', 'rodir_file' => 'ro/x.txt', 'outside' => '@V@/f.txt',
             'abs_file' => '@W@/f.txt', 'trail_file' => 'f.txt/'];
    $to = ['new' => 'new.txt', 'existing_file' => 'g.txt', 'nonempty_dir' => 'd', 'empty_dir' => 'ed',
           'missing_parent' => 'nodir/new.txt', 'into_dir' => 'd/new.txt', 'existing_sym' => 'l_f',
           'trail' => 'newdir/', 'same' => 'f.txt', 'emptystr' => '', 'w_file' => 'file://@W@/new2.txt',
           'w_mem' => 'php://memory', 'outside' => '@V@/new.txt', 'rodir' => 'ro/new.txt', 'nul' => "x\0y",
           'up' => '../up.txt', 'abs' => '@W@/abs.txt', 'self_inside' => 'd/sub', 'case' => 'F.TXT'];
    foreach ($from as $fname => $fp) {
        foreach ($to as $tname => $tp) {
            wcr_destroy_one('rename', "$fname>$tname", '-', static fn($sub) => [$sub($fp), $sub($tp)]);
        }
    }
    foreach (['file>new', 'missing>new', 'dir>empty_dir', 'file>existing_file'] as $pair) {
        [$fname, $tname] = explode('>', $pair);
        foreach (['ctx=null' => [null], 'ctx=res' => [$ctx]] as $cv => $c) {
            wcr_destroy_one('rename', $pair, $cv, static fn($sub) => array_merge([$sub($from[$fname]), $sub($to[$tname])], $c));
        }
        wcr_destroy_one('rename', $pair, 'named', static fn($sub) => ['to' => $sub($to[$tname]), 'from' => $sub($from[$fname])]);
    }
    chdir(P::$B);
}

function wcr_destroy(string $fn, array $forms, array $ctxVariants, callable $mk): void
{
    foreach ($forms as $form => $p) {
        foreach ($ctxVariants as $cv => $c) {
            if ($cv !== '-' && !in_array($form, ['file', 'dir', 'empty', 'nonempty', 'missing', 'sym_file',
                                                   'sym_emptydir', 'w_file', 'w_http', 'outside'], true)) {
                continue;
            }
            wcr_destroy_one($fn, $form, $cv, static fn($sub) => $mk($sub($p), $c));
        }
    }
}

function wcr_destroy_one(string $fn, string $form, string $var, callable $mkArgs): void
{
    $w = wcr_sandbox("$fn-" . preg_replace('/[^A-Za-z0-9_>-]/', '_', "$form-$var"));
    $victim = null;
    $sub = static function ($p) use ($w, &$victim) {
        if (!is_string($p)) {
            return $p;
        }
        if (str_contains($p, '@V@')) {
            $victim ??= wcr_victim();
            $p = str_replace('@V@', $victim, $p);
        }
        if (str_contains($p, '@L@')) {
            $p = str_replace('@L@', sprintf('%s/vlinks/lo_%02d', P::$B, (Sandbox::$vlink++) % 16), $p);
        }
        return str_replace('@W@', $w, $p);
    };
    $args = $mkArgs($sub);
    C($fn, $form, $var, $args, ['after' => wcr_after(dirname($w), $victim)]);
    chdir(P::$B);
}

// ---------------------------------------------------------------------------------------------
// Sequences that mutate, with no clearstatcache() inside a sequence unless it is a step: PHP's
// own stat cache (the last path stat()ed, and the last lstat()ed) and realpath cache are part of
// the semantics a reroute must keep.
final class Seq
{
    private int $k = 0;

    public function __construct(public string $name, public string $w)
    {
    }

    public function c(string $fn, array $args, string $label = ''): mixed
    {
        $step = sprintf('%02d', ++$this->k);
        return C($fn, "{$this->name}:$step" . ($label === '' ? '' : "-$label"), '-', $args);
    }

    public function x(string $what, callable $f): mixed
    {
        $step = sprintf('%02d', ++$this->k);
        return C($what, "{$this->name}:$step", '-', [], ['via' => static fn() => $f(), 'text' => $what]);
    }

    /** An external process changes the tree (PHP's caches do not hear of it). */
    public function sh(string $cmd): void
    {
        $this->x("sh: $cmd", static function () use ($cmd) {
            exec($cmd . ' 2>&1', $out, $rc);
            return [$rc, implode("\n", $out)];
        });
    }

    /** Every read function once on $p. */
    public function all(string $p, string $label = ''): void
    {
        foreach (array_merge(WCR_STAT, ['file_get_contents', 'readfile']) as $fn) {
            $this->c($fn, [$p], $label);
        }
    }

    public function listing(): void
    {
        $this->x('listing', wcr_after(dirname($this->w)));
    }
}

function wcr_seq(string $name, callable $body, ?array $spec = null): void
{
    $w = wcr_sandbox("seq-$name", $spec ?? []);
    $q = new Seq($name, $w);
    $body($q, $w);
    $q->listing();
    chdir(P::$B);
    clearstatcache(true);
}

function g_sequences(mixed $ctx): void
{
    wcr_group('seq');
    $B = P::$B;
    $sq = static fn(string $s): string => escapeshellarg($s);

    wcr_seq('unlink_then_read', static function (Seq $q) {
        file_put_contents('f.txt', "abc\n");
        $q->all('f.txt', 'before');
        $q->c('file_get_contents', ['f.txt']);
        $q->c('unlink', ['f.txt']);
        $q->all('f.txt', 'after');
        $q->c('unlink', ['f.txt'], 'again');
    });
    wcr_seq('rename_then_both', static function (Seq $q) {
        file_put_contents('a.txt', "A-content\n");
        $q->all('a.txt', 'before');
        $q->c('rename', ['a.txt', 'b.txt']);
        $q->all('a.txt', 'old');
        $q->all('b.txt', 'new');
        $q->c('rename', ['b.txt', 'a.txt'], 'back');
        $q->all('a.txt', 'back');
        $q->c('file_get_contents', ['b.txt'], 'gone');
    });
    wcr_seq('rename_onto_existing', static function (Seq $q) {
        file_put_contents('a.txt', 'aaaa');
        file_put_contents('b.txt', 'bbbbbbbb');
        $q->all('a.txt', 'a');
        $q->all('b.txt', 'b');
        $q->c('rename', ['a.txt', 'b.txt']);
        $q->all('b.txt', 'b_after');
        $q->all('a.txt', 'a_after');
    });
    wcr_seq('rename_dir_then_inside', static function (Seq $q) {
        mkdir('d');
        file_put_contents('d/x.txt', 'in-d');
        $q->all('d/x.txt', 'before');
        $q->c('is_dir', ['d']);
        $q->c('rename', ['d', 'e']);
        $q->all('d/x.txt', 'old');
        $q->all('e/x.txt', 'new');
        $q->c('is_dir', ['d'], 'old');
        $q->c('is_dir', ['e'], 'new');
        mkdir('d');
        file_put_contents('d/x.txt', 'new-d');
        $q->all('d/x.txt', 'recreated');
    });
    wcr_seq('rename_onto_dirs', static function (Seq $q) {
        mkdir('dfull');
        file_put_contents('dfull/x', 'x');
        mkdir('dempty');
        mkdir('dsrc');
        file_put_contents('dsrc/y', 'y');
        file_put_contents('f.txt', 'f');
        $q->c('rename', ['f.txt', 'dempty'], 'file_onto_dir');
        $q->c('rename', ['dsrc', 'f.txt'], 'dir_onto_file');
        $q->c('rename', ['dsrc', 'dfull'], 'dir_onto_nonempty');
        $q->c('file_get_contents', ['dsrc/y']);
        $q->c('rename', ['dsrc', 'dempty'], 'dir_onto_empty');
        $q->all('dempty/y', 'moved');
        $q->all('dsrc/y', 'gone');
        $q->c('rename', ['dempty', 'dempty/sub'], 'into_itself');
    });
    wcr_seq('rmdir_nonempty_then_empty', static function (Seq $q) {
        mkdir('d');
        file_put_contents('d/x', 'x');
        $q->c('rmdir', ['d'], 'nonempty');
        $q->all('d', 'still');
        $q->c('unlink', ['d/x']);
        $q->c('rmdir', ['d'], 'empty');
        $q->all('d', 'gone');
        $q->c('rmdir', ['d'], 'again');
    });
    wcr_seq('rmdir_cwd', static function (Seq $q, string $w) {
        mkdir('e');
        $q->x('chdir e', static fn() => chdir('e'));
        $q->all('.', 'cwd');
        $q->c('rmdir', ["$w/e"], 'own_cwd');
        $q->all('.', 'cwd_gone');
        $q->c('realpath', ['']);
        $q->c('file_exists', ['x'], 'in_gone_cwd');
        $q->x('chdir back', static fn() => chdir($w));
    });
    wcr_seq('overwrite_same_size', static function (Seq $q) {
        file_put_contents('f.txt', 'AAAA');
        $q->all('f.txt', 'v1');
        file_put_contents('f.txt', 'BBBB');
        $q->all('f.txt', 'v2');
        $q->x('clearstatcache', static fn() => clearstatcache());
        $q->all('f.txt', 'v2_clear');
    });
    wcr_seq('overwrite_same_mtime', static function (Seq $q) {
        file_put_contents('f.txt', 'CCCC');
        touch('f.txt', 1000000000);
        $q->all('f.txt', 'v1');
        file_put_contents('f.txt', 'DDDD');
        touch('f.txt', 1000000000);
        $q->all('f.txt', 'v2');
        $q->sh('printf EEEE > f.txt && touch -d @1000000000 f.txt');
        $q->all('f.txt', 'v3_external');
    });
    wcr_seq('grow_statcache', static function (Seq $q) {
        file_put_contents('f.txt', 'x');
        $q->c('filesize', ['f.txt'], 'warm');
        file_put_contents('f.txt', 'xyz');
        $q->c('filesize', ['f.txt'], 'same_path');
        $q->c('file_get_contents', ['f.txt']);
        $q->c('is_file', ['f.txt']);
        $q->c('filesize', ['./f.txt'], 'other_spelling');
        $q->c('filesize', ['f.txt'], 'after_other');
        $q->x('clearstatcache', static fn() => clearstatcache());
        $q->c('filesize', ['f.txt'], 'cleared');
        file_put_contents('g.txt', '12345');
        $q->c('filesize', ['g.txt']);
        file_put_contents('g.txt', '1');
        $q->c('filesize', ['f.txt'], 'between');
        $q->c('filesize', ['g.txt'], 'after_between');
    });
    wcr_seq('create_after_miss', static function (Seq $q) {
        $q->all('n.txt', 'miss');
        $q->all('n.txt', 'miss_again');
        file_put_contents('n.txt', 'new');
        $q->all('n.txt', 'created');
        $q->c('is_dir', ['nd'], 'miss');
        mkdir('nd');
        $q->c('is_dir', ['nd'], 'created');
        $q->c('realpath', ['nd/../n.txt']);
    });
    wcr_seq('external_delete', static function (Seq $q) {
        file_put_contents('f.txt', 'doomed');
        file_put_contents('other.txt', 'other');
        $q->all('f.txt', 'before');
        $q->sh('rm f.txt');
        $q->all('f.txt', 'after_rm');
        $q->c('is_file', ['other.txt']);
        $q->all('f.txt', 'after_other_stat');
    });
    wcr_seq('external_modify', static function (Seq $q) {
        file_put_contents('f.txt', 'first');
        $q->all('f.txt', 'before');
        $q->sh('printf second-longer > f.txt');
        $q->all('f.txt', 'after');
        $q->sh('printf third > f.txt');
        $q->c('file_get_contents', ['f.txt'], 'third');
        $q->c('file_get_contents', ['f.txt', false, null, 1, 3], 'third_range');
    });
    wcr_seq('symlink_swap_php', static function (Seq $q) {
        mkdir('v1');
        mkdir('v2');
        file_put_contents('v1/x.txt', 'one');
        file_put_contents('v2/x.txt', 'two!');
        symlink('v1', 'cur');
        $q->all('cur/x.txt', 'v1');
        $q->c('realpath', ['cur']);
        $q->x('symlink v2 next', static fn() => symlink('v2', 'next'));
        $q->c('rename', ['next', 'cur'], 'swap');
        $q->all('cur/x.txt', 'v2');
        $q->c('realpath', ['cur']);
    });
    wcr_seq('symlink_swap_external', static function (Seq $q) {
        mkdir('v1');
        mkdir('v2');
        file_put_contents('v1/x.txt', 'one');
        file_put_contents('v2/x.txt', 'two!');
        symlink('v1', 'cur');
        $q->all('cur/x.txt', 'v1');
        $q->c('realpath', ['cur']);
        $q->sh('ln -s v2 next && mv -T next cur');
        $q->all('cur/x.txt', 'v2');
        $q->c('realpath', ['cur'], 'after');
        $q->x('clearstatcache(true)', static fn() => clearstatcache(true));
        $q->c('realpath', ['cur/x.txt'], 'cleared');
    });
    wcr_seq('include_path_shadow', static function (Seq $q, string $w) {
        mkdir('p1');
        mkdir('p2');
        file_put_contents('p2/s.txt', 'from-p2');
        $old = set_include_path("$w/p1" . PATH_SEPARATOR . "$w/p2");
        try {
            $q->c('file_get_contents', ['s.txt', true], 'p2');
            $q->c('readfile', ['s.txt', true], 'p2');
            file_put_contents('p1/s.txt', 'from-p1');
            $q->c('file_get_contents', ['s.txt', true], 'shadowed');
            $q->c('readfile', ['s.txt', true], 'shadowed');
            $q->c('unlink', ['p1/s.txt']);
            $q->c('file_get_contents', ['s.txt', true], 'unshadowed');
            $q->sh('printf external-p1 > p1/s.txt');
            $q->c('file_get_contents', ['s.txt', true], 'external_shadow');
            $q->x('set_include_path p2 only', static fn() => set_include_path("$w/p2"));
            $q->c('file_get_contents', ['s.txt', true], 'p2_only');
        } finally {
            set_include_path($old);
        }
    });
    wcr_seq('chmod_toggle', static function (Seq $q) {
        file_put_contents('f.txt', 'perm');
        $q->c('is_readable', ['f.txt'], 'rw');
        $q->c('is_writable', ['f.txt'], 'rw');
        $q->x('chmod 0', static fn() => chmod('f.txt', 0));
        $q->all('f.txt', 'mode0');
        $q->sh('chmod 644 f.txt');
        $q->all('f.txt', 'external_644');
        $q->sh('chmod 444 f.txt');
        $q->c('is_writable', ['f.txt'], 'external_444');
        $q->c('is_writeable', ['f.txt'], 'external_444');
        $q->c('file_get_contents', ['f.txt'], 'external_444');
    });
    wcr_seq('dir_to_file', static function (Seq $q) {
        mkdir('d');
        $q->all('d', 'dir');
        $q->c('rmdir', ['d']);
        file_put_contents('d', 'now-a-file');
        $q->all('d', 'file');
        $q->c('unlink', ['d']);
        mkdir('d');
        $q->all('d', 'dir_again');
    });
    wcr_seq('recreate_loop', static function (Seq $q) {
        for ($i = 1; $i <= 4; $i++) {
            file_put_contents('f.txt', str_repeat("iter $i\n", $i));
            $q->c('file_get_contents', ['f.txt'], "i$i");
            $q->c('filesize', ['f.txt'], "i$i");
            $q->c('readfile', ['f.txt'], "i$i");
            $q->c('unlink', ['f.txt'], "i$i");
            $q->c('file_exists', ['f.txt'], "i$i");
        }
    });
    wcr_seq('rename_symlink', static function (Seq $q) {
        file_put_contents('t.txt', 'target');
        symlink('t.txt', 'l');
        $q->all('l', 'link');
        $q->c('rename', ['l', 'l2']);
        $q->all('l2', 'renamed_link');
        $q->all('l', 'old_link');
        $q->c('unlink', ['l2']);
        $q->all('t.txt', 'target_kept');
    });
    wcr_seq('unlink_through_symlinked_dir', static function (Seq $q) {
        mkdir('real');
        file_put_contents('real/x.txt', 'x');
        symlink('real', 'ln');
        $q->all('ln/x.txt', 'via_link');
        $q->c('unlink', ['ln/x.txt']);
        $q->all('real/x.txt', 'real_after');
        $q->all('ln/x.txt', 'link_after');
    });
    wcr_seq('large_modify_same_size', static function (Seq $q) {
        $big = wcr_blob(300000, 'seq-large');
        file_put_contents('big.bin', $big);
        $q->c('file_get_contents', ['big.bin'], 'v1');
        $h = fopen('big.bin', 'r+');
        fseek($h, 150000);
        fwrite($h, 'XYZ');
        fclose($h);
        $q->c('file_get_contents', ['big.bin'], 'v2');
        $q->c('file_get_contents', ['big.bin', false, null, 149999, 5], 'v2_range');
        $q->c('filesize', ['big.bin']);
    });
    wcr_seq('offset_after_truncate', static function (Seq $q) {
        file_put_contents('f.txt', '0123456789');
        $q->c('file_get_contents', ['f.txt', false, null, 5], 'full');
        $q->c('file_get_contents', ['f.txt', false, null, -2], 'full_neg');
        $h = fopen('f.txt', 'r+');
        ftruncate($h, 3);
        fclose($h);
        $q->c('file_get_contents', ['f.txt', false, null, 5], 'truncated');
        $q->c('file_get_contents', ['f.txt', false, null, -5], 'truncated_neg');
        $q->c('file_get_contents', ['f.txt', false, null, 3], 'at_eof');
        $q->c('filesize', ['f.txt']);
    });
    wcr_seq('chdir_between', static function (Seq $q, string $w) {
        mkdir('a');
        mkdir('b');
        file_put_contents('a/x.txt', 'in-a');
        file_put_contents('b/x.txt', 'in-b!');
        $q->x('chdir a', static fn() => chdir("$w/a"));
        $q->all('x.txt', 'a');
        $q->x('chdir b', static fn() => chdir("$w/b"));
        $q->all('x.txt', 'b');
        $q->x('chdir a', static fn() => chdir("$w/a"));
        $q->c('file_get_contents', ['x.txt'], 'a_again');
        $q->c('rename', ["$w/a", "$w/c"], 'rename_cwd');
        $q->all('x.txt', 'cwd_renamed');
        $q->c('realpath', ['.'], 'cwd_renamed');
        $q->x('chdir w', static fn() => chdir($w));
    });
    wcr_seq('unlink_open_file', static function (Seq $q) {
        file_put_contents('f.txt', 'still-open');
        $h = fopen('f.txt', 'r');
        $q->c('file_get_contents', ['f.txt'], 'before');
        $q->c('unlink', ['f.txt']);
        $q->all('f.txt', 'after');
        $q->x('fread open handle', static fn() => fread($h, 100));
        fclose($h);
    });
    wcr_seq('replace_dir', static function (Seq $q) {
        mkdir('d');
        file_put_contents('d/x.txt', 'old-dir');
        for ($i = 0; $i < 3; $i++) {
            $q->c('file_get_contents', ['d/x.txt'], "warm$i");
        }
        $q->c('rename', ['d', 'd.old']);
        mkdir('d');
        file_put_contents('d/x.txt', 'new-dir!');
        $q->all('d/x.txt', 'replaced');
        $q->c('file_get_contents', ['d.old/x.txt'], 'old');
    });
    wcr_seq('case_names', static function (Seq $q) {
        file_put_contents('Case.txt', 'upper');
        $q->all('case.txt', 'lower_missing');
        $q->all('Case.txt', 'upper');
        file_put_contents('case.txt', 'lower');
        $q->all('case.txt', 'lower');
        $q->c('file_get_contents', ['CASE.TXT'], 'caps');
        $q->c('rename', ['case.txt', 'CASE.TXT']);
        $q->c('file_get_contents', ['Case.txt'], 'upper_kept');
        $q->c('file_get_contents', ['CASE.TXT'], 'caps_now');
    });
    wcr_seq('hardlink', static function (Seq $q) {
        mkdir('a');
        mkdir('b');
        file_put_contents('a/h.txt', 'one');
        link('a/h.txt', 'b/h.txt');
        $q->c('file_get_contents', ['b/h.txt'], 'v1');
        $q->c('file_get_contents', ['b/h.txt'], 'v1_warm');
        $q->sh('printf two! > a/h.txt');
        $q->all('b/h.txt', 'v2_written_via_a');
        $q->c('unlink', ['a/h.txt']);
        $q->all('b/h.txt', 'a_unlinked');
    });
    wcr_seq('rename_into_watched', static function (Seq $q) {
        mkdir('src');
        mkdir('dst');
        file_put_contents('src/x.txt', 'moving');
        file_put_contents('dst/other.txt', 'other');
        $q->c('file_get_contents', ['dst/other.txt'], 'warm_dst');
        $q->all('dst/x.txt', 'miss');
        $q->c('rename', ['src/x.txt', 'dst/x.txt']);
        $q->all('dst/x.txt', 'arrived');
        $q->sh('mv dst/x.txt src/x.txt');
        $q->all('dst/x.txt', 'left_externally');
    });
    wcr_seq('mkdir_after_miss', static function (Seq $q) {
        $q->c('is_dir', ['nd'], 'miss');
        $q->c('file_exists', ['nd/f'], 'miss');
        mkdir('nd');
        file_put_contents('nd/f', 'f');
        $q->c('is_dir', ['nd'], 'made');
        $q->all('nd/f', 'made');
    });
    wcr_seq('external_symlink_outside', static function (Seq $q) {
        $q->sh('ln -s ' . escapeshellarg(P::$O . '/secret.txt') . ' out');
        $q->all('out', 'link_out');
        $q->sh('ln -s ../../../../outside/odir outd');
        $q->all('outd/o.txt', 'through_outd');
    });
    wcr_seq('same_second_rewrites', static function (Seq $q) {
        file_put_contents('f.txt', '11');
        $q->c('file_get_contents', ['f.txt'], 'v1');
        for ($i = 2; $i <= 6; $i++) {
            $q->sh("printf $i$i > f.txt");
            $q->c('file_get_contents', ['f.txt'], "v$i");
            $q->c('readfile', ['f.txt'], "v$i");
        }
    });
    wcr_seq('rename_over_with_same_size', static function (Seq $q) {
        file_put_contents('cfg.php', 'version=1');
        $q->c('file_get_contents', ['cfg.php'], 'v1');
        file_put_contents('cfg.tmp', 'version=2');
        touch('cfg.tmp', filemtime('cfg.php'));
        $q->c('rename', ['cfg.tmp', 'cfg.php'], 'deploy');
        $q->all('cfg.php', 'v2');
        $q->sh('printf version=3 > cfg.tmp && touch -r cfg.php cfg.tmp && mv cfg.tmp cfg.php');
        $q->all('cfg.php', 'v3_external_mv');
    });
    wcr_seq('readfile_output', static function (Seq $q) {
        file_put_contents('f.txt', "line1\nline2\n");
        $q->c('readfile', ['f.txt'], 'v1');
        file_put_contents('f.txt', '');
        $q->c('readfile', ['f.txt'], 'emptied');
        $q->c('readfile', ['missing.txt'], 'missing');
        $q->c('readfile', ['.'], 'dir');
    });
}

/** Last: open_basedir tightened during the request, after the paths were used (warm). */
function g_tighten(): void
{
    wcr_group('tighten');
    $B = P::$B;
    $w = wcr_sandbox('tighten', ['in/x.txt' => "in\n", 'out/y.txt' => "out\n", 'in/l' => ['link' => '../out/y.txt']]);
    $q = new Seq('tighten', $w);
    $q->all("$w/in/x.txt", 'warm_in');
    $q->all("$w/out/y.txt", 'warm_out');
    $q->all("$w/in/l", 'warm_link');
    $q->all("$B/small.txt", 'warm_base');
    $q->x('ini_set open_basedir', static fn() => ini_set('open_basedir', "$w/in"));
    $q->x('ini_get open_basedir', static fn() => R::esc((string) ini_get('open_basedir')));
    $q->all("$w/in/x.txt", 'in');
    $q->all("$w/out/y.txt", 'out');
    $q->all("$w/in/l", 'link_to_out');
    $q->all("$B/small.txt", 'base');
    $q->all('x.txt', 'rel_cwd_outside');
    $q->c('unlink', ["$w/out/y.txt"]);
    $q->c('rename', ["$w/out/y.txt", "$w/in/y.txt"]);
    $q->c('rmdir', ["$w/out"]);
    $q->x('chdir in', static fn() => chdir("$w/in"));
    $q->all('x.txt', 'rel_cwd_inside');
    $q->all('../out/y.txt', 'rel_up_out');
    $q->x('ini_set loosen', static fn() => ini_set('open_basedir', $B));
}

// ---------------------------------------------------------------------------------------------
// Main.

R::$repl = [P::$S => '{S}', P::$T => '{T}'];
if ($scratch !== P::$S) {
    R::$repl[rtrim($scratch, '/')] = '{S}';
}
R::$setting = $setting;

if ($phase === 'build' || $phase === 'all') {
    wcr_build();
    if ($phase === 'build') {
        exit(0);
    }
}
wcr_deep_layout();
if (!is_dir(P::$B . '/mut')) {
    fwrite(fopen('php://stderr', 'w'), "corpus.php: no fixture under " . P::$F . " (run WCR_PHASE=build first)\n");
    exit(2);
}

R::$out = fopen('php://stdout', 'w');
$ctx = stream_context_create(['http' => ['timeout' => 2.0, 'ignore_errors' => false]]);

if ($setting === 'obd_rt') {
    ini_set('open_basedir', P::$B);
}
$ini = [];
foreach (['open_basedir', 'include_path', 'wincache.reroute_enabled', 'wincache.fcenabled',
          'wincache.enablecli', 'realpath_cache_size', 'realpath_cache_ttl'] as $k) {
    $v = ini_get($k);
    $ini[$k] = $v === false ? '(none)' : R::esc($v);
}
exec('id -u', $idOut);
R::meta('#meta', ['php' => PHP_VERSION, 'sapi' => PHP_SAPI, 'setting' => $setting,
                  'euid' => $idOut[0] ?? '?', 'wincache' => extension_loaded('wincache'), 'ini' => $ini,
                  'deep' => strlen(P::$deep)]);

g_initcwd();
chdir(P::$B);
set_include_path(P::$B . '/inc1' . PATH_SEPARATOR . P::$B . '/inc2');

g_read($ctx);
g_cwd();
g_include_path();
g_warm();
g_coerce($ctx);
g_direct($ctx);
g_silence();
g_userwrap($ctx);
g_destructive($ctx);
g_sequences($ctx);
g_tighten();

// The ext run's own account of what it answered from the cache (compare.php --expect-ext fails a
// run that answered nothing: the comparison would be trivial). Not a case: never compared.
$end = ['calls' => R::$calls];
if (function_exists('wincache_extra_info')) {
    $rr = wincache_extra_info()['reroute'] ?? null;
    if (is_array($rr)) {
        unset($rr['functions']);
        $end['reroute'] = $rr;
    }
}
R::meta('#end', $end);

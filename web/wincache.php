<?php
/*
 * wincache.php: the statistics and control page of the wincache extension (WinCache for PHP 8).
 *
 * One self-contained file: no framework, no external assets, no JavaScript (the page sends a
 * Content-Security-Policy that forbids scripts). Drop it anywhere PHP with wincache serves it.
 * Every number on a page comes from the one request that draws it; the same numbers are embedded
 * as JSON in the data-stats attribute of <main> (tests read them).
 *
 * ACCESS. The page refuses to run until one of these is configured:
 *   - a password hash: HTTP Basic with user `user` and the password whose hash you set. Make one:
 *       php -r 'echo password_hash("your password", PASSWORD_DEFAULT), "\n";'
 *   - or an explicit opt-in to localhost-only access (REMOTE_ADDR 127.0.0.0/8 or ::1) without a
 *     password. Behind a reverse proxy on the same host every client looks local: use a password.
 * Each setting below can also come from the environment (WINCACHE_PAGE_PASSWORD_HASH, ..._USER,
 * ..._LOCALHOST, ..._SHOW_VALUES; php-fpm: env[...] in the pool) or from php.ini
 * (wincache_page.password_hash = "...", wincache_page.user, wincache_page.localhost,
 * wincache_page.show_values); the environment wins over php.ini, php.ini over this block.
 */
$WINCACHE_PAGE_CONFIG = [
    'password_hash' => '',        // password_hash() output; '' = none
    'user'          => 'wincache',
    'localhost'     => false,     // true: allow 127.0.0.1 / ::1 without a password (only if no hash)
    'show_values'   => false,     // true: the user-cache detail view shows the stored value
    'page_size'     => 50,        // entry rows per page (a request may ask 10..500)
];

// ---- settings, access ----------------------------------------------------------------------------
$t_start = hrtime(true);

function wcp_setting(string $name)
{
    global $WINCACHE_PAGE_CONFIG;
    $env = getenv('WINCACHE_PAGE_' . strtoupper($name));
    if ($env !== false && $env !== '') return $env;
    $ini = get_cfg_var('wincache_page.' . $name);
    if ($ini !== false && $ini !== '') return $ini;
    return $WINCACHE_PAGE_CONFIG[$name] ?? null;
}
// A request parameter as a string ('' when absent or not a string: ?q[]=x is not a filter).
function param(array $from, string $name): string
{
    return isset($from[$name]) && is_string($from[$name]) ? $from[$name] : '';
}
function wcp_bool($v): bool
{
    return is_bool($v) ? $v : in_array(strtolower(trim((string) $v)), ['1', 'on', 'yes', 'true'], true);
}
function h($s): string
{
    return htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

$cfg_hash = (string) wcp_setting('password_hash');
$cfg_user = (string) wcp_setting('user');
$cfg_local = wcp_bool(wcp_setting('localhost'));
$cfg_values = wcp_bool(wcp_setting('show_values'));
$cfg_page = max(10, min(500, (int) wcp_setting('page_size')));

header('Content-Type: text/html; charset=utf-8');
header("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    . "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
header('X-Content-Type-Options: nosniff');
header('Referrer-Policy: no-referrer');
header('Cache-Control: no-store');

function wcp_refuse(int $code, string $title, string $body_html): void
{
    http_response_code($code);
    echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        . 'content="width=device-width,initial-scale=1"><title>' . h($title) . '</title><style>'
        . 'body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#1d2433}'
        . 'code,pre{background:#eef1f6;border-radius:4px;padding:.1em .3em}pre{padding:.8em;overflow:auto}'
        . '</style></head><body><h1>' . h($title) . '</h1>' . $body_html . '</body></html>';
    exit;
}

$remote = (string) ($_SERVER['REMOTE_ADDR'] ?? '');
$is_local_client = $remote === '::1' || str_starts_with($remote, '127.') || $remote === '::ffff:127.0.0.1';
if ($cfg_hash === '' && !$cfg_local) {
    wcp_refuse(403, 'wincache.php is not configured',
        '<p>This page shows and clears your caches, so it refuses to run until access is configured. '
        . 'Set a password hash in the configuration block at the top of <code>' . h(basename(__FILE__))
        . '</code>, or in the environment (<code>WINCACHE_PAGE_PASSWORD_HASH</code>) or php.ini '
        . '(<code>wincache_page.password_hash</code>). Make the hash with:</p>'
        . '<pre>php -r \'echo password_hash("your password", PASSWORD_DEFAULT), "\n";\'</pre>'
        . '<p>Or opt in to localhost-only access without a password: <code>\'localhost\' =&gt; true</code> '
        . '(<code>WINCACHE_PAGE_LOCALHOST=1</code>).</p>');
}
if ($cfg_hash !== '') {
    $u = $_SERVER['PHP_AUTH_USER'] ?? null;
    $p = $_SERVER['PHP_AUTH_PW'] ?? null;
    if ($u === null) {  // some front ends pass the header only
        $a = $_SERVER['HTTP_AUTHORIZATION'] ?? $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ?? '';
        if (stripos($a, 'basic ') === 0) {
            $pair = explode(':', (string) base64_decode(substr($a, 6), true), 2);
            if (count($pair) === 2) [$u, $p] = $pair;
        }
    }
    if (!is_string($u) || !is_string($p) || !hash_equals($cfg_user, $u) || !password_verify($p, $cfg_hash)) {
        header('WWW-Authenticate: Basic realm="wincache statistics", charset="UTF-8"');
        wcp_refuse(401, 'Authentication required', '<p>Wrong or missing user name or password.</p>');
    }
} elseif (!$is_local_client) {
    wcp_refuse(403, 'Forbidden', '<p>This page is configured for localhost-only access.</p>');
}
$auth_mode = $cfg_hash !== '' ? 'password' : 'localhost';

// ---- CSRF: a random cookie, echoed in every form (double submit), plus the Origin check ---------
$self = strtok((string) ($_SERVER['SCRIPT_NAME'] ?? basename(__FILE__)), '?');
$csrf = param($_COOKIE, 'wcp_csrf');
if (!preg_match('/^[0-9a-f]{64}$/', $csrf)) {
    $csrf = bin2hex(random_bytes(32));
    setcookie('wcp_csrf', $csrf, ['path' => $self, 'httponly' => true, 'samesite' => 'Strict',
        'secure' => !empty($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== 'off']);
}

// ---- formatting ------------------------------------------------------------------------------------
function fmt_int($n): string
{
    return is_numeric($n) ? number_format((float) $n) : 'n/a';
}
function fmt_bytes($n): string
{
    if (!is_numeric($n)) return 'n/a';
    $n = (float) $n;
    foreach (['B', 'KB', 'MB', 'GB', 'TB'] as $u) {
        if ($n < 1024 || $u === 'TB') return $u === 'B' ? number_format($n) . ' B' : sprintf('%.1f %s', $n, $u);
        $n /= 1024;
    }
    return '';
}
function fmt_dur($s): string
{
    if (!is_numeric($s)) return 'n/a';
    $s = (int) $s;
    $d = intdiv($s, 86400);
    $hh = intdiv($s % 86400, 3600);
    $m = intdiv($s % 3600, 60);
    $sec = $s % 60;
    if ($d) return "{$d}d {$hh}h {$m}m";
    if ($hh) return "{$hh}h {$m}m {$sec}s";
    if ($m) return "{$m}m {$sec}s";
    return "{$sec}s";
}
function fmt_pct($a, $b): string
{
    return $b > 0 ? sprintf('%.1f %%', 100 * $a / $b) : 'n/a';
}
// A number the tests can find: data-k names its place in the data-stats JSON, data-v is the raw
// value; the text is formatted by $kind (int, bytes, dur).
function num(string $path, $v, string $kind = 'int'): string
{
    $text = $kind === 'bytes' ? fmt_bytes($v) : ($kind === 'dur' ? fmt_dur($v) : fmt_int($v));
    $title = $kind === 'bytes' && is_numeric($v) ? ' title="' . h(number_format((float) $v)) . ' bytes"' : '';
    return '<span class="num" data-k="' . h($path) . '" data-f="' . h($kind) . '" data-v="' . h(is_scalar($v) ? (string) $v : '')
        . '"' . $title . '>' . h($text) . '</span>';
}
function url(array $q): string
{
    global $self;
    $q = array_filter($q, fn($v) => $v !== null && $v !== '');
    return h($self . ($q ? '?' . http_build_query($q) : ''));
}

// ---- charts: inline SVG, from the numbers the tables show ----------------------------------------
const PALETTE = ['#4f6bed', '#26a269', '#e5a50a', '#c01c28', '#9141ac', '#1c71d8', '#63452c'];

// A donut of named parts [label => value]. Text equivalent: <title>/<desc> and the legend.
function chart_donut(string $title, array $parts, string $unit = 'bytes'): string
{
    static $n = 0;
    $id = 'c' . (++$n);
    $total = array_sum(array_map('floatval', $parts));
    $r = 42;
    $c = 2 * M_PI * $r;
    $desc = [];
    $arcs = '';
    $off = 0.0;
    $i = 0;
    $legend = '';
    foreach ($parts as $label => $v) {
        $v = (float) $v;
        $col = PALETTE[$i++ % count(PALETTE)];
        $val = $unit === 'bytes' ? fmt_bytes($v) : fmt_int($v);
        $desc[] = "$label: $val (" . fmt_pct($v, $total) . ')';
        $legend .= '<li><i style="background:' . $col . '"></i>' . h($label) . ' <b>' . h($val) . '</b> <small>'
            . h(fmt_pct($v, $total)) . '</small></li>';
        if ($total <= 0 || $v <= 0) continue;
        $len = $c * $v / $total;
        $arcs .= sprintf('<circle r="%d" cx="50" cy="50" fill="none" stroke="%s" stroke-width="16" '
            . 'stroke-dasharray="%.3f %.3f" stroke-dashoffset="%.3f" transform="rotate(-90 50 50)"/>',
            $r, $col, $len, $c - $len, -$off);
        $off += $len;
    }
    if ($total <= 0) $arcs = '<circle r="42" cx="50" cy="50" fill="none" stroke="#d0d5dd" stroke-width="16"/>';
    $center = $total > 0 ? fmt_pct((float) reset($parts), $total) : 'n/a';
    return '<figure class="chart donut"><svg viewBox="0 0 100 100" role="img" aria-labelledby="' . $id . 't ' . $id . 'd">'
        . '<title id="' . $id . 't">' . h($title) . '</title><desc id="' . $id . 'd">' . h(implode('; ', $desc)) . '</desc>'
        . $arcs . '<text x="50" y="48" text-anchor="middle" class="big">' . h($center) . '</text>'
        . '<text x="50" y="62" text-anchor="middle" class="small">' . h(array_key_first($parts) ?? '') . '</text></svg>'
        . '<figcaption>' . h($title) . '<ul class="legend">' . $legend . '</ul></figcaption></figure>';
}

// Vertical bars [label => count], for histograms.
function chart_bars(string $title, array $bars, string $note = ''): string
{
    static $n = 0;
    $id = 'b' . (++$n);
    $w = 320;
    $hgt = 150;
    $max = max(1, ...array_map('floatval', array_values($bars) ?: [0]));
    $k = max(1, count($bars));
    $bw = min(44, ($w - 40) / $k);  // 20 px each side for the outer labels
    $x0 = ($w - $bw * $k) / 2;
    $out = '';
    $desc = [];
    $i = 0;
    foreach ($bars as $label => $v) {
        $bh = ($hgt - 34) * (float) $v / $max;
        $x = $x0 + $i * $bw;
        $out .= sprintf('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="2" class="bar"><title>%s: %s</title></rect>',
            $x + 1.5, $hgt - 20 - $bh, max(1, $bw - 3), max($v > 0 ? 1.5 : 0, $bh), h($label), h(fmt_int($v)));
        if ($v > 0 && $bw >= 16) {
            $out .= sprintf('<text x="%.1f" y="%.1f" text-anchor="middle" class="small">%s</text>',
                $x + $bw / 2, $hgt - 23 - $bh, h(fmt_int($v)));
        }
        if ($k <= 6 || ($k - 1 - $i) % (int) ceil($k / 6) === 0) {  // counted from the last bucket: it is always named
            $out .= sprintf('<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>', $x + $bw / 2, $hgt - 6, h($label));
        }
        $desc[] = "$label: " . fmt_int($v);
        $i++;
    }
    $out .= sprintf('<line x1="4" x2="%d" y1="%d" y2="%d" class="base"/>', $w - 4, $hgt - 20, $hgt - 20);
    return '<figure class="chart bars"><svg viewBox="0 0 ' . $w . ' ' . $hgt . '" role="img" aria-labelledby="' . $id . 't ' . $id . 'd">'
        . '<title id="' . $id . 't">' . h($title) . '</title><desc id="' . $id . 'd">' . h(implode('; ', $desc)) . '</desc>'
        . $out . '</svg><figcaption>' . h($title) . ($note !== '' ? ' <small>' . h($note) . '</small>' : '')
        . '</figcaption></figure>';
}

// A horizontal split bar (hits vs misses), with the numbers beside it.
function chart_ratio(string $title, int $hits, int $misses, string $a = 'hits', string $b = 'misses'): string
{
    $t = $hits + $misses;
    $pa = $t ? 100 * $hits / $t : 0;
    return '<figure class="chart ratio"><svg viewBox="0 0 200 14" preserveAspectRatio="none" role="img" aria-label="'
        . h("$title: $a " . fmt_int($hits) . ", $b " . fmt_int($misses) . ' (' . fmt_pct($hits, $t) . " $a)") . '">'
        . '<rect width="200" height="14" rx="3" fill="' . ($t ? '#e01b24' : '#d0d5dd') . '" opacity="' . ($t ? '.75' : '1') . '"/>'
        . ($t ? sprintf('<rect width="%.2f" height="14" rx="3" fill="#26a269"/>', 2 * $pa) : '')
        . '</svg><figcaption>' . h($title) . ': <b>' . h(fmt_pct($hits, $t)) . '</b> ' . h($a) . ' <small>(' . h(fmt_int($hits))
        . ' ' . h($a) . ', ' . h(fmt_int($misses)) . ' ' . h($b) . ')</small></figcaption></figure>';
}

function size_label($max): string
{
    return $max === null ? '> 1 MB' : '≤ ' . str_replace(['.0 ', ' B'], [' ', ' B'], fmt_bytes($max));
}
function hist_bars(array $hist, string $key): array
{
    // trim empty buckets at both ends (keep at least one)
    $rows = [];
    foreach ($hist as $b) $rows[] = [$key === 'max_bytes' ? size_label($b['max_bytes']) : age_label($b['max_seconds']), (int) $b['count']];
    while (count($rows) > 1 && end($rows)[1] === 0) array_pop($rows);
    while (count($rows) > 1 && $rows[0][1] === 0) array_shift($rows);
    $out = [];
    foreach ($rows as [$l, $c]) $out[$l] = $c;
    return $out;
}
function age_label($max): string
{
    return match ($max) { 60 => '< 1 min', 600 => '< 10 min', 3600 => '< 1 h', 86400 => '< 1 day', default => '≥ 1 day' };
}

// ---- the request's view and parameters -----------------------------------------------------------
const VIEWS = ['summary' => 'Summary', 'user' => 'User cache', 'session' => 'Sessions', 'file' => 'File cache',
    'resolve' => 'Resolve paths', 'locks' => 'Named locks', 'opcache' => 'OPcache'];
$view = (param($_GET, 'view') ?: 'summary');
if (!isset(VIEWS[$view]) && $view !== 'entry') $view = 'summary';
$q = substr(trim(param($_GET, 'q')), 0, 200);
$sort = param($_GET, 'sort');
$dir = param($_GET, 'dir') === 'desc' ? 'desc' : 'asc';
$pageno = max(1, (int) (param($_GET, 'p') ?: 1));
$per = max(10, min(500, (int) (param($_GET, 'n') ?: $cfg_page)));
$loaded = extension_loaded('wincache');

// ---- actions: POST only, token, confirmation, then a redirect (PRG) -------------------------------
const ACTIONS = [
    'clear_user'   => ['Clear the user cache', 'Every entry of the user cache is deleted, for every worker of the group.', 'user'],
    'delete_user'  => ['Delete a user-cache entry', 'The entry is deleted for every worker of the group.', 'user'],
    'refresh_files' => ['Refresh the file cache', 'wincache_refresh_if_changed(): every cached file (or the one named) is checked against the disk on its next use.', 'file'],
    'opcache_reset' => ['Reset OPcache', 'opcache_reset(): this worker\'s OPcache is emptied (each php-fpm pool has one OPcache shared by its workers).', 'opcache'],
];
$confirm = null;  // the action to confirm, when this request is its first step
if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    $action = param($_POST, 'action');
    $token = param($_POST, 'token');
    $origin = $_SERVER['HTTP_ORIGIN'] ?? null;
    $host = $_SERVER['HTTP_HOST'] ?? '';
    // A browser names the page that sent a POST in Origin: it must be this host (absent: not a browser form)
    $origin_ok = true;
    if ($origin !== null) {
        $oh = parse_url((string) $origin, PHP_URL_HOST);
        $op = parse_url((string) $origin, PHP_URL_PORT);
        // (some front ends pass Host without its port: then the host names must match)
        $hh = parse_url('http://' . $host, PHP_URL_HOST);
        $hp = parse_url('http://' . $host, PHP_URL_PORT);
        $origin_ok = is_string($oh) && is_string($hh) && strcasecmp($oh, $hh) === 0 && ($hp === null || $hp === $op);
    }
    if (!isset(ACTIONS[$action])) wcp_refuse(400, 'Unknown action', '<p>Nothing was done.</p>');
    if ($token === '' || !isset($_COOKIE['wcp_csrf']) || !hash_equals(param($_COOKIE, 'wcp_csrf'), $token) || !$origin_ok) {
        wcp_refuse(403, 'Refused: missing or wrong token', '<p>The form was not sent by this page (no valid CSRF token). '
            . 'Nothing was done. <a href="' . url([]) . '">Back to the statistics</a>.</p>');
    }
    $arg = substr(param($_POST, 'arg'), 0, 4096);
    if (param($_POST, 'confirm') !== 'yes') {
        $confirm = ['action' => $action, 'arg' => $arg];
        $view = ACTIONS[$action][2];
    } else {
        $ok = false;
        $detail = '';
        switch ($action) {
            case 'clear_user':
                $ok = $loaded && wincache_ucache_clear();
                break;
            case 'delete_user':
                $ok = $loaded && $arg !== '' && wincache_ucache_delete($arg);
                $detail = $arg;
                break;
            case 'refresh_files':
                $ok = $loaded && ($arg === '' ? wincache_refresh_if_changed() : wincache_refresh_if_changed([$arg]));
                $detail = $arg;
                break;
            case 'opcache_reset':
                $ok = function_exists('opcache_reset') && opcache_reset();
                break;
        }
        $back = ['view' => ACTIONS[$action][2], 'done' => $action, 'ok' => $ok ? '1' : '0', 'what' => $detail];
        header('Location: ' . $self . '?' . http_build_query(array_filter($back, fn($v) => $v !== '')), true, 303);
        exit;
    }
}

// ---- the numbers: all from this request ------------------------------------------------------------
$S = ['request' => ['pid' => getmypid(), 'time' => date('c'), 'sapi' => PHP_SAPI, 'php' => PHP_VERSION,
    'wincache' => $loaded ? phpversion('wincache') : null, 'view' => $view]];
$warn = [];
if ($loaded) {
    $S['ucache'] = wincache_ucache_info(true);
    $S['ucache_mem'] = wincache_ucache_meminfo();
    $S['scache'] = wincache_scache_info(true);
    $S['scache_mem'] = wincache_scache_meminfo();
    $S['fcache'] = wincache_fcache_fileinfo(true);
    $S['fcache_mem'] = wincache_fcache_meminfo();
    $S['rplist'] = wincache_rplist_fileinfo(true);
    $S['rplist_mem'] = wincache_rplist_meminfo();
    $have_stats = function_exists('wincache_stats_memory');
    if ($have_stats) {
        foreach (['user', 'session', 'file', 'resolve'] as $c) {
            $S['memory'][$c] = @wincache_stats_memory($c);
        }
        // the session store's own figures (wincache_scache_info answers zeros in a worker that has
        // not opened a session yet); no session is started for the viewer
        $S['session_store'] = @wincache_stats_entries('session', 0, 0);
        // lock names to identify (the table keeps hashes): ?names=a,b
        $lock_names = array_values(array_filter(array_map('trim', explode(',', substr(param($_GET, 'names'), 0, 2000))), 'strlen'));
        $S['locks'] = wincache_stats_locks($lock_names);
    }
    // last: the info calls above attach what this worker had not used yet (file caches)
    $S['extra'] = wincache_extra_info();
    $ini = [];
    foreach (ini_get_all('wincache', true) as $k => $v) $ini[$k] = $v['local_value'];
    $S['ini'] = $ini;
}
$ocs = function_exists('opcache_get_status') ? @opcache_get_status($view === 'opcache') : false;
$S['opcache'] = $ocs === false ? false : $ocs;
if ($view === 'opcache' && is_array($ocs)) unset($S['opcache']['scripts']);  // listed below, not embedded twice
$occ = function_exists('opcache_get_configuration') ? @opcache_get_configuration() : false;

// The entry listings of the view, from this request too.
$listing = null;
$sortable = [];
if ($loaded && ($view === 'user' || $view === 'session') && function_exists('wincache_stats_entries')) {
    $sortable = ['key' => 'Key', 'type' => 'Type', 'size' => 'Size', 'ttl' => 'TTL', 'age' => 'Age', 'hits' => 'Hits', 'idle' => 'Idle'];
    if (!isset($sortable[$sort])) $sort = 'key';
    $listing = wincache_stats_entries($view, ($pageno - 1) * $per, $per, $sort, $dir === 'desc', $q);
    if (is_array($listing) && $listing['matched'] > 0 && ($pageno - 1) * $per >= $listing['matched']) {
        $pageno = intdiv($listing['matched'] - 1, $per) + 1;  // past the end: the last page
        $listing = wincache_stats_entries($view, ($pageno - 1) * $per, $per, $sort, $dir === 'desc', $q);
    }
    $S['listing'] = $listing;
} elseif ($loaded && ($view === 'file' || $view === 'resolve' || $view === 'opcache')) {
    // bounded lists (wincache.filecount, OPcache's max_accelerated_files): sorted and cut here
    if ($view === 'file') {
        $all = (wincache_fcache_fileinfo(false)['file_entries'] ?? []);
        $sortable = ['file_name' => 'File', 'file_size' => 'Size', 'add_time' => 'Age', 'use_time' => 'Idle', 'last_check' => 'Checked', 'hit_count' => 'Hits'];
        $key_field = 'file_name';
    } elseif ($view === 'resolve') {
        $all = (wincache_rplist_fileinfo(false)['rplist_entries'] ?? []);
        $sortable = ['resolve_path' => 'Path as asked', 'subkey_data' => 'cwd | script directory'];
        $key_field = 'resolve_path';
    } else {
        $all = array_values(is_array($ocs) ? ($ocs['scripts'] ?? []) : []);
        $sortable = ['full_path' => 'Script', 'hits' => 'Hits', 'memory_consumption' => 'Memory', 'last_used_timestamp' => 'Last used'];
        $key_field = 'full_path';
    }
    if (!isset($sortable[$sort])) $sort = $key_field;
    $all = array_values($all);
    if ($q !== '') $all = array_values(array_filter($all, fn($r) => stripos((string) ($r[$key_field] ?? ''), $q) !== false));
    usort($all, function ($a, $b) use ($sort, $dir, $key_field) {
        $r = is_numeric($a[$sort] ?? '') && is_numeric($b[$sort] ?? '') ? $a[$sort] <=> $b[$sort] : strcmp((string) ($a[$sort] ?? ''), (string) ($b[$sort] ?? ''));
        if ($r === 0) $r = strcmp((string) $a[$key_field], (string) $b[$key_field]);
        return $dir === 'desc' ? -$r : $r;
    });
    $matched = count($all);
    if ($matched > 0 && ($pageno - 1) * $per >= $matched) $pageno = intdiv($matched - 1, $per) + 1;
    $listing = ['listed' => null, 'matched' => $matched, 'offset' => ($pageno - 1) * $per,
        'entries' => array_slice($all, ($pageno - 1) * $per, $per)];
    $S['listing'] = $listing;
}
$entry = null;
if ($loaded && $view === 'entry') {
    $key = param($_GET, 'key');
    $info = $key !== '' ? @wincache_ucache_info(false, $key) : false;
    $entry = ['key' => $key, 'row' => is_array($info) ? ($info['ucache_entries'][1] ?? null) : null];
    if ($cfg_values && $entry['row']) {
        $val = wincache_ucache_get($key, $found);
        $entry['value'] = $found ? print_r($val, true) : null;
    }
    $S['entry'] = ['key' => $key, 'row' => $entry['row']];
}

// ---- page pieces --------------------------------------------------------------------------------------
function tile(string $label, string $value_html, string $sub = '', string $cls = ''): string
{
    return '<div class="tile' . ($cls !== '' ? ' ' . h($cls) : '') . '"><div class="label">' . h($label) . '</div><div class="value">' . $value_html . '</div>'
        . ($sub !== '' ? '<div class="sub">' . $sub . '</div>' : '') . '</div>';
}
function action_form(string $action, string $label, string $arg = '', string $cls = ''): string
{
    global $csrf, $self;
    return '<form method="post" action="' . h($self) . '" class="inline"><input type="hidden" name="action" value="' . h($action) . '">'
        . '<input type="hidden" name="arg" value="' . h($arg) . '"><input type="hidden" name="token" value="' . h($csrf) . '">'
        . '<button type="submit" class="' . h($cls) . '">' . h($label) . '</button></form>';
}
function kv_table(array $rows): string
{
    $o = '<table class="kv">';
    foreach ($rows as $k => $v) $o .= '<tr><th scope="row">' . h($k) . '</th><td>' . $v . '</td></tr>';
    return $o . '</table>';
}
// The extension's other figures of a cache (wincache_extra_info), as they come.
function extra_table(string $title, $arr, string $path): string
{
    if (!is_array($arr) || !$arr) return '';
    $rows = [];
    foreach ($arr as $k => $v) {
        if (is_array($v)) continue;
        $rows[str_replace('_', ' ', (string) $k)] = is_int($v) ? num("$path.$k", $v)
            : (is_bool($v) ? ($v ? 'yes' : 'no') : ($v === '' ? '<span class="muted">—</span>' : h($v)));
    }
    return '<details class="more"><summary>' . h($title) . '</summary>' . kv_table($rows) . '</details>';
}
function scope_html(?string $scope, string $why = ''): string
{
    if ($scope === 'not used') {  // sessions: this worker has not opened the store through a session
        return '<span class="pill ok">shared</span> <small>not used by this worker\'s requests yet</small>';
    }
    $cls = match ($scope) { 'global', 'shared' => 'ok', 'local' => 'warn', 'none', 'unavailable' => 'bad', default => 'muted' };
    return '<span class="pill ' . $cls . '">' . h($scope ?? 'n/a') . '</span>' . ($why !== '' ? ' <small>' . h($why) . '</small>' : '');
}
function memory_block(string $c, string $which, $mem, $detail, string $path): string
{
    if (!is_array($mem)) return '<p class="muted">No memory figures: the cache is not available in this worker.</p>';
    $total = (int) $mem['memory_total'];
    $free = (int) $mem['memory_free'];
    $over = (int) $mem['memory_overhead'];
    $used = max(0, $total - $free - $over);
    $o = '<div class="cols"><div>' . chart_donut("$c memory", ['used' => $used, 'free' => $free, 'overhead' => $over]) . '</div><div>'
        . kv_table([
            'total' => num("$path.memory_total", $total, 'bytes'),
            'free' => num("$path.memory_free", $free, 'bytes'),
            'overhead' => num("$path.memory_overhead", $over, 'bytes'),
            'used blocks' => num("$path.num_used_blks", $mem['num_used_blks']),
            'free blocks' => num("$path.num_free_blks", $mem['num_free_blks']),
        ] + (is_array($detail) ? [
            'largest free block' => num("memory.$which.largest_free_block", $detail['largest_free_block'], 'bytes'),
            'fragmentation' => h(sprintf('%.1f %%', 100 * $detail['fragmentation'])) . ' <small>(1 − largest free / free)</small>',
        ] : [])) . '</div>';
    if (is_array($detail)) {
        $o .= '<div>' . chart_bars("$c free blocks by size", hist_bars($detail['free_blocks_by_size'], 'max_bytes'),
            'many small free blocks = fragmented') . '</div>';
    }
    return $o . '</div>';
}
function pager(array $listing, int $pageno, int $per, array $base): string
{
    $matched = (int) $listing['matched'];
    $pages = max(1, (int) ceil($matched / $per));
    $from = $matched ? ($pageno - 1) * $per + 1 : 0;
    $to = min($matched, $pageno * $per);
    $o = '<nav class="pager" aria-label="pages"><span>' . h(fmt_int($from)) . '–' . h(fmt_int($to)) . ' of <b data-k="listing.matched" data-v="'
        . $matched . '">' . h(fmt_int($matched)) . '</b></span> ';
    $show = array_unique(array_filter([1, 2, $pageno - 2, $pageno - 1, $pageno, $pageno + 1, $pageno + 2, $pages - 1, $pages],
        fn($p) => $p >= 1 && $p <= $pages));
    sort($show);
    if ($pageno > 1) $o .= '<a rel="prev" href="' . url($base + ['p' => $pageno - 1]) . '">‹ prev</a>';
    $last = 0;
    foreach ($show as $p) {
        if ($p > $last + 1) $o .= '<span class="gap">…</span>';
        $o .= $p === $pageno ? '<b aria-current="page">' . $p . '</b>' : '<a href="' . url($base + ['p' => $p]) . '">' . $p . '</a>';
        $last = $p;
    }
    if ($pageno < $pages) $o .= '<a rel="next" href="' . url($base + ['p' => $pageno + 1]) . '">next ›</a>';
    return $o . '</nav>';
}
function filter_form(string $view, string $q, string $sort, string $dir, int $per): string
{
    global $self;
    return '<form method="get" action="' . h($self) . '" class="filter" role="search"><input type="hidden" name="view" value="' . h($view) . '">'
        . '<input type="hidden" name="sort" value="' . h($sort) . '"><input type="hidden" name="dir" value="' . h($dir) . '">'
        . '<input type="hidden" name="n" value="' . $per . '">'
        . '<label><span class="sr">Filter by key</span><input type="search" name="q" value="' . h($q) . '" placeholder="filter: part of the name"></label>'
        . '<button type="submit">Filter</button>' . ($q !== '' ? ' <a href="' . url(['view' => $view]) . '">clear</a>' : '') . '</form>';
}
function th_sort(string $col, string $label, string $view, string $sort, string $dir, string $q, int $per, bool $numeric, bool $optional = false): string
{
    $next = $sort === $col && $dir === 'asc' ? 'desc' : 'asc';
    $arrow = $sort === $col ? ($dir === 'asc' ? ' ▲' : ' ▼') : '';
    $aria = $sort === $col ? ' aria-sort="' . ($dir === 'asc' ? 'ascending' : 'descending') . '"' : '';
    $cls = trim(($numeric ? 'n' : '') . ($optional ? ' opt' : ''));
    return '<th scope="col"' . $aria . ($cls !== '' ? ' class="' . $cls . '"' : '') . '><a href="' . url(['view' => $view, 'sort' => $col, 'dir' => $next, 'q' => $q, 'n' => $per]) . '">'
        . h($label) . $arrow . '</a></th>';
}
$base_q = ['view' => $view, 'sort' => $sort, 'dir' => $dir, 'q' => $q, 'n' => $per];

// ---- render -------------------------------------------------------------------------------------------
ob_start();
?>
<header class="top">
  <div class="brand"><svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><rect x="2" y="4" width="20" height="5" rx="1.5" fill="#4f6bed"/><rect x="2" y="10" width="20" height="5" rx="1.5" fill="#26a269"/><rect x="2" y="16" width="13" height="5" rx="1.5" fill="#e5a50a"/></svg>
    <div><b>wincache</b> <span class="muted">statistics</span></div></div>
  <div class="who">worker <b><?= (int) getmypid() ?></b> · <?= h(PHP_SAPI) ?> · <?= h(date('H:i:s')) ?> · <?= $auth_mode === 'password' ? 'signed in as ' . h($cfg_user) : 'localhost access' ?></div>
</header>
<nav class="tabs" aria-label="sections">
<?php foreach (VIEWS as $k => $label): ?>
  <a href="<?= url(['view' => $k]) ?>"<?= $k === $view || ($view === 'entry' && $k === 'user') ? ' aria-current="page"' : '' ?>><?= h($label) ?></a>
<?php endforeach; ?>
</nav>
<?php
if (isset(ACTIONS[param($_GET, 'done')])) {
    $ok = param($_GET, 'ok') === '1';
    echo '<p class="flash ' . ($ok ? 'ok' : 'bad') . '" role="status">' . h(ACTIONS[param($_GET, 'done')][0]) . ($ok ? ': done' : ': failed')
        . (param($_GET, 'what') !== '' ? ' (<code>' . h(param($_GET, 'what')) . '</code>)' : '') . '.</p>';
}
if (!$loaded) echo '<p class="flash bad">The <code>wincache</code> extension is not loaded in this PHP process (SAPI ' . h(PHP_SAPI) . ').</p>';
if ($loaded && !function_exists('wincache_stats_memory')) echo '<p class="flash bad">This wincache build has no <code>wincache_stats_*</code> functions: free-block histograms, lock holders and paged listings are missing.</p>';

if ($confirm !== null):
    [$atitle, $adesc] = ACTIONS[$confirm['action']];
?>
<section class="card confirm" id="confirm">
  <h2><?= h($atitle) ?>?</h2>
  <p><?= h($adesc) ?></p>
  <?php if ($confirm['arg'] !== ''): ?><p>Target: <code><?= h($confirm['arg']) ?></code></p><?php endif; ?>
  <form method="post" action="<?= h($self) ?>" class="inline">
    <input type="hidden" name="action" value="<?= h($confirm['action']) ?>">
    <input type="hidden" name="arg" value="<?= h($confirm['arg']) ?>">
    <input type="hidden" name="token" value="<?= h($csrf) ?>">
    <input type="hidden" name="confirm" value="yes">
    <button type="submit" class="danger">Yes, <?= h(lcfirst($atitle)) ?></button>
  </form>
  <a class="button" href="<?= url(['view' => ACTIONS[$confirm['action']][2]]) ?>">Cancel</a>
</section>
<?php
endif;

// ---------------------------------------------------------------- summary
if ($view === 'summary'):
    $x = $S['extra'] ?? [];
    $uc = $S['ucache'] ?? false;
    $sc = $S['session_store'] ?? false;
    $fc = $S['fcache'] ?? false;
    $rp = $S['rplist'] ?? false;
?>
<section class="card" id="summary">
  <h2>Summary</h2>
  <div class="tiles">
    <?= tile('wincache', h($S['request']['wincache'] ?? 'not loaded')) ?>
    <?= tile('PHP', h(PHP_VERSION), h(PHP_SAPI) . ' · ' . h(PHP_OS_FAMILY)) ?>
    <?= tile('group', '<code class="wrap">' . h($x['group'] ?? 'n/a') . '</code>', 'segments in ' . h($x['location'] ?? 'n/a') . ' · slot ' . h($x['slot'] ?? '?'), 'wide') ?>
    <?= tile('OPcache', is_array($ocs) ? ($ocs['opcache_enabled'] ? '<span class="pill ok">on</span>' : '<span class="pill warn">off</span>') : '<span class="pill muted">off</span>',
        is_array($ocs) ? h(fmt_int($ocs['opcache_statistics']['num_cached_scripts'] ?? 0)) . ' scripts' : 'not in this process') ?>
  </div>
  <div class="scroll"><table class="grid summary">
    <thead><tr><th scope="col">Cache</th><th scope="col">Scope</th><th scope="col" class="n opt">Uptime</th><th scope="col" class="n">Items</th>
      <th scope="col" class="n opt">Hits</th><th scope="col" class="n opt">Misses</th><th scope="col" class="n">Hit rate</th><th scope="col" class="n opt">Memory used</th></tr></thead>
    <tbody>
<?php
    $mem_used = function ($m) {
        return is_array($m) ? fmt_bytes($m['memory_total'] - $m['memory_free']) . ' / ' . fmt_bytes($m['memory_total']) : 'n/a';
    };
    if (is_array($uc)) {
        echo '<tr><th scope="row"><a href="' . url(['view' => 'user']) . '">User cache</a></th><td>'
            . scope_html($x['ucache']['scope'] ?? ($uc['is_local_cache'] ? 'local' : 'global'), $x['ucache']['why_local'] ?? '')
            . '</td><td class="n">' . num('ucache.total_cache_uptime', $uc['total_cache_uptime'], 'dur') . '</td><td class="n">' . num('ucache.total_item_count', $uc['total_item_count'])
            . '</td><td class="n">' . num('ucache.total_hit_count', $uc['total_hit_count']) . '</td><td class="n">' . num('ucache.total_miss_count', $uc['total_miss_count'])
            . '</td><td class="n">' . h(fmt_pct($uc['total_hit_count'], $uc['total_hit_count'] + $uc['total_miss_count'])) . '</td><td class="n">' . h($mem_used($S['ucache_mem'] ?? null)) . '</td></tr>';
    }
    if (is_array($sc)) {
        echo '<tr><th scope="row"><a href="' . url(['view' => 'session']) . '">Sessions</a></th><td>'
            . scope_html($x['sessions']['scope'] ?? 'n/a', $x['sessions']['why_unavailable'] ?? '') . '</td><td class="n">' . num('session_store.total_cache_uptime', $sc['total_cache_uptime'], 'dur')
            . '</td><td class="n">' . num('session_store.total_item_count', $sc['total_item_count']) . '</td><td class="n">' . num('session_store.total_hit_count', $sc['total_hit_count'])
            . '</td><td class="n">' . num('session_store.total_miss_count', $sc['total_miss_count']) . '</td><td class="n">' . h(fmt_pct($sc['total_hit_count'], $sc['total_hit_count'] + $sc['total_miss_count']))
            . '</td><td class="n">' . h($mem_used($S['memory']['session'] ?? null)) . '</td></tr>';
    } else {
        echo '<tr><th scope="row">Sessions</th><td colspan="7">' . scope_html($x['sessions']['scope'] ?? 'n/a', $x['sessions']['why_unavailable'] ?? '') . '</td></tr>';
    }
    if (is_array($fc)) {
        echo '<tr><th scope="row"><a href="' . url(['view' => 'file']) . '">File cache</a></th><td>' . scope_html($x['fcache']['scope'] ?? 'n/a', $x['fcache']['why_unavailable'] ?? '')
            . '</td><td class="n">' . num('fcache.total_cache_uptime', $fc['total_cache_uptime'], 'dur') . '</td><td class="n">' . num('fcache.total_file_count', $fc['total_file_count'])
            . '</td><td class="n">' . num('fcache.total_hit_count', $fc['total_hit_count']) . '</td><td class="n">' . num('fcache.total_miss_count', $fc['total_miss_count'])
            . '</td><td class="n">' . h(fmt_pct($fc['total_hit_count'], $fc['total_hit_count'] + $fc['total_miss_count'])) . '</td><td class="n">' . h($mem_used($S['fcache_mem'] ?? null)) . '</td></tr>';
    } else {
        echo '<tr><th scope="row">File cache</th><td colspan="7">' . scope_html($x['fcache']['scope'] ?? 'n/a', $x['fcache']['why_unavailable'] ?? '') . '</td></tr>';
    }
    if (is_array($rp)) {
        echo '<tr><th scope="row"><a href="' . url(['view' => 'resolve']) . '">Resolve paths</a></th><td>' . scope_html($x['fcache']['scope'] ?? 'n/a')
            . '</td><td class="n"><span class="muted">—</span></td><td class="n">' . num('rplist.total_file_count', $rp['total_file_count'])
            . '</td><td class="n">' . num('extra.rplist.hits_here', $x['rplist']['hits_here'] ?? null) . '<small> here</small></td><td class="n">'
            . num('extra.rplist.resolved_here', $x['rplist']['resolved_here'] ?? null) . '<small> here</small></td><td class="n"><span class="muted">—</span></td><td class="n">' . h($mem_used($S['rplist_mem'] ?? null)) . '</td></tr>';
    }
    $lk = $x['locks'] ?? [];
    echo '<tr><th scope="row"><a href="' . url(['view' => 'locks']) . '">Named locks</a></th><td>' . scope_html($lk['scope'] ?? 'n/a', $lk['why_unavailable'] ?? '')
        . '</td><td class="n"><span class="muted">—</span></td><td class="n">' . num('extra.locks.held', $lk['held'] ?? null) . '<small> held</small></td><td class="n">'
        . num('extra.locks.acquired', $lk['acquired'] ?? null) . '<small> acquired</small></td><td class="n">' . num('extra.locks.waited', $lk['waited'] ?? null)
        . '<small> waited</small></td><td class="n"><span class="muted">—</span></td><td class="n"><span class="muted">—</span></td></tr>';
?>
    </tbody></table></div>
  <p class="muted small">Hit and miss counts are the group's (every worker's), since each cache was created. The resolve-path row counts this worker's lookups (<em>here</em>): the group keeps no totals for it.</p>
  <div class="chartrow">
<?php
    if (is_array($S['ucache_mem'] ?? null)) { $m = $S['ucache_mem']; echo chart_donut('User cache memory', ['used' => $m['memory_total'] - $m['memory_free'], 'free' => $m['memory_free']]); }
    if (is_array($S['memory']['session'] ?? null)) { $m = $S['memory']['session']; echo chart_donut('Session memory', ['used' => $m['memory_total'] - $m['memory_free'], 'free' => $m['memory_free']]); }
    if (is_array($S['fcache_mem'] ?? null)) { $m = $S['fcache_mem']; echo chart_donut('File cache memory', ['used' => $m['memory_total'] - $m['memory_free'], 'free' => $m['memory_free']]); }
    if (is_array($ocs) && isset($ocs['memory_usage'])) { $m = $ocs['memory_usage']; echo chart_donut('OPcache memory', ['used' => $m['used_memory'], 'free' => $m['free_memory'], 'wasted' => $m['wasted_memory']]); }
?>
  </div>
  <div class="chartrow">
<?php
    if (is_array($uc)) echo chart_ratio('User cache', (int) $uc['total_hit_count'], (int) $uc['total_miss_count']);
    if (is_array($sc)) echo chart_ratio('Sessions', (int) $sc['total_hit_count'], (int) $sc['total_miss_count']);
    if (is_array($fc)) echo chart_ratio('File cache', (int) $fc['total_hit_count'], (int) $fc['total_miss_count']);
    if (is_array($ocs) && isset($ocs['opcache_statistics'])) echo chart_ratio('OPcache', (int) $ocs['opcache_statistics']['hits'], (int) $ocs['opcache_statistics']['misses']);
?>
  </div>
</section>
<section class="card" id="ini">
  <h2>Settings in force</h2>
  <p class="muted small">ini_get_all('wincache'): values clamped at startup are written back, so these are the values in use.</p>
  <div class="scroll"><table class="kv ini">
<?php foreach ($S['ini'] ?? [] as $k => $v): ?>
    <tr><th scope="row"><code><?= h($k) ?></code></th><td><code class="wrap"><?= $v === '' || $v === null ? '<span class="muted">(empty)</span>' : h($v) ?></code></td></tr>
<?php endforeach; ?>
    <tr><th scope="row"><code>session.save_handler</code></th><td><code><?= h(ini_get('session.save_handler')) ?></code></td></tr>
  </table></div>
</section>
<?php
// ---------------------------------------------------------------- user cache, sessions
elseif ($view === 'user' || $view === 'session'):
    $isu = $view === 'user';
    $x = $S['extra'] ?? [];
    $info = $isu ? ($S['ucache'] ?? false) : ($S['session_store'] ?? false);
    $ipath = $isu ? 'ucache' : 'session_store';
    $mem = $isu ? ($S['ucache_mem'] ?? null) : ($S['memory']['session'] ?? null);
    $xs = $isu ? ($x['ucache'] ?? []) : ($x['sessions'] ?? []);
?>
<section class="card" id="<?= h($view) ?>">
  <h2><?= $isu ? 'User cache' : 'Sessions' ?></h2>
<?php if (!is_array($info)): ?>
  <p class="muted">Not available in this worker<?= isset($xs['why_unavailable']) && $xs['why_unavailable'] !== '' ? ': ' . h($xs['why_unavailable']) : '' ?>.
  <?= !$isu && ini_get('session.save_handler') !== 'wincache' ? 'session.save_handler is <code>' . h(ini_get('session.save_handler')) . '</code>, not <code>wincache</code>.' : '' ?></p>
<?php else:
    $hits = (int) $info['total_hit_count'];
    $miss = (int) $info['total_miss_count'];
?>
  <div class="tiles">
    <?= tile('scope', scope_html($isu ? ($xs['scope'] ?? null) : ($xs['scope'] ?? null), $isu ? ($xs['why_local'] ?? '') : ($xs['why_unavailable'] ?? ''))) ?>
    <?= tile('uptime', num("$ipath.total_cache_uptime", $info['total_cache_uptime'], 'dur')) ?>
    <?= tile('items', num("$ipath.total_item_count", $info['total_item_count'])) ?>
    <?= tile('hits', num("$ipath.total_hit_count", $hits), h(fmt_pct($hits, $hits + $miss)) . ' hit rate') ?>
    <?= tile('misses', num("$ipath.total_miss_count", $miss)) ?>
    <?= tile('evictions', $isu ? num('extra.ucache.evictions', $xs['evictions'] ?? null) : num('session_store.evictions', $info['evictions']),
        $isu ? num('extra.ucache.expirations', $xs['expirations'] ?? null) . ' expired' : num('session_store.expirations', $info['expirations']) . ' expired') ?>
  </div>
  <?= chart_ratio('Hits and misses', $hits, $miss) ?>
  <?php if (!$isu): ?><p class="muted small">From the session store itself: <code>wincache_scache_info()</code> answers zeros in a worker that has not opened a session, and this page starts none. Session ids are secrets: the list shows their first characters only (the filter matches whole ids).</p><?php endif; ?>
  <h3>Memory</h3>
  <?= memory_block($isu ? 'user cache' : 'session', $view, $mem, $S['memory'][$view] ?? null, $isu ? 'ucache_mem' : "memory.session") ?>
<?php if (is_array($listing)): ?>
  <h3>Entries</h3>
  <div class="cols">
    <div><?= chart_bars('Entries by value size', hist_bars($listing['by_size'], 'max_bytes')) ?></div>
    <div><?= chart_bars('Entries by age', hist_bars($listing['by_age'], 'max_seconds')) ?></div>
  </div>
  <div class="toolbar"><?= filter_form($view, $q, $sort, $dir, $per) ?>
    <?= $isu ? action_form('clear_user', 'Clear user cache…', '', 'danger') : '' ?></div>
  <?= pager($listing, $pageno, $per, $base_q) ?>
  <div class="scroll"><table class="grid entries">
    <thead><tr>
<?php foreach ($sortable as $col => $label) echo th_sort($col, $label, $view, $sort, $dir, $q, $per, $col !== 'key' && $col !== 'type', in_array($col, ['type', 'ttl', 'idle'], true)); ?>
      <?= $isu ? '<th scope="col"><span class="sr">actions</span></th>' : '' ?></tr></thead>
    <tbody>
<?php foreach ($listing['entries'] as $i => $e): ?>
      <tr><td class="key"><?= $isu ? '<a href="' . url(['view' => 'entry', 'key' => $e['key_name']]) . '"><code>' . h($e['key_name']) . '</code></a>' : '<code title="session id, shortened">' . h(strlen($e['key_name']) > 10 ? substr($e['key_name'], 0, 6) . '…' : $e['key_name']) . '</code>' ?></td>
        <td class="opt"><?= h($e['value_type']) ?></td><td class="n"><?= h(fmt_bytes($e['value_size'])) ?></td>
        <td class="n opt"><?= $e['ttl_seconds'] ? h(fmt_dur($e['ttl_seconds'])) : '<span class="muted">none</span>' ?></td>
        <td class="n"><?= h(fmt_dur($e['age_seconds'])) ?></td><td class="n"><?= h(fmt_int($e['hitcount'])) ?></td><td class="n opt"><?= h(fmt_dur($e['idle_seconds'])) ?></td>
        <?= $isu ? '<td>' . action_form('delete_user', 'Delete…', $e['key_name'], 'small') . '</td>' : '' ?></tr>
<?php endforeach; ?>
<?php if (!$listing['entries']): ?><tr><td colspan="8" class="muted"><?= $q !== '' ? 'No key contains “' . h($q) . '”.' : 'The cache is empty.' ?></td></tr><?php endif; ?>
    </tbody></table></div>
  <?= pager($listing, $pageno, $per, $base_q) ?>
<?php endif; ?>
  <?= extra_table('More figures (wincache_extra_info)', $xs, $isu ? 'extra.ucache' : 'extra.sessions') ?>
<?php endif; ?>
</section>
<?php
// ---------------------------------------------------------------- one user-cache entry
elseif ($view === 'entry'):
    $row = $entry['row'] ?? null;
?>
<section class="card" id="entry">
  <h2>User-cache entry</h2>
  <p><a href="<?= url(['view' => 'user']) ?>">‹ all entries</a></p>
  <p class="keyline"><code class="wrap"><?= h($entry['key'] ?? '') ?></code></p>
<?php if (!$row): ?>
  <p class="muted">No such entry (it may have expired or been deleted).</p>
<?php else: ?>
  <?= kv_table(['type' => h($row['value_type']), 'size' => num('entry.row.value_size', $row['value_size'], 'bytes'),
      'ttl' => $row['ttl_seconds'] ? num('entry.row.ttl_seconds', $row['ttl_seconds'], 'dur') : 'none',
      'age' => num('entry.row.age_seconds', $row['age_seconds'], 'dur'), 'hits' => num('entry.row.hitcount', $row['hitcount'])]) ?>
  <h3>Value</h3>
<?php if ($cfg_values): ?>
  <p class="muted small">Read with wincache_ucache_get(): this view counts as one hit.</p>
  <pre class="value"><?= h($entry['value'] ?? '(gone)') ?></pre>
<?php else: ?>
  <p class="muted">Values are not shown: set <code>'show_values' =&gt; true</code> (or <code>WINCACHE_PAGE_SHOW_VALUES=1</code>) to see them.</p>
<?php endif; ?>
  <?= action_form('delete_user', 'Delete this entry…', $entry['key'], 'danger') ?>
<?php endif; ?>
</section>
<?php
// ---------------------------------------------------------------- file cache, resolve paths
elseif ($view === 'file' || $view === 'resolve'):
    $isf = $view === 'file';
    $x = $S['extra'] ?? [];
    $xf = $x['fcache'] ?? [];
    $info = $isf ? ($S['fcache'] ?? false) : ($S['rplist'] ?? false);
?>
<section class="card" id="<?= h($view) ?>">
  <h2><?= $isf ? 'File cache' : 'Resolve-path cache' ?></h2>
<?php if (!is_array($info)): ?>
  <p class="muted">Not available in this worker<?= ($xf['why_unavailable'] ?? '') !== '' ? ': ' . h($xf['why_unavailable']) : '' ?>.</p>
<?php else: ?>
  <div class="tiles">
    <?= tile('scope', scope_html($xf['scope'] ?? null, $xf['why_unavailable'] ?? '')) ?>
<?php if ($isf): ?>
    <?= tile('uptime', num('fcache.total_cache_uptime', $info['total_cache_uptime'], 'dur')) ?>
    <?= tile('files', num('fcache.total_file_count', $info['total_file_count'])) ?>
    <?= tile('hits', num('fcache.total_hit_count', $info['total_hit_count']), h(fmt_pct($info['total_hit_count'], $info['total_hit_count'] + $info['total_miss_count'])) . ' hit rate') ?>
    <?= tile('misses', num('fcache.total_miss_count', $info['total_miss_count'])) ?>
    <?= tile('evictions', num('extra.fcache.evictions', $xf['evictions'] ?? null), num('extra.fcache.expirations', $xf['expirations'] ?? null) . ' expired') ?>
    <?= tile('change detection', h($xf['change_detection'] ?? 'n/a')) ?>
<?php else: $xr = $x['rplist'] ?? []; ?>
    <?= tile('paths', num('rplist.total_file_count', $info['total_file_count'])) ?>
    <?= tile('hits here', num('extra.rplist.hits_here', $xr['hits_here'] ?? null), 'this worker') ?>
    <?= tile('resolved here', num('extra.rplist.resolved_here', $xr['resolved_here'] ?? null), 'this worker') ?>
<?php endif; ?>
  </div>
  <?= $isf ? chart_ratio('Hits and misses', (int) $info['total_hit_count'], (int) $info['total_miss_count']) : '' ?>
  <h3>Memory</h3>
  <?= memory_block($isf ? 'file cache' : 'resolve cache', $view, $isf ? ($S['fcache_mem'] ?? null) : ($S['rplist_mem'] ?? null), $S['memory'][$view] ?? null, $isf ? 'fcache_mem' : 'rplist_mem') ?>
  <h3><?= $isf ? 'Files' : 'Paths' ?></h3>
  <div class="toolbar"><?= filter_form($view, $q, $sort, $dir, $per) ?><?= $isf ? action_form('refresh_files', 'Refresh all files…') : '' ?></div>
  <?= pager($listing, $pageno, $per, $base_q) ?>
  <div class="scroll"><table class="grid entries">
    <thead><tr><?php foreach ($sortable as $col => $label) echo th_sort($col, $label, $view, $sort, $dir, $q, $per, !in_array($col, ['file_name', 'resolve_path', 'subkey_data'], true), in_array($col, ['use_time', 'last_check'], true)); ?><?= $isf ? '<th scope="col"><span class="sr">actions</span></th>' : '' ?></tr></thead>
    <tbody>
<?php foreach ($listing['entries'] as $e): if ($isf): ?>
      <tr><td class="key"><code title="<?= h($e['file_name']) ?>"><?= h($e['file_name']) ?></code></td><td class="n"><?= h(fmt_bytes($e['file_size'])) ?></td>
        <td class="n"><?= h(fmt_dur($e['add_time'])) ?></td><td class="n opt"><?= h(fmt_dur($e['use_time'])) ?></td><td class="n opt"><?= h(fmt_dur($e['last_check'])) ?></td>
        <td class="n"><?= h(fmt_int($e['hit_count'])) ?></td><td><?= action_form('refresh_files', 'Refresh…', $e['file_name'], 'small') ?></td></tr>
<?php else: ?>
      <tr><td class="key"><code><?= h($e['resolve_path']) ?></code></td><td><code class="wrap"><?= h($e['subkey_data']) ?></code></td></tr>
<?php endif; endforeach; ?>
<?php if (!$listing['entries']): ?><tr><td colspan="7" class="muted">Nothing<?= $q !== '' ? ' matches “' . h($q) . '”' : ' cached yet' ?>.</td></tr><?php endif; ?>
    </tbody></table></div>
  <?= pager($listing, $pageno, $per, $base_q) ?>
  <?= extra_table('More figures (wincache_extra_info)', $isf ? $xf : ($x['rplist'] ?? []), $isf ? 'extra.fcache' : 'extra.rplist') ?>
  <?= $isf ? extra_table('Reroutes (wincache_extra_info)', $x['reroute'] ?? [], 'extra.reroute') : '' ?>
<?php endif; ?>
</section>
<?php
// ---------------------------------------------------------------- named locks
elseif ($view === 'locks'):
    $x = $S['extra'] ?? [];
?>
<section class="card" id="locks">
  <h2>Named locks</h2>
<?php
    $by_hash = array_flip($S['locks']['names'] ?? []);  // hash => the name asked about
    $lname = fn($hash) => isset($by_hash[$hash]) ? '<code class="wrap">' . h($by_hash[$hash]) . '</code> <small class="muted">' . h($hash) . '</small>' : '<code>' . h($hash) . '</code>';
?>
  <form method="get" action="<?= h($self) ?>" class="filter"><input type="hidden" name="view" value="locks">
    <label><span class="sr">Lock names</span><input type="search" name="names" value="<?= h(param($_GET, 'names')) ?>" placeholder="names to identify, comma-separated"></label>
    <button type="submit">Identify</button></form>
  <p class="muted small">The table stores a hash of each name, not the name: type the names you use to see them instead of their hashes.</p>
<?php foreach (['locks' => 'Group locks (wincache_lock($key))', 'global_locks' => 'Machine-wide locks (wincache_lock($key, true))'] as $k => $title):
    $l = $x[$k] ?? [];
    $held = $k === 'locks' ? ($S['locks']['held'] ?? []) : ($S['locks']['global_held'] ?? []);
    $waiting = $k === 'locks' ? ($S['locks']['waiting'] ?? []) : ($S['locks']['global_waiting'] ?? []);
    $wcount = array_count_values(array_column($waiting, 'name_hash'));
?>
  <h3><?= h($title) ?></h3>
  <div class="tiles">
    <?= tile('scope', scope_html($l['scope'] ?? null, $l['why_unavailable'] ?? '')) ?>
<?php if (isset($l['held'])): ?>
    <?= tile('held now', num("extra.$k.held", $l['held'])) ?>
    <?= tile('waiting now', '<span class="num" data-k="locks.' . ($k === 'locks' ? 'waiting' : 'global_waiting') . '" data-f="count" data-v="' . count($waiting) . '">' . count($waiting) . '</span>', 'processes') ?>
    <?= tile('acquired', num("extra.$k.acquired", $l['acquired']), 'since the table was created') ?>
    <?= tile('waited', num("extra.$k.waited", $l['waited']), 'acquisitions that had to wait') ?>
    <?= tile('taken over', num("extra.$k.taken_over", $l['taken_over']), 'from a holder that died') ?>
    <?= tile('given up', num("extra.$k.interrupted", $l['interrupted']), 'waits interrupted') ?>
<?php endif; ?>
  </div>
<?php if (isset($l['held'])): ?>
  <div class="scroll"><table class="grid">
    <thead><tr><th scope="col">Lock held</th><th scope="col" class="n">Holder pid</th><th scope="col">Holder</th><th scope="col" class="n">Waiters</th></tr></thead>
    <tbody>
<?php foreach ($held as $r): ?>
      <tr><td><?= $lname($r['name_hash']) ?></td><td class="n"><?= (int) $r['pid'] ?></td>
        <td><?= $r['alive'] ? '<span class="pill ok">alive</span>' : '<span class="pill bad">dead</span> <small>taken over by the next acquirer</small>' ?><?= $r['this_process'] ? ' <small>(this worker)</small>' : '' ?></td>
        <td class="n"><?= (int) ($wcount[$r['name_hash']] ?? 0) ?></td></tr>
<?php endforeach; ?>
<?php if (!$held): ?><tr><td colspan="4" class="muted">No lock is held.</td></tr><?php endif; ?>
    </tbody></table></div>
<?php if ($waiting): ?>
  <div class="scroll"><table class="grid">
    <thead><tr><th scope="col">Waiting for</th><th scope="col" class="n">Waiter pid</th></tr></thead>
    <tbody>
<?php foreach ($waiting as $r): ?>
      <tr><td><?= $lname($r['name_hash']) ?></td><td class="n"><?= (int) $r['pid'] ?></td></tr>
<?php endforeach; ?>
    </tbody></table></div>
<?php endif; ?>
<?php endif; endforeach; ?>
  <p class="muted small"><em>Waited</em> counts acquisitions that had to wait, once they got the lock; <em>waiting now</em> lists the processes waiting at this moment.</p>
</section>
<?php
// ---------------------------------------------------------------- OPcache
elseif ($view === 'opcache'):
?>
<section class="card" id="opcache">
  <h2>OPcache</h2>
<?php if (!is_array($ocs) || empty($ocs['opcache_enabled'])): ?>
  <p class="flash warn">OPcache is off in this process<?= function_exists('opcache_get_status') ? '' : ' (the Zend OPcache extension is not loaded)' ?>:
    opcache.enable = <code><?= h(ini_get('opcache.enable')) ?></code>, opcache.enable_cli = <code><?= h(ini_get('opcache.enable_cli')) ?></code>, SAPI <?= h(PHP_SAPI) ?>.
    The wincache file cache still serves includes; with OPcache on, PHP compiles each file once per pool.</p>
<?php else:
    $mu = $ocs['memory_usage'];
    $st = $ocs['opcache_statistics'];
    $is = $ocs['interned_strings_usage'] ?? null;
    $jit = $ocs['jit'] ?? null;
?>
  <div class="tiles">
    <?= tile('cached scripts', num('opcache.opcache_statistics.num_cached_scripts', $st['num_cached_scripts']), 'of ' . h(fmt_int($st['max_cached_keys'])) . ' keys') ?>
    <?= tile('hit rate', h(sprintf('%.1f %%', $st['opcache_hit_rate'])), num('opcache.opcache_statistics.hits', $st['hits']) . ' hits · ' . num('opcache.opcache_statistics.misses', $st['misses']) . ' misses') ?>
    <?= tile('restarts', num('opcache.opcache_statistics.oom_restarts', $st['oom_restarts']) . ' · ' . num('opcache.opcache_statistics.hash_restarts', $st['hash_restarts']) . ' · ' . num('opcache.opcache_statistics.manual_restarts', $st['manual_restarts']), 'out of memory · hash full · manual') ?>
    <?= tile('started', h(date('H:i', (int) $st['start_time'])), h(date('Y-m-d', (int) $st['start_time'])) . ' · last restart ' . ($st['last_restart_time'] ? h(date('Y-m-d H:i', (int) $st['last_restart_time'])) : 'never')) ?>
    <?= tile('JIT', is_array($jit) && !empty($jit['enabled']) ? '<span class="pill ok">on</span>' : '<span class="pill muted">off</span>',
        is_array($jit) ? h('buffer ' . fmt_bytes($jit['buffer_size'] ?? 0) . ', free ' . fmt_bytes($jit['buffer_free'] ?? 0)) : '') ?>
  </div>
  <div class="cols">
    <div><?= chart_donut('OPcache memory', ['used' => $mu['used_memory'], 'free' => $mu['free_memory'], 'wasted' => $mu['wasted_memory']]) ?></div>
    <div><?= kv_table(['used' => num('opcache.memory_usage.used_memory', $mu['used_memory'], 'bytes'), 'free' => num('opcache.memory_usage.free_memory', $mu['free_memory'], 'bytes'),
        'wasted' => num('opcache.memory_usage.wasted_memory', $mu['wasted_memory'], 'bytes') . ' <small>(' . h(sprintf('%.1f %%', $mu['current_wasted_percentage'])) . ')</small>']
        + (is_array($is) ? ['interned strings' => h(fmt_bytes($is['used_memory']) . ' of ' . fmt_bytes($is['buffer_size']) . ', ' . fmt_int($is['number_of_strings']) . ' strings')] : [])) ?></div>
    <div><?= chart_ratio('Hits and misses', (int) $st['hits'], (int) $st['misses']) ?></div>
  </div>
  <div class="toolbar"><?= filter_form('opcache', $q, $sort, $dir, $per) ?><?= action_form('opcache_reset', 'Reset OPcache…', '', 'danger') ?></div>
  <?= pager($listing, $pageno, $per, $base_q) ?>
  <div class="scroll"><table class="grid entries">
    <thead><tr><?php foreach ($sortable as $col => $label) echo th_sort($col, $label, 'opcache', $sort, $dir, $q, $per, $col !== 'full_path'); ?></tr></thead>
    <tbody>
<?php foreach ($listing['entries'] as $e): ?>
      <tr><td class="key"><code><?= h($e['full_path']) ?></code></td><td class="n"><?= h(fmt_int($e['hits'])) ?></td><td class="n"><?= h(fmt_bytes($e['memory_consumption'])) ?></td>
        <td class="n"><?= h(date('H:i:s', (int) $e['last_used_timestamp'])) ?></td></tr>
<?php endforeach; ?>
<?php if (!$listing['entries']): ?><tr><td colspan="4" class="muted">No script.</td></tr><?php endif; ?>
    </tbody></table></div>
  <?= pager($listing, $pageno, $per, $base_q) ?>
<?php if (is_array($occ)): ?>
  <details class="more"><summary>OPcache directives</summary><?php
    $rows = [];
    foreach ($occ['directives'] ?? [] as $k => $v) $rows[$k] = '<code>' . h(is_bool($v) ? ($v ? 'On' : 'Off') : (string) $v) . '</code>';
    echo kv_table($rows); ?></details>
<?php endif; ?>
<?php endif; ?>
</section>
<?php
endif;
$body = ob_get_clean();
$S['render_ms'] = round((hrtime(true) - $t_start) / 1e6, 1);
$json = json_encode($S, JSON_PARTIAL_OUTPUT_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE);
?><!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title><?= h(VIEWS[$view] ?? 'Entry') ?> · wincache</title>
<style>
:root { --bg: #f4f6fa; --card: #fff; --ink: #1d2433; --mute: #667085; --line: #e4e7ec; --acc: #4f6bed; --accbg: #eef1fd;
  --ok: #1a7f4b; --okbg: #e3f5eb; --warn: #9a6700; --warnbg: #fff4d6; --bad: #b42318; --badbg: #fde8e7; --code: #eef1f6; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f141c; --card: #171d27; --ink: #e6e9ef; --mute: #98a2b3; --line: #2a3342; --acc: #8ea2ff; --accbg: #222b45;
    --ok: #5fd39a; --okbg: #143325; --warn: #f5c04a; --warnbg: #3a2f12; --bad: #ff8a80; --badbg: #3d1a1a; --code: #222a37; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 76rem; margin: 0 auto; padding: 0 1rem 2rem; }
a { color: var(--acc); text-decoration: none; } a:hover { text-decoration: underline; }
code { font: .88em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--code); padding: .05em .35em; border-radius: 4px; }
code.wrap, .key code { word-break: break-all; }
.top { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; padding: 1rem 0 .6rem; }
.brand { display: flex; align-items: center; gap: .6rem; font-size: 1.3rem; }
.who { color: var(--mute); font-size: .85rem; }
.tabs { display: flex; gap: .25rem; overflow-x: auto; border-bottom: 1px solid var(--line); margin-bottom: 1rem; scrollbar-width: thin; }
.tabs a { padding: .55rem .85rem; color: var(--mute); border-bottom: 2px solid transparent; white-space: nowrap; font-weight: 500; }
.tabs a[aria-current] { color: var(--acc); border-bottom-color: var(--acc); }
.tabs a:hover { text-decoration: none; color: var(--ink); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.1rem 1.3rem 1.3rem; margin-bottom: 1rem; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
h2 { font-size: 1.25rem; margin: 0 0 .8rem; } h3 { font-size: 1.02rem; margin: 1.4rem 0 .6rem; color: var(--ink); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: .7rem; margin-bottom: 1rem; }
.tile { border: 1px solid var(--line); border-radius: 10px; padding: .65rem .8rem; min-width: 0; }
.tile .label { color: var(--mute); font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.tile .value code { font-size: .8rem; font-weight: 500; }
.tile .sub { color: var(--mute); font-size: .8rem; overflow-wrap: anywhere; }
.tile .value .pill { font-size: .85rem; vertical-align: middle; }
.tile .value small { display: block; font-size: .75rem; font-weight: 400; color: var(--mute); line-height: 1.3; margin-top: .2rem; }
.pill { display: inline-block; padding: .05em .55em; border-radius: 99px; font-size: .8rem; font-weight: 600; background: var(--code); color: var(--mute); }
.pill.ok { background: var(--okbg); color: var(--ok); } .pill.warn { background: var(--warnbg); color: var(--warn); } .pill.bad { background: var(--badbg); color: var(--bad); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.scroll + .scroll { margin-top: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .42rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: var(--mute); font-weight: 600; white-space: nowrap; }
thead th a { color: inherit; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.grid tbody tr:hover { background: var(--accbg); }
table.kv th { width: 40%; color: var(--mute); font-weight: 500; }
table.kv { max-width: 40rem; }
td.key { max-width: 32rem; }
.muted { color: var(--mute); } .small, small { font-size: .82rem; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1rem; align-items: start; }
.chartrow { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem 1.5rem; margin-top: 1rem; }
figure.chart { margin: 0; }
figure.donut { display: flex; align-items: center; gap: .8rem; }
figure.donut svg { width: 7.5rem; height: 7.5rem; flex: none; }
figure.chart svg text { fill: var(--ink); font-family: inherit; }
svg text.big { font-size: 15px; font-weight: 700; } svg text.small { font-size: 8px; fill: var(--mute); }
svg text.axis { font-size: 9px; fill: var(--mute); }
figure.bars svg { width: 100%; max-width: 30rem; height: auto; }
figure.bars rect.bar { fill: var(--acc); } figure.bars line.base { stroke: var(--line); }
figure.bars text.small { font-size: 9px; }
figure.ratio svg { width: 100%; height: .8rem; display: block; margin: .3rem 0; }
figcaption { font-size: .85rem; }
ul.legend { list-style: none; padding: 0; margin: .3rem 0 0; }
ul.legend li { white-space: nowrap; } ul.legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 3px; margin-right: .35rem; vertical-align: -.05rem; }
.toolbar { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .6rem; align-items: center; margin: .8rem 0 .4rem; }
form.inline { display: inline; margin: 0; }
form.filter { display: flex; gap: .4rem; align-items: center; flex-wrap: wrap; }
input[type=search] { font: inherit; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: 8px; background: var(--card); color: var(--ink); min-width: 14rem; }
button, a.button { font: inherit; font-size: .9rem; padding: .38rem .8rem; border-radius: 8px; border: 1px solid var(--line); background: var(--card); color: var(--ink); cursor: pointer; }
button:hover, a.button:hover { border-color: var(--acc); text-decoration: none; }
button.danger { background: var(--badbg); color: var(--bad); border-color: transparent; font-weight: 600; }
button.small { font-size: .78rem; padding: .15rem .5rem; }
.pager { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin: .5rem 0; font-size: .9rem; }
.pager span:first-child { margin-right: auto; color: var(--mute); }
.pager a, .pager b { padding: .15rem .5rem; border-radius: 6px; } .pager b[aria-current] { background: var(--acc); color: #fff; }
.flash { padding: .7rem 1rem; border-radius: 10px; margin: 0 0 1rem; }
.flash.ok { background: var(--okbg); color: var(--ok); } .flash.bad { background: var(--badbg); color: var(--bad); } .flash.warn { background: var(--warnbg); color: var(--warn); }
.confirm { border-color: var(--bad); } .confirm form { margin-right: .6rem; }
details.more { margin-top: 1.2rem; } details.more summary { cursor: pointer; color: var(--acc); }
pre.value { background: var(--code); padding: .8rem; border-radius: 8px; overflow: auto; max-height: 30rem; }
.keyline { font-size: 1.05rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { color: var(--mute); font-size: .8rem; text-align: center; padding: 1rem; }
@media (max-width: 40rem) {
  main { padding: 0 .6rem 1.5rem; } .card { padding: .9rem .8rem 1rem; border-radius: 10px; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem; }
  .tile .value { font-size: 1.1rem; }
  th, td { padding: .35rem .4rem; }
  input[type=search] { min-width: 0; width: 11rem; }
  td.key { max-width: none; min-width: 9rem; }
  table.entries .opt { display: none; }
  table.summary th.opt, table.summary td:nth-child(3), table.summary td:nth-child(5), table.summary td:nth-child(6),
  table.summary td:nth-child(8) { display: none; }
  table.summary td[colspan] { display: table-cell; }
  .tile.wide { grid-column: span 2; }
  figure.donut svg { width: 6rem; height: 6rem; }
}
.tile.wide { grid-column: span 2; }
</style>
</head>
<body>
<main id="wincache-page" data-view="<?= h($view) ?>" data-stats="<?= h($json) ?>">
<?= $body ?>
<footer>wincache.php · every number on this page from one request (worker <?= (int) getmypid() ?>) · drawn in <span id="render-ms"><?= h($S['render_ms']) ?></span> ms</footer>
</main>
</body>
</html>

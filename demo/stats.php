<?php
// demo/stats.php: the user cache's and the file cache's statistics, all from this one request (WinCache's own page
// drew its chart from a second request, which another worker with another cache could answer).
header('Content-Type: text/html; charset=utf-8');
$pid = getmypid();
$h = fn($s) => htmlspecialchars((string) $s, ENT_QUOTES);
$loaded = extension_loaded('wincache');
$info = $loaded ? wincache_ucache_info() : false;
$mem = $loaded ? wincache_ucache_meminfo() : false;
$extra = $loaded ? wincache_extra_info() : false;   // our figures beside WinCache's arrays
$fc = $loaded && function_exists('wincache_fcache_fileinfo') ? wincache_fcache_fileinfo() : false;
$fcmem = $fc ? wincache_fcache_meminfo() : false;
$rp = $fc ? wincache_rplist_fileinfo(true) : false;
$now = date('Y-m-d H:i:s');
function dur(int $s): string {
    $d = intdiv($s, 86400); $s %= 86400;
    return ($d ? "{$d}d " : '') . sprintf('%02d:%02d:%02d', intdiv($s, 3600), intdiv($s % 3600, 60), $s % 60);
}
function bytes($n): string {
    if (!is_numeric($n)) return '?';
    foreach (['B', 'KB', 'MB', 'GB'] as $u) {
        if ($n < 1024 || $u === 'GB') return $u === 'B' ? "$n B" : sprintf('%.1f %s', $n, $u);
        $n /= 1024;
    }
}
?><!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>wincache statistics</title><?php include __DIR__ . '/style.css.php'; ?></head>
<body>
<h1>wincache user cache statistics</h1>
<p class="muted">Everything on this page comes from this one request, served by worker pid
<b><?= $pid ?></b> at <?= $h($now) ?>.</p>
<?php if (!$loaded): ?>
<p class="err">The <code>wincache</code> extension is not loaded in this PHP process.</p>
<?php elseif ($info === false || $mem === false): ?>
<p class="err">wincache_ucache_info() or wincache_ucache_meminfo() failed (the user cache may be
disabled: wincache.ucenabled = <?= $h(ini_get('wincache.ucenabled')) ?>).</p>
<?php else:
    $hits = (int) $info['total_hit_count'];
    $miss = (int) $info['total_miss_count'];
    $ratio = $hits + $miss ? sprintf('%.1f %%', 100 * $hits / ($hits + $miss)) : 'n/a';
    $total = (int) $mem['memory_total'];
    $free = (int) $mem['memory_free'];
    $used = max(0, $total - $free);
    $pct = $total ? 100 * $used / $total : 0;
    $entries = $info['ucache_entries'] ?? [];
?>
<h2>Cache</h2>
<table>
  <tr><th>uptime</th><td class="n"><?= $h(dur((int) $info['total_cache_uptime'])) ?></td></tr>
  <tr><th>scope</th><td><?= $info['is_local_cache']
        ? '<b>local</b>: this worker only (it could not join the shared cache)'
        : '<b>global</b>: shared by every worker of this group' ?></td></tr>
  <tr><th>items</th><td class="n"><?= (int) $info['total_item_count'] ?></td></tr>
  <tr><th>hits</th><td class="n"><?= $hits ?></td></tr>
  <tr><th>misses</th><td class="n"><?= $miss ?></td></tr>
  <tr><th>evictions</th><td class="n"><?= $h($extra['ucache']['evictions'] ?? 'n/a') ?></td></tr>
  <tr><th>hit ratio</th><td class="n"><?= $h($ratio) ?></td></tr>
</table>

<h2>Memory</h2>
<table>
  <tr><th>total</th><td class="n"><?= $h(bytes($total)) ?></td></tr>
  <tr><th>free</th><td class="n"><?= $h(bytes($free)) ?></td></tr>
  <tr><th>used</th><td class="n"><?= $h(bytes($used)) ?> (<?= sprintf('%.1f', $pct) ?> %)</td></tr>
  <tr><th>used blocks</th><td class="n"><?= (int) $mem['num_used_blks'] ?></td></tr>
  <tr><th>free blocks</th><td class="n"><?= (int) $mem['num_free_blks'] ?></td></tr>
  <tr><th>overhead</th><td class="n"><?= $h(bytes($mem['memory_overhead'])) ?></td></tr>
</table>
<p><span class="bar" title="<?= sprintf('%.1f', $pct) ?> % used"><span style="width: <?= sprintf('%.2f', $pct) ?>%"></span></span>
  <span class="muted">used / total</span></p>

<h2>Entries (<?= count($entries) ?>)</h2>
<?php if (!$entries): ?>
<p class="muted">The cache is empty.</p>
<?php else: ?>
<table>
  <tr><th>key</th><th>type</th><th class="n">size</th><th class="n">ttl (s)</th><th class="n">age (s)</th><th class="n">hits</th></tr>
<?php $shown = 0; foreach ($entries as $e): if (++$shown > 1000) break; ?>
  <tr><td><code><?= $h($e['key_name']) ?></code></td><td><?= $h($e['value_type']) ?></td>
      <td class="n"><?= $h(bytes($e['value_size'])) ?></td>
      <td class="n"><?= $e['ttl_seconds'] ? (int) $e['ttl_seconds'] : '&infin;' ?></td>
      <td class="n"><?= (int) $e['age_seconds'] ?></td><td class="n"><?= (int) $e['hitcount'] ?></td></tr>
<?php endforeach; ?>
</table>
<?php if (count($entries) > 1000): ?><p class="muted">First 1000 entries shown.</p><?php endif; ?>
<?php endif; ?>

<h2>File cache</h2>
<?php if (!$fc || !$fcmem): ?>
<p class="muted">No file cache in this process<?= $extra ? ': ' . $h($extra['fcache']['why_unavailable'] ?? '') : '' ?>.</p>
<?php else:
    $fx = $extra['fcache'] ?? [];
    $fhits = (int) $fc['total_hit_count'];
    $fmiss = (int) $fc['total_miss_count'];
    $files = $fc['file_entries'];
    usort($files, fn($a, $b) => $b['hit_count'] <=> $a['hit_count']);
?>
<table>
  <tr><th>files</th><td class="n"><?= (int) $fc['total_file_count'] ?></td></tr>
  <tr><th>hits / misses</th><td class="n"><?= $fhits ?> / <?= $fmiss ?></td></tr>
  <tr><th>memory used</th><td class="n"><?= $h(bytes((int) $fcmem['memory_total'] - (int) $fcmem['memory_free'])) ?> of <?= $h(bytes($fcmem['memory_total'])) ?></td></tr>
  <tr><th>evictions</th><td class="n"><?= $h($fx['evictions'] ?? 'n/a') ?></td></tr>
  <tr><th>change detection</th><td><?= $h($fx['change_detection'] ?? '') ?></td></tr>
  <tr><th>resolved paths</th><td class="n"><?= (int) ($rp['total_file_count'] ?? 0) ?></td></tr>
  <tr><th>this worker</th><td class="n">served <?= (int) ($fx['served_trusted_here'] ?? 0) + (int) ($fx['served_after_stat_here'] ?? 0) ?>,
      loaded <?= (int) ($fx['loaded_here'] ?? 0) ?>, changes seen <?= (int) ($fx['changes_seen_here'] ?? 0) ?></td></tr>
</table>
<?php if ($files): ?>
<table>
  <tr><th>file</th><th class="n">size</th><th class="n">hits</th><th class="n">age (s)</th><th class="n">idle (s)</th><th class="n">checked (s ago)</th></tr>
<?php foreach (array_slice($files, 0, 200) as $e): ?>
  <tr><td><code><?= $h($e['file_name']) ?></code></td><td class="n"><?= $h(bytes($e['file_size'])) ?></td>
      <td class="n"><?= (int) $e['hit_count'] ?></td><td class="n"><?= (int) $e['add_time'] ?></td>
      <td class="n"><?= (int) $e['use_time'] ?></td><td class="n"><?= (int) $e['last_check'] ?></td></tr>
<?php endforeach; ?>
</table>
<?php if (count($files) > 200): ?><p class="muted">The 200 most used files shown.</p><?php endif; ?>
<?php endif; ?>
<?php endif; ?>

<h2>Settings</h2>
<table>
<?php foreach (['wincache.ucachesize', 'wincache.namesalt', 'wincache.ucenabled', 'wincache.enablecli',
                'wincache.fcenabled', 'wincache.fcachesize', 'wincache.maxfilesize', 'wincache.chkinterval',
                'wincache.fcndetect', 'wincache.ttlmax'] as $k): ?>
  <tr><th><?= $h($k) ?></th><td><?= $h(var_export(ini_get($k), true)) ?></td></tr>
<?php endforeach; ?>
  <tr><th>SAPI</th><td><?= $h(PHP_SAPI) ?></td></tr>
</table>
<?php endif; ?>
<p><a href="index.php">Back to the demo</a> · <a href="stats.php">Reload</a></p>
</body>
</html>

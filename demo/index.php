<?php
// demo/index.php: one cache shared by every worker. Reload: the answering worker's pid changes,
// the counter keeps counting, the visits list shows which workers served the last visits.
header('Content-Type: text/html; charset=utf-8');
$pid = getmypid();
$h = fn($s) => htmlspecialchars((string) $s, ENT_QUOTES);
$loaded = extension_loaded('wincache');
if ($loaded) {
    // The counter: created with 0 by the first visit (add fails quietly if it exists), then
    // incremented atomically (inc works only on an existing int entry).
    @wincache_ucache_add('demo_counter', 0);
    $count = wincache_ucache_inc('demo_counter', 1, $ok);
    if (!$ok) $count = '?';

    // The last 10 visits, one cached array, updated under a cross-process lock.
    $locked = wincache_lock('demo_visits');
    $visits = wincache_ucache_get('demo_visits', $found);
    if (!$found || !is_array($visits)) $visits = [];
    array_unshift($visits, ['pid' => $pid, 'time' => microtime(true), 'n' => $count]);
    $visits = array_slice($visits, 0, 10);
    wincache_ucache_set('demo_visits', $visits);
    if ($locked) wincache_unlock('demo_visits');
}
// Your own counter: a session (session.save_handler = wincache in the main job), locked from
// session_start() to the end of the request, so two tabs reloading at once never lose a visit.
$session_ok = @session_start();
$mine = $session_ok ? ($_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1) : '?';
$handler = ini_get('session.save_handler');
if ($session_ok) session_write_close();
?><!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>wincache demo</title><?php include __DIR__ . '/style.css.php'; ?></head>
<body>
<h1>wincache demo</h1>
<p class="muted">A user cache shared by every PHP worker of this pool. Reload the page: another
worker may answer, and the counter still counts every visit.</p>
<?php if (!$loaded): ?>
<p class="err">The <code>wincache</code> extension is not loaded in this PHP process
(SAPI <?= $h(PHP_SAPI) ?>, pid <?= $pid ?>).</p>
<?php else: ?>
<table>
  <tr><th>answered by worker pid</th><td class="n big"><?= $pid ?></td></tr>
  <tr><th>visits (shared counter)</th><td class="n big"><?= $h($count) ?></td></tr>
  <tr><th>your visits (session counter)</th><td class="n big"><?= $h($mine) ?></td></tr>
</table>
<p class="muted">The session handler is <code><?= $h($handler) ?></code><?= $handler === 'wincache'
    ? ': sessions live in the shared store and in durable files in session.save_path'
    : '' ?>.</p>

<h2>Last 10 visits</h2>
<table>
  <tr><th class="n">visit</th><th class="n">worker pid</th><th>time</th></tr>
<?php foreach ($visits as $v): ?>
  <tr><td class="n"><?= $h($v['n'] ?? '') ?></td>
      <td class="n"><?= $v['pid'] == $pid ? '<b>' . $h($v['pid']) . '</b>' : $h($v['pid']) ?></td>
      <td><?= $h(date('H:i:s', (int) $v['time']) . sprintf('.%03d', (int) (fmod($v['time'], 1) * 1000))) ?></td></tr>
<?php endforeach; ?>
</table>
<p class="muted"><?= count(array_unique(array_column($visits, 'pid'))) ?> different worker(s)
among the last <?= count($visits) ?> visits<?= $locked ? '' : ' (warning: wincache_lock failed)' ?>.</p>
<?php endif; ?>
<p><a href="/wincache.php">Statistics and control page (wincache.php)</a> · <a href="api.php?op=info">text API</a></p>
</body>
</html>

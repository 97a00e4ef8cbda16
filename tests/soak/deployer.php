<?php
// tests/soak/deployer.php: the deployer of the soak. php deployer.php APP SEED END_EPOCH LOG
// Until END_EPOCH, every 0.2-0.6 s one deploy step k (k = 1, 2, ...), in turn:
//   k % 3 == 1: a new release APP/releases/k/a.php, then the `current` symlink swapped to it
//               (a new link renamed over the old one: atomic)
//   k % 3 == 2: APP/stable/b.php rewritten in place (truncate + write: not atomic)
//   k % 3 == 0: APP/stable/c.php replaced by a new file renamed over it
// Each file returns ['v' => k, 'k' => 'ok' . k]. LOG gets "D FILE K START END" per step (END:
// when the step was complete), flushed at once; the client's include reads are judged against it.
declare(strict_types=1);
[$_, $app, $seed, $end, $log] = $argv;
mt_srand((int) $seed);
$end = (float) $end;
$l = fopen($log, 'a');
$src = fn(int $k): string => "<?php return ['v' => $k, 'k' => 'ok$k'];\n";
function deploy_init(string $app, callable $src): void {
    @mkdir("$app/releases/0", 0755, true);
    @mkdir("$app/stable", 0755, true);
    file_put_contents("$app/releases/0/a.php", $src(0));
    file_put_contents("$app/stable/b.php", $src(0));
    file_put_contents("$app/stable/c.php", $src(0));
    @unlink("$app/current");
    symlink("$app/releases/0", "$app/current");
}
if (($argv[5] ?? '') === 'init') { deploy_init($app, $src); exit(0); }
$k = 0;
while (microtime(true) < $end) {
    usleep(mt_rand(200000, 600000));
    $k++;
    $t0 = microtime(true);
    switch ($k % 3) {
    case 1:
        mkdir("$app/releases/$k", 0755);
        file_put_contents("$app/releases/$k/a.php", $src($k));
        symlink("$app/releases/$k", "$app/current.new");
        rename("$app/current.new", "$app/current");
        $f = 'a';
        break;
    case 2:
        file_put_contents("$app/stable/b.php", $src($k));
        $f = 'b';
        break;
    default:
        file_put_contents("$app/stable/c.php.new", $src($k));
        rename("$app/stable/c.php.new", "$app/stable/c.php");
        $f = 'c';
    }
    fwrite($l, sprintf("D %s %d %.3f %.3f\n", $f, $k, $t0, microtime(true)));
    fflush($l);
}
fclose($l);

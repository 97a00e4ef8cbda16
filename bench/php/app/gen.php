<?php
// bench/php/app/gen.php: generates the include-heavy application of bench/files.sh.
//
//   php8.2 -n bench/php/app/gen.php OUTDIR [--seed N]     (OUTDIR must not exist or be empty)
//
// What it writes (deterministic: the same seed gives the same bytes wherever OUTDIR is; no
// absolute path is written, the page finds its files from __DIR__ at run time):
//
//   index.php      the front page. Per request: require_once autoload.php; instantiate 200
//                  classes (a fixed list) and call value() on each, which autoloads them and their
//                  parents, interfaces and traits; include 4 config files that return arrays;
//                  then exactly 50 calls of rerouted file functions on config and template files:
//                  26 file_get_contents (10 .json decoded, 6 .ini parsed, 10 templates rendered),
//                  10 file_exists, 6 is_file, 4 filesize, 4 realpath. It answers one line,
//                  "ok classes=200 includes=I reads=50 sum=S", I the count of get_included_files()
//                  and S a checksum of everything it computed and read.
//   expected.txt   that line, as the generator computed it: the answer a correct request gives
//   autoload.php   a PSR-4 autoloader (spl_autoload_register): Acme\ -> Acme/, Core\ -> Core/,
//                  App\ -> App/ resolved by require_once through the include_path it sets
//                  (vendor, lib, src: Acme is found in the first directory, Core in the second
//                  after a miss, App in the third after two misses), Module\ -> ./modules/
//                  (relative to the working directory, the page's own: php-fpm chdirs there)
//   vendor/Acme/, lib/Core/, src/App/, modules/
//                  300 small class files in nested namespaces (2-4 levels): 24 interfaces,
//                  16 traits, 20 abstract bases, 240 concrete classes (extends, implements, use
//                  across the four roots)
//   config/        4 .php files returning arrays, 10 .json, 6 .ini
//   templates/     10 page templates ({{name}} placeholders), 16 partials
//
// The page's classes and reads are written out as plain statements, not driven by tables, so
// the page does what it says and nothing else.
declare(strict_types=1);

const N_INTERFACES = 24;
const N_TRAITS = 16;
const N_BASES = 20;
const N_CONCRETE = 240;
const N_USED = 200;        // concrete classes the page instantiates
const ROOTS = [            // namespace root => [directory under OUTDIR, share of the files]
    'Acme' => ['vendor/Acme', 0.30],
    'Core' => ['lib/Core', 0.25],
    'App' => ['src/App', 0.30],
    'Module' => ['modules', 0.15],
];
const WORDS = ['Http', 'Model', 'Service', 'Util', 'Cache', 'Event', 'Form', 'Log', 'Mail', 'Queue',
               'Router', 'Security', 'Session', 'Storage', 'View', 'Console', 'Db', 'Entity',
               'Repository', 'Controller', 'Middleware', 'Handler', 'Listener', 'Provider',
               'Factory', 'Helper', 'Widget', 'Catalog', 'Order', 'Payment', 'User', 'Search',
               'Report', 'Import', 'Export', 'Media', 'Asset', 'Locale', 'Feed', 'Api'];
const SUFFIXES = ['Manager', 'Builder', 'Resolver', 'Adapter', 'Loader', 'Mapper', 'Filter',
                  'Formatter', 'Parser', 'Writer', 'Reader', 'Registry', 'Runner', 'Checker',
                  'Collector', 'Decorator', 'Dispatcher', 'Normalizer', 'Renderer', 'Validator'];

// --- a 32-bit xorshift: the same sequence on every PHP version and platform ---------------------
final class Rng
{
    private int $s;
    public function __construct(int $seed) { $this->s = ($seed & 0xFFFFFFFF) ?: 0x9E3779B9; }
    public function next(): int
    {
        $s = $this->s;
        $s ^= ($s << 13) & 0xFFFFFFFF;
        $s ^= $s >> 17;
        $s ^= ($s << 5) & 0xFFFFFFFF;
        return $this->s = $s;
    }
    /** an integer in [lo, hi] */
    public function int(int $lo, int $hi): int { return $lo + $this->next() % ($hi - $lo + 1); }
    public function pick(array $a) { return $a[$this->int(0, count($a) - 1)]; }
    /** k distinct elements of $a in a random order (partial Fisher-Yates) */
    public function sample(array $a, int $k): array
    {
        $a = array_values($a);
        for ($i = 0; $i < $k; $i++) {
            $j = $this->int($i, count($a) - 1);
            [$a[$i], $a[$j]] = [$a[$j], $a[$i]];
        }
        return array_slice($a, 0, $k);
    }
}

function fail(string $m): never { fwrite(STDERR, "gen.php: $m\n"); exit(1); }

// --- arguments ----------------------------------------------------------------------------------
$out = null;
$seed = 14;
for ($i = 1; $i < $argc; $i++) {
    if ($argv[$i] === '--seed') {
        $v = $argv[++$i] ?? '';
        ctype_digit($v) || fail("--seed: a non-negative integer, not '$v'");
        $seed = (int)$v;
    } elseif ($out === null) {
        $out = $argv[$i];
    } else {
        fail("usage: gen.php OUTDIR [--seed N]");
    }
}
$out !== null || fail("usage: gen.php OUTDIR [--seed N]");
if (is_dir($out)) {
    count(scandir($out)) === 2 || fail("$out is not empty");
} elseif (!mkdir($out, 0755, true)) {
    fail("cannot create $out");
}
$rng = new Rng($seed);
$written = [];  // relative path => bytes (written at the end, in sorted order)
function put(string $rel, string $bytes): void
{
    global $written;
    isset($written[$rel]) && fail("generated $rel twice");
    $written[$rel] = $bytes;
}

// --- the classes --------------------------------------------------------------------------------
// Each class-like file: ['kind', 'fqcn', 'root', 'path', ...]. Names are unique per namespace.
$taken = [];
function new_name(Rng $rng, string $kind): array
{
    global $taken;
    for (;;) {
        $r = $rng->int(0, 99);
        $acc = 0;
        $root = 'Module';
        foreach (ROOTS as $name => [, $share]) {
            $acc += (int)round($share * 100);
            if ($r < $acc) { $root = $name; break; }
        }
        $depth = $rng->int(1, 3);
        $ns = [$root];
        for ($d = 0; $d < $depth; $d++) $ns[] = $rng->pick(WORDS);
        $base = $rng->pick(WORDS) . match ($kind) {
            'interface' => 'Interface', 'trait' => 'Trait', 'base' => 'Base',
            default => $rng->pick(SUFFIXES),
        };
        if ($kind === 'base') $base = 'Abstract' . $base;
        $fqcn = implode('\\', $ns) . '\\' . $base;
        if (isset($taken[strtolower($fqcn)])) continue;
        $taken[strtolower($fqcn)] = true;
        $path = ROOTS[$root][0] . '/' . implode('/', array_slice($ns, 1)) . "/$base.php";
        return [$fqcn, $root, $path, implode('\\', $ns), $base];
    }
}

$interfaces = $traits = $bases = $concretes = [];
for ($i = 0; $i < N_INTERFACES; $i++) {
    [$f, $root, $path, $ns, $short] = new_name($rng, 'interface');
    $interfaces[] = ['fqcn' => $f, 'path' => $path, 'ns' => $ns, 'short' => $short, 'k' => $rng->int(1, 999), 'id' => $i];
}
for ($i = 0; $i < N_TRAITS; $i++) {
    [$f, $root, $path, $ns, $short] = new_name($rng, 'trait');
    $traits[] = ['fqcn' => $f, 'path' => $path, 'ns' => $ns, 'short' => $short, 'k' => $rng->int(1, 999), 'id' => $i];
}
for ($i = 0; $i < N_BASES; $i++) {
    [$f, $root, $path, $ns, $short] = new_name($rng, 'base');
    $b = ['fqcn' => $f, 'path' => $path, 'ns' => $ns, 'short' => $short, 'k' => $rng->int(1, 999), 'id' => $i];
    $b['implements'] = $rng->sample(range(0, N_INTERFACES - 1), $rng->int(0, 2));
    $b['trait'] = $rng->int(0, 2) === 0 ? null : $rng->int(0, N_TRAITS - 1);
    $bases[] = $b;
}
for ($i = 0; $i < N_CONCRETE; $i++) {
    [$f, $root, $path, $ns, $short] = new_name($rng, 'concrete');
    $c = ['fqcn' => $f, 'path' => $path, 'ns' => $ns, 'short' => $short, 'k' => $rng->int(1, 9999), 'id' => $i];
    $c['base'] = $rng->int(0, 9) < 7 ? $rng->int(0, N_BASES - 1) : null;
    $c['implements'] = $rng->sample(range(0, N_INTERFACES - 1), $rng->int(0, 2));
    $c['trait'] = $rng->int(0, 3) === 0 ? $rng->int(0, N_TRAITS - 1) : null;
    $concretes[] = $c;
}

$header = fn(string $what) => "<?php\n// generated by bench/php/app/gen.php (seed $seed): $what\ndeclare(strict_types=1);\n\n";
$names = fn(array $ids, array $from) => implode(', ', array_map(fn($j) => '\\' . $from[$j]['fqcn'], $ids));

foreach ($interfaces as $x) {
    put($x['path'], $header('an interface') . "namespace {$x['ns']};\n\ninterface {$x['short']}\n{\n"
        . "    public const W{$x['id']} = {$x['k']};\n\n    public function value(int \$x): int;\n}\n");
}
foreach ($traits as $x) {
    put($x['path'], $header('a trait') . "namespace {$x['ns']};\n\ntrait {$x['short']}\n{\n"
        . "    protected function bonus{$x['id']}(): int\n    {\n        return {$x['k']};\n    }\n}\n");
}
// base(): the base's constant plus its trait's bonus
$base_value = fn(array $b) => $b['k'] + ($b['trait'] === null ? 0 : $traits[$b['trait']]['k']);
foreach ($bases as $x) {
    $impl = $x['implements'] ? ' implements ' . $names($x['implements'], $interfaces) : '';
    $use = $x['trait'] === null ? '' : "    use \\{$traits[$x['trait']]['fqcn']};\n\n";
    $bonus = $x['trait'] === null ? '' : " + \$this->bonus{$x['trait']}()";
    put($x['path'], $header('an abstract base class') . "namespace {$x['ns']};\n\nabstract class {$x['short']}$impl\n{\n"
        . $use
        . "    public function __construct(protected int \$seed)\n    {\n    }\n\n"
        . "    protected function base(): int\n    {\n        return {$x['k']}$bonus;\n    }\n}\n");
}
// value(x) = (x * k + seed + base() + trait bonus) % 65521
$concrete_value = function (array $c, int $seed_arg, int $x) use ($bases, $traits, $base_value): int {
    $v = $x * $c['k'] + $seed_arg;
    if ($c['base'] !== null) $v += $base_value($bases[$c['base']]);
    if ($c['trait'] !== null) $v += $traits[$c['trait']]['k'];
    return $v % 65521;
};
foreach ($concretes as $x) {
    $ext = $x['base'] === null ? '' : " extends \\{$bases[$x['base']]['fqcn']}";
    $impl = $x['implements'] ? ' implements ' . $names($x['implements'], $interfaces) : '';
    $use = $x['trait'] === null ? '' : "    use \\{$traits[$x['trait']]['fqcn']};\n\n";
    $ctor = $x['base'] === null ? "    public function __construct(private int \$seed)\n    {\n    }\n\n" : '';
    $expr = "\$x * {$x['k']} + \$this->seed";
    if ($x['base'] !== null) $expr .= ' + $this->base()';
    if ($x['trait'] !== null) $expr .= " + \$this->bonus{$x['trait']}()";
    put($x['path'], $header('a class') . "namespace {$x['ns']};\n\nfinal class {$x['short']}$ext$impl\n{\n"
        . $use . $ctor
        . "    public function value(int \$x): int\n    {\n        return ($expr) % 65521;\n    }\n}\n");
}

// the files a class pulls in when it is autoloaded: itself, its base, their interfaces and traits
$closure = function (array $c) use ($bases, $interfaces, $traits): array {
    $files = [$c['path'] => true];
    $add = function (array $x) use (&$files, $interfaces, $traits) {
        foreach ($x['implements'] as $j) $files[$interfaces[$j]['path']] = true;
        if ($x['trait'] !== null) $files[$traits[$x['trait']]['path']] = true;
    };
    $add($c);
    if ($c['base'] !== null) {
        $files[$bases[$c['base']]['path']] = true;
        $add($bases[$c['base']]);
    }
    return $files;
};
$used = $rng->sample(range(0, N_CONCRETE - 1), N_USED);
$included = ['index.php' => true, 'autoload.php' => true];
$sum = 0;
foreach ($used as $n => $j) {
    $included += $closure($concretes[$j]);
    $sum += $concrete_value($concretes[$j], $n, $n + 1);
}

// --- the autoloader ------------------------------------------------------------------------------
$prefixes = '';
foreach (ROOTS as $root => [$dir]) {
    $base = $root === 'Module' ? './modules/' : "$root/";
    $prefixes .= sprintf("        %s => %s,\n", var_export("$root\\", true), var_export($base, true));
}
put('autoload.php', $header('the PSR-4 autoloader of the page') . <<<PHP
// Acme\\, Core\\ and App\\ are resolved through the include_path (vendor, lib, src, in this order);
// Module\\ relative to the working directory (./modules/). require_once, as PSR-4 loaders do.
set_include_path(__DIR__ . '/vendor' . PATH_SEPARATOR . __DIR__ . '/lib' . PATH_SEPARATOR . __DIR__ . '/src');

spl_autoload_register(static function (string \$class): void {
    static \$prefixes = [
$prefixes    ];
    foreach (\$prefixes as \$prefix => \$base) {
        \$n = strlen(\$prefix);
        if (strncmp(\$class, \$prefix, \$n) === 0) {
            require_once \$base . strtr(substr(\$class, \$n), '\\\\', '/') . '.php';
            return;
        }
    }
});

PHP);

// --- configs and templates -----------------------------------------------------------------------
$lorem = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'lambda', 'theta', 'zeta',
          'orbit', 'vector', 'matrix', 'packet', 'stream', 'buffer', 'socket', 'cursor', 'record'];
$words = function (int $n) use ($rng, $lorem): string {
    $w = [];
    for ($i = 0; $i < $n; $i++) $w[] = $rng->pick($lorem);
    return implode(' ', $w);
};
$php_configs = ['app', 'database', 'cache', 'mail'];
foreach ($php_configs as $name) {
    $weight = $rng->int(1, 9999);
    $sum += $weight;
    $included["config/$name.php"] = true;
    $lines = '';
    for ($i = 0, $n = $rng->int(8, 20); $i < $n; $i++) {
        $lines .= sprintf("    %s => %s,\n", var_export("{$name}_key_$i", true), var_export($words($rng->int(1, 6)), true));
    }
    put("config/$name.php", $header("configuration '$name'") . "return [\n    'weight' => $weight,\n$lines];\n");
}
$json_names = ['services', 'routes', 'features', 'locales', 'menus', 'assets', 'permissions', 'queues', 'mailers', 'widgets'];
foreach ($json_names as $name) {
    $weight = $rng->int(1, 9999);
    $doc = ['weight' => $weight, 'name' => $name, 'entries' => []];
    for ($i = 0, $n = $rng->int(10, 40); $i < $n; $i++) {
        $doc['entries'][] = ['id' => $i, 'label' => $words($rng->int(2, 5)), 'enabled' => $rng->int(0, 1) === 1];
    }
    put("config/$name.json", json_encode($doc, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
}
$ini_names = ['php_settings', 'logging', 'security', 'storage', 'search', 'payments'];
foreach ($ini_names as $name) {
    $weight = $rng->int(1, 9999);
    $ini = "; generated by bench/php/app/gen.php (seed $seed)\nweight = $weight\n";
    for ($s = 0, $ns = $rng->int(2, 4); $s < $ns; $s++) {
        $ini .= "\n[section_$s]\n";
        for ($i = 0, $n = $rng->int(4, 10); $i < $n; $i++) $ini .= "key_$i = \"" . $words($rng->int(1, 4)) . "\"\n";
    }
    put("config/$name.ini", $ini);
}
$tpl_names = ['layout', 'home', 'product', 'cart', 'checkout', 'account', 'search', 'article', 'footer', 'header'];
$vars = ['{{title}}' => 'Benchmark', '{{user}}' => 'visitor', '{{year}}' => '2026', '{{lang}}' => 'en'];
$tpl_bytes = [];
foreach ($tpl_names as $name) {
    $t = "<!-- template $name (generated by bench/php/app/gen.php, seed $seed) -->\n<section class=\"$name\" lang=\"{{lang}}\">\n  <h1>{{title}}</h1>\n";
    for ($i = 0, $n = $rng->int(20, 60); $i < $n; $i++) {
        $t .= "  <p>" . $words($rng->int(4, 12)) . ($rng->int(0, 4) === 0 ? ' {{user}}' : '') . ($rng->int(0, 9) === 0 ? ' &copy; {{year}}' : '') . "</p>\n";
    }
    $t .= "</section>\n";
    $tpl_bytes[$name] = $t;
    put("templates/$name.html.tpl", $t);
}
$partials = [];
for ($i = 0; $i < 16; $i++) {
    $name = sprintf('partial_%02d', $i);
    $partials[] = $name;
    put("templates/partials/$name.html.tpl", "<div class=\"$name\">" . $words($rng->int(3, 10)) . "</div>\n");
}

// --- the 50 reads, as statements of the page (and their contribution to the checksum) -----------
$reads = [];
foreach ($json_names as $name) {
    $reads[] = "\$sum += json_decode(file_get_contents(\$d . '/config/$name.json'), true)['weight'];";
    $sum += json_decode($written["config/$name.json"], true)['weight'];
}
foreach ($ini_names as $name) {
    $reads[] = "\$sum += (int)parse_ini_string(file_get_contents(\$d . '/config/$name.ini'))['weight'];";
    $sum += (int)parse_ini_string($written["config/$name.ini"])['weight'];
}
foreach ($tpl_names as $name) {
    $reads[] = "\$sum += strlen(strtr(file_get_contents(\$d . '/templates/$name.html.tpl'), VARS));";
    $sum += strlen(strtr($tpl_bytes[$name], $vars));
}
foreach (array_slice($partials, 0, 10) as $name) {
    $reads[] = "\$sum += (int)file_exists(\$d . '/templates/partials/$name.html.tpl');";
    $sum += 1;
}
foreach (array_slice($partials, 10, 6) as $name) {
    $reads[] = "\$sum += (int)is_file(\$d . '/templates/partials/$name.html.tpl');";
    $sum += 1;
}
foreach (array_slice($tpl_names, 0, 4) as $name) {
    $reads[] = "\$sum += filesize(\$d . '/templates/$name.html.tpl');";
    $sum += strlen($tpl_bytes[$name]);
}
foreach (array_slice($json_names, 0, 4) as $name) {
    $reads[] = "\$sum += (int)str_ends_with((string)realpath(\$d . '/config/$name.json'), '/config/$name.json');";
    $sum += 1;
}
count($reads) === 50 || fail('the page must make 50 rerouted calls, not ' . count($reads));

// --- the page -------------------------------------------------------------------------------------
$class_lines = '';
foreach ($used as $n => $j) {
    $class_lines .= "\$sum += (new \\{$concretes[$j]['fqcn']}($n))->value(" . ($n + 1) . ");\n";
}
$config_lines = '';
foreach ($php_configs as $name) $config_lines .= "\$sum += (include \$d . '/config/$name.php')['weight'];\n";
$read_lines = '';
foreach ($reads as $r) $read_lines .= "$r \$reads++;\n";
$var_export = var_export($vars, true);
$n_used = N_USED;
$n_includes = count($included);
put('index.php', $header("the front page of the include-heavy application ($n_used classes autoloaded from " . (N_INTERFACES + N_TRAITS + N_BASES + N_CONCRETE) . " class files, 4 config includes, 50 rerouted file reads; $n_includes files included per request)") . <<<PHP
// "ok classes=$n_used includes=I reads=R sum=S": expected.txt has the right answer.
const VARS = $var_export;

require_once __DIR__ . '/autoload.php';
\$d = __DIR__;
\$sum = 0;
\$reads = 0;

// $n_used classes: each new autoloads the class, its base, interfaces and traits on first use
$class_lines
// configuration files that return arrays
$config_lines
// 50 calls of rerouted file functions on configs and templates
$read_lines
echo 'ok classes=$n_used includes=', count(get_included_files()), ' reads=', \$reads, ' sum=', \$sum, "\\n";

PHP);
put('expected.txt', "ok classes=$n_used includes=$n_includes reads=50 sum=$sum\n");

// --- write ---------------------------------------------------------------------------------------
ksort($written, SORT_STRING);
foreach ($written as $rel => $bytes) {
    $p = "$out/$rel";
    is_dir(dirname($p)) || mkdir(dirname($p), 0755, true) || fail("cannot create " . dirname($p));
    file_put_contents($p, $bytes) === strlen($bytes) || fail("cannot write $p");
}
printf("gen.php: %d files in %s (seed %d): %d class files, %d included per request; %s",
       count($written), $out, $seed, N_INTERFACES + N_TRAITS + N_BASES + N_CONCRETE, $n_includes, $written['expected.txt']);

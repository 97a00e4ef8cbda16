--TEST--
wincache module information (ReflectionExtension, phpinfo(INFO_MODULES) as php --ri prints it)
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!extension_loaded('wincache')) die('skip needs the real extension'); ?>
--INI--
wincache.enablecli=1
wincache.ucachesize=12
--FILE--
<?php
$e = new ReflectionExtension('wincache');
var_dump($e->getName(), is_string($e->getVersion()) && $e->getVersion() !== '');
$ini = $e->getINIEntries();
foreach (['wincache.enablecli', 'wincache.ucenabled', 'wincache.ucachesize', 'wincache.namesalt', 'wincache.apppoolid'] as $d) {
    echo $d, ' ', var_export(array_key_exists($d, $ini), true), "\n";
}
$fns = array_keys($e->getFunctions());
foreach (['wincache_ucache_get', 'wincache_ucache_set', 'wincache_ucache_add', 'wincache_ucache_delete',
          'wincache_ucache_clear', 'wincache_ucache_exists', 'wincache_ucache_info', 'wincache_ucache_meminfo',
          'wincache_ucache_inc', 'wincache_ucache_dec', 'wincache_ucache_cas', 'wincache_lock', 'wincache_unlock'] as $f) {
    if (!in_array($f, $fns, true)) echo "missing $f\n";
}
ob_start();
phpinfo(INFO_MODULES);
$out = ob_get_clean();
$pos = strpos($out, "\nwincache\n");
var_dump($pos !== false);
$section = substr($out, $pos);
var_dump(str_contains($section, 'Directive => Local Value => Master Value'));
var_dump(str_contains($section, 'wincache.ucachesize => 12 => 12'));
var_dump(str_contains($section, 'wincache.enablecli => '));
var_dump((bool)preg_match('/^Version => \S+$/m', $section));
?>
--EXPECT--
string(8) "wincache"
bool(true)
wincache.enablecli true
wincache.ucenabled true
wincache.ucachesize true
wincache.namesalt true
wincache.apppoolid true
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)

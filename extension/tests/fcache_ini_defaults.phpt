--TEST--
file cache directives: WinCache's defaults, as ini_get and php --ri show them
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (!is_readable('/proc/self/maps')) die('skip needs /proc/self/maps'); ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
$all = ini_get_all('wincache', false);
foreach (['fcenabled', 'fcachesize', 'maxfilesize', 'filecount', 'chkinterval', 'ttlmax',
          'ignorelist', 'fcndetect', 'reroute_enabled'] as $d) {
    echo "wincache.$d: ";
    var_dump(ini_get("wincache.$d"));
    if (!array_key_exists("wincache.$d", $all)) echo "  missing from ini_get_all\n";
}
// php --ri wincache lists every directive with its value.
include __DIR__ . '/fcache.inc';
$ri = shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg(wc_so()) . ' --ri wincache');
foreach (['fcenabled' => 1, 'fcachesize' => 24, 'maxfilesize' => 256, 'filecount' => 4096,
          'chkinterval' => 30, 'ttlmax' => 1200, 'fcndetect' => 1, 'reroute_enabled' => 0] as $d => $v) {
    echo "--ri wincache.$d => $v: ", preg_match("/^wincache\\.$d => $v => $v$/m", $ri) ? "yes" : "no", "\n";
}
?>
--EXPECT--
wincache.fcenabled: string(1) "1"
wincache.fcachesize: string(2) "24"
wincache.maxfilesize: string(3) "256"
wincache.filecount: string(4) "4096"
wincache.chkinterval: string(2) "30"
wincache.ttlmax: string(4) "1200"
wincache.ignorelist: string(0) ""
wincache.fcndetect: string(1) "1"
wincache.reroute_enabled: string(1) "0"
--ri wincache.fcenabled => 1: yes
--ri wincache.fcachesize => 24: yes
--ri wincache.maxfilesize => 256: yes
--ri wincache.filecount => 4096: yes
--ri wincache.chkinterval => 30: yes
--ri wincache.ttlmax => 1200: yes
--ri wincache.fcndetect => 1: yes
--ri wincache.reroute_enabled => 0: yes

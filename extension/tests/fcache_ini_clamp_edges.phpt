--TEST--
file cache directives: 0 turns chkinterval and ttlmax off (kept), values inside the ranges are kept, chkinterval above 300 is cut to 300, ttlmax below 60 raised to 60
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.fcachesize=255
wincache.maxfilesize=10
wincache.filecount=16384
wincache.chkinterval=301
wincache.ttlmax=0
--FILE--
<?php
foreach (['fcachesize', 'maxfilesize', 'filecount', 'chkinterval', 'ttlmax'] as $d) {
    echo "$d=", ini_get("wincache.$d"), "\n";
}
// fcenabled and ignorelist may change at run time; the others are PHP_INI_SYSTEM.
var_dump(ini_set('wincache.fcenabled', '0'), ini_get('wincache.fcenabled'));
var_dump(ini_set('wincache.ignorelist', 'A.php|b.PHP'), ini_get('wincache.ignorelist'));
var_dump(ini_set('wincache.chkinterval', '5'), ini_get('wincache.chkinterval'));
?>
--EXPECT--
fcachesize=255
maxfilesize=10
filecount=16384
chkinterval=300
ttlmax=0
string(1) "1"
string(1) "0"
string(0) ""
string(11) "A.php|b.PHP"
bool(false)
string(3) "300"

--TEST--
wincache file/session cache directives (only if registered): defaults and startup clamping
--SKIPIF--
<?php include __DIR__ . '/skipif.inc';
if (ini_get('wincache.fcachesize') === false) die('skip file cache directives not registered'); ?>
--INI--
wincache.enablecli=1
wincache.fcachesize=1
wincache.scachesize=500
wincache.maxfilesize=1
wincache.filecount=99999
wincache.chkinterval=0
wincache.ttlmax=1
--FILE--
<?php
foreach (['fcenabled', 'fcachesize', 'scachesize', 'maxfilesize', 'filecount', 'chkinterval', 'ttlmax'] as $d) {
    echo "$d=", ini_get("wincache.$d"), "\n";
}
?>
--EXPECT--
fcenabled=1
fcachesize=5
scachesize=85
maxfilesize=10
filecount=16384
chkinterval=0
ttlmax=60

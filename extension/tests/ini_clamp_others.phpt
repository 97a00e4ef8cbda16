--TEST--
wincache INI directives: startup clamping of the other numeric directives
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.fcachesize=1
wincache.scachesize=500
wincache.maxfilesize=1
wincache.filecount=99999
wincache.chkinterval=1
wincache.ttlmax=99999
--FILE--
<?php
foreach (['fcachesize', 'scachesize', 'maxfilesize', 'filecount', 'chkinterval', 'ttlmax'] as $d) {
    echo "$d=", ini_get("wincache.$d"), "\n";
}
?>
--EXPECT--
fcachesize=5
scachesize=85
maxfilesize=10
filecount=16384
chkinterval=2
ttlmax=7200

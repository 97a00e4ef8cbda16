--TEST--
file cache directives: values past WinCache's ranges are clamped at startup, and ini_get shows the value in force
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
wincache.fcachesize=1000
wincache.maxfilesize=99999
wincache.filecount=1
wincache.chkinterval=1
wincache.ttlmax=99999
--FILE--
<?php
foreach (['fcachesize', 'maxfilesize', 'filecount', 'chkinterval', 'ttlmax'] as $d) {
    echo "$d=", ini_get("wincache.$d"), "\n";
}
?>
--EXPECT--
fcachesize=255
maxfilesize=4096
filecount=1024
chkinterval=2
ttlmax=7200

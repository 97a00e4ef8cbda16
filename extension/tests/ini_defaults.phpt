--TEST--
wincache INI directives: defaults as seen by ini_get
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
foreach (['enablecli', 'ucenabled', 'ucachesize', 'fcenabled', 'fcachesize', 'maxfilesize', 'filecount',
          'chkinterval', 'ttlmax', 'scachesize', 'namesalt', 'apppoolid', 'ignorelist', 'filemapdir'] as $d) {
    echo "wincache.$d: ";
    var_dump(ini_get("wincache.$d"));
}
?>
--EXPECT--
wincache.enablecli: string(1) "1"
wincache.ucenabled: string(1) "1"
wincache.ucachesize: string(1) "8"
wincache.fcenabled: string(1) "1"
wincache.fcachesize: string(2) "24"
wincache.maxfilesize: string(3) "256"
wincache.filecount: string(4) "4096"
wincache.chkinterval: string(2) "30"
wincache.ttlmax: string(4) "1200"
wincache.scachesize: string(1) "8"
wincache.namesalt: string(0) ""
wincache.apppoolid: string(0) ""
wincache.ignorelist: string(0) ""
wincache.filemapdir: string(0) ""

--TEST--
wincache INI directives: defaults as seen by ini_get
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
foreach (['enablecli', 'ucenabled', 'ucachesize', 'namesalt', 'apppoolid'] as $d) {
    echo "wincache.$d: ";
    var_dump(ini_get("wincache.$d"));
}
?>
--EXPECT--
wincache.enablecli: string(1) "1"
wincache.ucenabled: string(1) "1"
wincache.ucachesize: string(1) "8"
wincache.namesalt: string(0) ""
wincache.apppoolid: string(0) ""

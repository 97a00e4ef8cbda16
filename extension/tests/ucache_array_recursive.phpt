--TEST--
wincache_ucache: a self-referencing array neither hangs nor crashes
--SKIPIF--
<?php include __DIR__ . '/skipif.inc'; ?>
--INI--
wincache.enablecli=1
--FILE--
<?php
wincache_ucache_clear();
$self = [1];
$self[] = &$self;
$r = @wincache_ucache_set('self', $self);
var_dump(is_bool($r));
if ($r) {
    $got = wincache_ucache_get('self');
    var_dump(is_array($got), $got[0]);
} else {
    var_dump(wincache_ucache_exists('self'), 1);
}
$o = new stdClass;
$o->me = $o;
var_dump(wincache_ucache_set('obj', $o));
$got = wincache_ucache_get('obj');
var_dump($got->me === $got);
var_dump(wincache_ucache_set('after', 'ok'), wincache_ucache_get('after'));
?>
--EXPECTF--
bool(true)
bool(%s)
int(1)
bool(true)
bool(true)
bool(true)
string(2) "ok"

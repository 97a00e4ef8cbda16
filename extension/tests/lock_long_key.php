<?php
$k150 = str_repeat('L', 150);
var_dump(wincache_lock($k150), wincache_unlock($k150));
var_dump(wincache_lock(''), wincache_unlock(''));
echo "next\n";
// WinCache raised E_ERROR here (the script ends); a warning + false is accepted too
var_dump(wincache_lock(str_repeat('L', 151)));
?>

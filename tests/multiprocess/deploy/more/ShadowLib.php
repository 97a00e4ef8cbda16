<?php
// overrides/Lib.php: found before lib/Lib.php on include_path once it exists
function lib_version(): string { return 'o'; }

<?php
// demo/inc/config.php: a small file for the caches to hold (api.php?op=includes).
return ["config" => true];

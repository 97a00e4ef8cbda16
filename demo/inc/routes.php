<?php
// demo/inc/routes.php: a small file for the caches to hold (api.php?op=includes).
return ["routes" => true];

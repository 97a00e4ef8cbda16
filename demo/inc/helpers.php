<?php
// demo/inc/helpers.php: a small file for the caches to hold (api.php?op=includes).
return ["helpers" => true];

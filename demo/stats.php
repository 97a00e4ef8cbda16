<?php
// demo/stats.php: the statistics page is web/wincache.php, served by scripts/serve.sh at /wincache.php.
header('Location: /wincache.php', true, 302);
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>wincache statistics</title></head>
<body><p>The statistics page moved: <a href="/wincache.php">/wincache.php</a>.</p></body></html>

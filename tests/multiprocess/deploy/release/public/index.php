<?php
// test_deploy.sh's app, release @V@ (the test writes @V@). The common shape: nginx passes
// SCRIPT_FILENAME through the `current` symlink; a PHP config, a lib found through include_path,
// a class found by an autoloader, a template and a settings file read as data. The last line,
// ver=, says which version of each part this request ran: i index.php, c config.php, l Lib.php,
// k App\Greeter, t the template, s the settings, x App\Extra (a class that may not exist).
const INDEX_VERSION = '@V@';
$config = require __DIR__ . '/../config.php';
require_once 'Lib.php';
spl_autoload_register(function (string $class): void {
    $file = dirname(__DIR__) . '/src/' . strtr($class, '\\', '/') . '.php';
    if (is_file($file)) {
        require $file;
    }
});
$template = file_get_contents(__DIR__ . '/../templates/page.tpl');
$settings = parse_ini_file(__DIR__ . '/../config/app.ini');
$extra = class_exists('App\\Extra') ? App\Extra::VERSION : '-';
echo 'ver=i:', INDEX_VERSION, ' c:', $config['version'], ' l:', lib_version(),
    ' k:', App\Greeter::VERSION, ' t:', trim($template), ' s:', $settings['version'],
    ' x:', $extra, "\n";

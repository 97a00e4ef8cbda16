// extension/php_wincache.h: the module entry of the wincache extension.
#pragma once

extern "C" {
#include "php.h"
}

#define PHP_WINCACHE_VERSION "2.1.0-dev"
#define PHP_WINCACHE_EXTNAME "wincache"

extern zend_module_entry wincache_module_entry;
#define phpext_wincache_ptr &wincache_module_entry

/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 8e540b0539f59e1080243330e26667d5925e4f92 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_wincache_ucache_get, 0, 1, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(1, success, IS_MIXED, 0, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_ucache_set, 0, 1, MAY_BE_BOOL|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO(0, key, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, value, IS_MIXED, 0, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttl, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_wincache_ucache_add arginfo_wincache_ucache_set

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_ucache_delete, 0, 1, MAY_BE_BOOL|MAY_BE_ARRAY)
	ZEND_ARG_TYPE_INFO(0, key, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_wincache_ucache_clear, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_wincache_ucache_exists, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_ucache_info, 0, 0, MAY_BE_ARRAY|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, summaryonly, _IS_BOOL, 0, "false")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, key, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_ucache_meminfo, 0, 0, MAY_BE_ARRAY|MAY_BE_FALSE|MAY_BE_NULL)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_ucache_inc, 0, 1, MAY_BE_LONG|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delta, IS_LONG, 0, "1")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(1, success, IS_MIXED, 0, "null")
ZEND_END_ARG_INFO()

#define arginfo_wincache_ucache_dec arginfo_wincache_ucache_inc

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_wincache_ucache_cas, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, old_value, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, new_value, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_scache_info, 0, 0, MAY_BE_ARRAY|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, summaryonly, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_scache_meminfo, 0, 0, MAY_BE_ARRAY|MAY_BE_FALSE)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_wincache_lock, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, isglobal, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

#define arginfo_wincache_unlock arginfo_wincache_ucache_exists

#define arginfo_wincache_extra_info arginfo_wincache_scache_meminfo

#define arginfo_wincache_fcache_fileinfo arginfo_wincache_scache_info

#define arginfo_wincache_fcache_meminfo arginfo_wincache_scache_meminfo

#define arginfo_wincache_rplist_fileinfo arginfo_wincache_scache_info

#define arginfo_wincache_rplist_meminfo arginfo_wincache_scache_meminfo

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_wincache_refresh_if_changed, 0, 0, _IS_BOOL, 0)
	ZEND_ARG_TYPE_MASK(0, files, MAY_BE_ARRAY|MAY_BE_STRING|MAY_BE_NULL, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_stats_entries, 0, 1, MAY_BE_ARRAY|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO(0, cache, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, offset, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, limit, IS_LONG, 0, "50")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, sort, IS_STRING, 0, "\"key\"")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, descending, _IS_BOOL, 0, "false")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, filter, IS_STRING, 0, "\"\"")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_stats_memory, 0, 1, MAY_BE_ARRAY|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO(0, cache, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_wincache_stats_locks, 0, 0, MAY_BE_ARRAY|MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, names, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()


ZEND_FUNCTION(wincache_ucache_get);
ZEND_FUNCTION(wincache_ucache_set);
ZEND_FUNCTION(wincache_ucache_add);
ZEND_FUNCTION(wincache_ucache_delete);
ZEND_FUNCTION(wincache_ucache_clear);
ZEND_FUNCTION(wincache_ucache_exists);
ZEND_FUNCTION(wincache_ucache_info);
ZEND_FUNCTION(wincache_ucache_meminfo);
ZEND_FUNCTION(wincache_ucache_inc);
ZEND_FUNCTION(wincache_ucache_dec);
ZEND_FUNCTION(wincache_ucache_cas);
ZEND_FUNCTION(wincache_scache_info);
ZEND_FUNCTION(wincache_scache_meminfo);
ZEND_FUNCTION(wincache_lock);
ZEND_FUNCTION(wincache_unlock);
ZEND_FUNCTION(wincache_extra_info);
ZEND_FUNCTION(wincache_fcache_fileinfo);
ZEND_FUNCTION(wincache_fcache_meminfo);
ZEND_FUNCTION(wincache_rplist_fileinfo);
ZEND_FUNCTION(wincache_rplist_meminfo);
ZEND_FUNCTION(wincache_refresh_if_changed);
ZEND_FUNCTION(wincache_stats_entries);
ZEND_FUNCTION(wincache_stats_memory);
ZEND_FUNCTION(wincache_stats_locks);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(wincache_ucache_get, arginfo_wincache_ucache_get)
	ZEND_FE(wincache_ucache_set, arginfo_wincache_ucache_set)
	ZEND_FE(wincache_ucache_add, arginfo_wincache_ucache_add)
	ZEND_FE(wincache_ucache_delete, arginfo_wincache_ucache_delete)
	ZEND_FE(wincache_ucache_clear, arginfo_wincache_ucache_clear)
	ZEND_FE(wincache_ucache_exists, arginfo_wincache_ucache_exists)
	ZEND_FE(wincache_ucache_info, arginfo_wincache_ucache_info)
	ZEND_FE(wincache_ucache_meminfo, arginfo_wincache_ucache_meminfo)
	ZEND_FE(wincache_ucache_inc, arginfo_wincache_ucache_inc)
	ZEND_FE(wincache_ucache_dec, arginfo_wincache_ucache_dec)
	ZEND_FE(wincache_ucache_cas, arginfo_wincache_ucache_cas)
	ZEND_FE(wincache_scache_info, arginfo_wincache_scache_info)
	ZEND_FE(wincache_scache_meminfo, arginfo_wincache_scache_meminfo)
	ZEND_FE(wincache_lock, arginfo_wincache_lock)
	ZEND_FE(wincache_unlock, arginfo_wincache_unlock)
	ZEND_FE(wincache_extra_info, arginfo_wincache_extra_info)
	ZEND_FE(wincache_fcache_fileinfo, arginfo_wincache_fcache_fileinfo)
	ZEND_FE(wincache_fcache_meminfo, arginfo_wincache_fcache_meminfo)
	ZEND_FE(wincache_rplist_fileinfo, arginfo_wincache_rplist_fileinfo)
	ZEND_FE(wincache_rplist_meminfo, arginfo_wincache_rplist_meminfo)
	ZEND_FE(wincache_refresh_if_changed, arginfo_wincache_refresh_if_changed)
	ZEND_FE(wincache_stats_entries, arginfo_wincache_stats_entries)
	ZEND_FE(wincache_stats_memory, arginfo_wincache_stats_memory)
	ZEND_FE(wincache_stats_locks, arginfo_wincache_stats_locks)
	ZEND_FE_END
};

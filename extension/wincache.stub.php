<?php

/**
 * The functions of the wincache extension. WinCache 2.0's signatures (docs/compat.md), typed for
 * PHP 8; wincache_extra_info() is ours. The arginfo header (wincache_arginfo.h) is generated from
 * this file by PHP's own build/gen_stub.php: scripts/gen_arginfo.sh.
 *
 * @generate-function-entries
 */

function wincache_ucache_get(mixed $key, mixed &$success = null): mixed {}

function wincache_ucache_set(mixed $key, mixed $value = null, int $ttl = 0): bool|array {}

function wincache_ucache_add(mixed $key, mixed $value = null, int $ttl = 0): bool|array {}

function wincache_ucache_delete(mixed $key): bool|array {}

function wincache_ucache_clear(): bool {}

function wincache_ucache_exists(string $key): bool {}

function wincache_ucache_info(bool $summaryonly = false, ?string $key = null): array|false {}

function wincache_ucache_meminfo(): array|false|null {}

function wincache_ucache_inc(string $key, int $delta = 1, mixed &$success = null): int|false {}

function wincache_ucache_dec(string $key, int $delta = 1, mixed &$success = null): int|false {}

function wincache_ucache_cas(string $key, int $old_value, int $new_value): bool {}

function wincache_scache_info(bool $summaryonly = false): array|false {}

function wincache_scache_meminfo(): array|false {}

function wincache_lock(string $key, bool $isglobal = false): bool {}

function wincache_unlock(string $key): bool {}

/** Our figures beside WinCache's info arrays (docs/extension.md): scope, recoveries, locks. */
function wincache_extra_info(): array|false {}

function wincache_fcache_fileinfo(bool $summaryonly = false): array|false {}

function wincache_fcache_meminfo(): array|false {}

function wincache_rplist_fileinfo(bool $summaryonly = false): array|false {}

function wincache_rplist_meminfo(): array|false {}

function wincache_refresh_if_changed(array|string|null $files = null): bool {}

/**
 * Ours, for wincache.php (extension/stats.cpp): one page of the user ("user") or session
 * ("session") cache's entries, filtered by a case-insensitive substring of the key and sorted
 * (key, type, size, ttl, age, hits, idle) in the extension, with the whole cache's entry counts
 * by size and by age.
 */
function wincache_stats_entries(string $cache, int $offset = 0, int $limit = 50, string $sort = "key", bool $descending = false, string $filter = ""): array|false {}

/** Ours: a cache's ("user", "session", "file", "resolve") memory figures and free-block size histogram, under one read lock. */
function wincache_stats_memory(string $cache): array|false {}

/** Ours: the named locks held now (name hash, holder pid, alive), the processes waiting (name hash, pid), and the hashes of the names given. */
function wincache_stats_locks(array $names = []): array|false {}

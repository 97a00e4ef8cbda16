// core/naming.hpp: names of a process group's shared objects.
//
// WinCache named every shared object after the process group: the parent process id (the IIS
// worker that spawned the php-cgi processes), or a hash of the application pool id when one is
// configured, plus the namesalt. Processes spawned by one parent share; other groups do not. We
// keep that rule and add three things to the name:
//   - the format version, so an upgraded build never maps an older layout;
//   - the user (Prim::user_tag(): the effective uid on POSIX, a hash of the token user's SID on
//     Windows), so the pools of two Unix users under one php-fpm master, or two IIS app pools
//     with their own identities, each get their own shared cache instead of one of them being
//     refused the other's objects and running on a private cache;
//   - the pid namespace (Prim::pid_namespace(), 0 where there is none), so processes in two pid
//     namespaces that share /dev/shm (the containers of one pod) never share a group: liveness
//     is read from /proc of the caller's namespace and would call the other side dead.
//
//   group:    wincache_<v>_<user>_n<ns>_<scope-id>[_s<salt>]
//                               scope-id = p<parent pid> or a<hash of pool id>
//                               salt     = the namesalt's bytes in hex (injective: distinct
//                                          salts can never select the same cache)
//   registry: <group>_reg
//   segment:  <group>_k<kind>_g<generation>         a recreated segment never reuses a name
//
// Names use only [A-Za-z0-9_] and stay under 100 characters (POSIX file names, Windows object
// names with a namespace prefix both accept that). Pure functions: no OS calls.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace wc {

// 3: the stores' aux word (WCUCACH3, WCSESSN2) and the lock tables' probing (NL-4).
// 4: every store's header grew the frequency-eviction fields; the user cache's sketch (WCUCACH4).
inline constexpr unsigned kFormatVersion = 4;
// The namesalt is at most 8 bytes (WinCache cut the directive to 8 characters).
inline constexpr std::size_t kMaxSalt = 8;

// FNV-1a, 64-bit: stable across builds and platforms (the pool id comes from IIS as text).
inline std::uint64_t fnv1a64(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// The salt as it appears in a name: its first kMaxSalt bytes in lower-case hex. Injective on
// salts of up to kMaxSalt bytes ("site.one", "site_one", "site-one" and "siteone" are four
// groups), and never a path or object-namespace separator.
inline std::string salt_tag(const std::string& salt) {
  static const char* const hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < salt.size() && i < kMaxSalt; ++i) {
    const unsigned char c = static_cast<unsigned char>(salt[i]);
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

// Only [A-Za-z0-9] of a tag the platform supplies (a user tag is that already; this keeps a
// broken one from injecting a separator).
inline std::string plain_tag(const std::string& tag) {
  std::string out;
  for (char c : tag)
    if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) &&
        out.size() < 24)
      out += c;
  return out;
}

// Who a group is: the user, the pid namespace, and the scope (parent pid or app pool id).
struct GroupKey {
  std::string user;           // Prim::user_tag()
  std::uint64_t pid_ns = 0;   // Prim::pid_namespace()
  std::uint64_t parent_pid = 0;
  std::string app_pool_id;    // wins over parent_pid when non-empty
  std::string salt;           // wincache.namesalt
};

// Every group of one user in one pid namespace starts with this (the sweep of dead groups
// looks only there: never at another user's or another namespace's groups).
inline std::string group_prefix(const std::string& user, std::uint64_t pid_ns) {
  return "wincache_" + std::to_string(kFormatVersion) + "_" + plain_tag(user) + "_n" +
         std::to_string(pid_ns) + "_";
}

inline std::string group_name(const GroupKey& k) {
  char buf[64];
  if (!k.app_pool_id.empty())
    std::snprintf(buf, sizeof buf, "a%016llx",
                  static_cast<unsigned long long>(fnv1a64(k.app_pool_id)));
  else
    std::snprintf(buf, sizeof buf, "p%llu", static_cast<unsigned long long>(k.parent_pid));
  std::string name = group_prefix(k.user, k.pid_ns) + buf;
  const std::string salt = salt_tag(k.salt);
  if (!salt.empty()) name += "_s" + salt;
  return name;
}

// The same, for a caller that names no user and no namespace (tests of one process kind).
inline std::string group_name(std::uint64_t parent_pid, const std::string& app_pool_id,
                              const std::string& namesalt) {
  GroupKey k;
  k.parent_pid = parent_pid;
  k.app_pool_id = app_pool_id;
  k.salt = namesalt;
  return group_name(k);
}

inline std::string registry_name(const std::string& group) { return group + "_reg"; }

inline std::string segment_name(const std::string& group, unsigned kind,
                                std::uint64_t generation) {
  return group + "_k" + std::to_string(kind) + "_g" + std::to_string(generation);
}

}  // namespace wc

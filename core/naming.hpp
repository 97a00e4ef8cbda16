// core/naming.hpp: names of a process group's shared objects.
//
// WinCache named every shared object after the process group: the parent process id (the IIS
// worker that spawned the php-cgi processes), or a hash of the application pool id when one is
// configured, plus the namesalt. Processes spawned by one parent share; other groups do not. We
// keep that rule and add the format version, so an upgraded build never maps an older layout.
//
//   group:    wincache_<v>_<scope-id>[_<salt>]      scope-id = p<parent pid> or a<hash of pool id>
//   registry: <group>_reg
//   segment:  <group>_k<kind>_g<generation>         a recreated segment never reuses a name
//
// Names use only [A-Za-z0-9_] and stay under 64 characters (POSIX shm names, Windows object
// names with a Local\ prefix both accept that). Pure functions: no OS calls.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace wc {

inline constexpr unsigned kFormatVersion = 1;

// FNV-1a, 64-bit: stable across builds and platforms (the pool id comes from IIS as text).
inline std::uint64_t fnv1a64(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// The namesalt is at most 8 characters (REFERENCE.md); anything but [A-Za-z0-9] is dropped so a
// salt can never inject a path or object-namespace separator.
inline std::string clean_salt(const std::string& salt) {
  std::string out;
  for (char c : salt) {
    if (out.size() == 8) break;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

// `app_pool_id` wins over the parent pid when non-empty (wincache.apppoolid or APP_POOL_ID).
inline std::string group_name(std::uint64_t parent_pid, const std::string& app_pool_id,
                              const std::string& namesalt) {
  char buf[96];
  if (!app_pool_id.empty())
    std::snprintf(buf, sizeof buf, "wincache_%u_a%016llx", kFormatVersion,
                  static_cast<unsigned long long>(fnv1a64(app_pool_id)));
  else
    std::snprintf(buf, sizeof buf, "wincache_%u_p%llu", kFormatVersion,
                  static_cast<unsigned long long>(parent_pid));
  std::string name = buf;
  const std::string salt = clean_salt(namesalt);
  if (!salt.empty()) name += "_" + salt;
  return name;
}

inline std::string registry_name(const std::string& group) { return group + "_reg"; }

inline std::string segment_name(const std::string& group, unsigned kind,
                                std::uint64_t generation) {
  return group + "_k" + std::to_string(kind) + "_g" + std::to_string(generation);
}

}  // namespace wc

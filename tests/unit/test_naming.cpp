// Group naming (core/naming.hpp): who shares with whom.
#include <gtest/gtest.h>

#include "core/naming.hpp"

using namespace wc;

TEST(Naming, ChildrenOfOneParentShareAName) {
  EXPECT_EQ(group_name(4242, "", "salt"), group_name(4242, "", "salt"));
}

TEST(Naming, DifferentParentsDoNotShare) {
  EXPECT_NE(group_name(4242, "", ""), group_name(4243, "", ""));
}

TEST(Naming, DifferentSaltsDoNotShare) {
  EXPECT_NE(group_name(4242, "", "a"), group_name(4242, "", "b"));
  EXPECT_NE(group_name(4242, "", ""), group_name(4242, "", "a"));
}

TEST(Naming, AppPoolIdWinsOverTheParentPid) {
  EXPECT_EQ(group_name(1, "DefaultAppPool", ""), group_name(2, "DefaultAppPool", ""));
  EXPECT_NE(group_name(1, "DefaultAppPool", ""), group_name(1, "OtherPool", ""));
}

// Defect 12 of the hostile test: the salt was cleaned silently, so "site.one", "site_one",
// "site-one" and "siteone" all selected one cache. Distinct salts select distinct caches.
TEST(Naming, DistinctSaltsNeverShareEvenWithPunctuation) {
  const char* salts[] = {"site.one", "site_one", "site-one", "siteone", "site one", "SITEONE",
                         "x/y\\z", "x", ""};
  for (const char* a : salts)
    for (const char* b : salts)
      if (std::string(a) != b) EXPECT_NE(group_name(7, "", a), group_name(7, "", b)) << a << b;
  const std::string n = group_name(7, "", "x/y\\z:");
  EXPECT_EQ(n.find('/'), std::string::npos);
  EXPECT_EQ(n.find('\\'), std::string::npos);
}

TEST(Naming, OnlyTheFirstEightBytesOfASaltCount) {  // WinCache cut the directive to 8
  EXPECT_EQ(group_name(7, "", "12345678"), group_name(7, "", "123456789"));
  EXPECT_EQ(salt_tag("ab"), "6162");
}

TEST(Naming, UsersAndPidNamespacesDoNotShare) {
  GroupKey a;
  a.user = "u33";
  a.pid_ns = 4026531836u;
  a.parent_pid = 100;
  GroupKey b = a;
  EXPECT_EQ(group_name(a), group_name(b));
  b.user = "u1000";
  EXPECT_NE(group_name(a), group_name(b));
  b = a;
  b.pid_ns = 4026532000u;
  EXPECT_NE(group_name(a), group_name(b));
  // A sweep looks only under its own user's and namespace's prefix.
  EXPECT_EQ(group_name(a).rfind(group_prefix("u33", 4026531836u), 0), 0u);
  EXPECT_NE(group_name(b).rfind(group_prefix("u33", 4026531836u), 0), 0u);
}

TEST(Naming, NamesUseOnlyPortableCharactersAndStayShort) {
  GroupKey k;
  k.user = "s0123456789abcdef";
  k.pid_ns = 18446744073709551615ull;
  k.app_pool_id = "a pool id with spaces and / slashes";
  k.salt = "\\/.:*?\"<";
  const std::string g = group_name(k);
  for (const std::string& n :
       {g, registry_name(g), segment_name(g, 7, 16777215)}) {
    EXPECT_LT(n.size(), 100u) << n;
    for (char c : n)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_')
          << n;
  }
}

TEST(Naming, ARecreatedSegmentNeverReusesAName) {
  EXPECT_NE(segment_name("g", 1, 5), segment_name("g", 1, 6));
  EXPECT_NE(segment_name("g", 1, 5), segment_name("g", 2, 5));
}

TEST(Naming, FormatVersionIsInTheName) {
  EXPECT_NE(group_name(1, "", "").find("_" + std::to_string(kFormatVersion) + "_"),
            std::string::npos);
}

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

TEST(Naming, SaltIsCutToEightAlphanumerics) {
  EXPECT_EQ(clean_salt("ab/../c\\d:e f-g_h12345"), "abcdefgh");
  const std::string n = group_name(7, "", "x/y\\z");
  EXPECT_EQ(n.find('/'), std::string::npos);
  EXPECT_EQ(n.find('\\'), std::string::npos);
}

TEST(Naming, NamesUseOnlyPortableCharactersAndStayShort) {
  const std::string g = group_name(4194304, "a pool id with spaces and / slashes", "12345678");
  for (const std::string& n :
       {g, registry_name(g), segment_name(g, 7, 16777215)}) {
    EXPECT_LT(n.size(), 64u) << n;
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

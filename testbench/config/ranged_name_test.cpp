#include "sim/config/ranged_name.h"

#include <gtest/gtest.h>

using neuromesh::config::expand_count;
using neuromesh::config::expand_ranged_name;

TEST(RangedName, PlainNameIsOneBlock) {
  std::vector<std::string> out;
  std::string err;
  ASSERT_TRUE(expand_ranged_name("core", 10, &out, &err));
  EXPECT_EQ(out, std::vector<std::string>{"core"});
}

TEST(RangedName, RangeIsInclusive) {
  std::vector<std::string> out;
  std::string err;
  ASSERT_TRUE(expand_ranged_name("nc[2..4]", 10, &out, &err));
  EXPECT_EQ(out, (std::vector<std::string>{"nc[2]", "nc[3]", "nc[4]"}));
}

TEST(RangedName, MalformedRangesAreRejected) {
  std::vector<std::string> out;
  for (const char* bad : {"nc[4..2]", "nc[a..3]", "nc[0..3", "nc0..3]", "[0..3]", "nc[0..3]x",
                          "nc[0.3]", "nc[..3]", "nc[0..99999999999999]"}) {
    std::string err;
    EXPECT_FALSE(expand_ranged_name(bad, 1000, &out, &err)) << bad;
    EXPECT_FALSE(err.empty()) << bad;
  }
}

TEST(RangedName, RangeLargerThanLimitIsRejected) {
  std::vector<std::string> out;
  std::string err;
  EXPECT_FALSE(expand_ranged_name("nc[0..10]", 10, &out, &err));
  EXPECT_NE(err.find("at most 10"), std::string::npos) << err;
}

TEST(RangedName, CountNamesFromZero) {
  EXPECT_EQ(expand_count("r", 2), (std::vector<std::string>{"r[0]", "r[1]"}));
}

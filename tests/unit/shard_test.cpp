#include "uniner/format/shard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "uniner/error.h"

using namespace uniner;

TEST(Shard, ParsesAndRejectsWithTheValue) {
  const Shard s = parse_shard("2/8");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.to_string(), "2/8");
  for (const char* bad : {"", "3", "8/8", "1/0", "-1/4", "a/4", "1/4x", "1//4", " 1/4"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(Shard, EveryIdInExactlyOneShard) {
  std::vector<int> sizes(4, 0);
  for (int i = 0; i < 4000; ++i) {
    const std::string id = "doc-" + std::to_string(i);
    int owners = 0;
    for (std::uint32_t k = 0; k < 4; ++k) {
      if (Shard{k, 4}.contains(id)) {
        ++owners;
        ++sizes[k];
      }
    }
    EXPECT_EQ(owners, 1) << id;
  }
  for (int n : sizes) EXPECT_GT(n, 800);  // roughly even: 1000 expected each
  EXPECT_TRUE(Shard{}.contains("anything"));
}

TEST(Shard, StableHash) {
  // FNV-1a 64 test vectors: the split must not change between versions or machines.
  EXPECT_EQ(fnv1a64(""), 14695981039346656037ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

// Grouping benchmark records by passage (format/benchmark_passages.h).
#include "uniner/format/benchmark_passages.h"

#include <gtest/gtest.h>

namespace uniner {
namespace {

TEST(BenchmarkPassages, PassagesAndTypesInFirstAppearanceOrder) {
  const std::vector<BenchmarkRecord> records = {
      {"r1", "Ann met Bob.", "person", "[]"},
      {"r2", "Paris.", "city", "[]"},
      {"r3", "Ann met Bob.", "place", "[]"},
      {"r4", "Paris.", "person", "[]"},
  };
  const auto g = group_by_passage(records);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].passage.id, "0");
  EXPECT_EQ(g[0].passage.text, "Ann met Bob.");
  EXPECT_EQ(g[0].passage.types, (std::vector<std::string>{"person", "place"}));
  EXPECT_EQ(g[1].passage.id, "1");
  EXPECT_EQ(g[1].passage.types, (std::vector<std::string>{"city", "person"}));
  EXPECT_EQ(g[1].record_ids[1], std::vector<std::string>{"r4"});
}

TEST(BenchmarkPassages, ARepeatedTypeIsAskedOnceAndAnswersEveryRecord) {
  const std::vector<BenchmarkRecord> records = {
      {"a", "Ann met Bob.", "person", "[\"Ann\"]"},
      {"b", "Ann met Bob.", "city", "[]"},
      {"c", "Ann met Bob.", "person", "[\"Bob\"]"},
  };
  const auto g = group_by_passage(records);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].passage.types, (std::vector<std::string>{"person", "city"}));
  ASSERT_EQ(g[0].record_ids.size(), 2u);
  EXPECT_EQ(g[0].record_ids[0], (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(g[0].record_ids[1], std::vector<std::string>{"b"});
  EXPECT_EQ(g[0].records(), 3u) << "every record stays answerable";
}

}  // namespace
}  // namespace uniner

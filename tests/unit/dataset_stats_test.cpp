#include "uniner/data/dataset_stats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

TEST(FrequencyTiers, ProjectPageCountsFor13020Types) {
  std::vector<TypeCount> types;
  for (int i = 0; i < 13020; ++i) {
    std::string name = "t";
    name += std::to_string(i);
    types.push_back({name, 13020u - i});
  }
  const auto tiers = frequency_tiers(types, 3);
  ASSERT_EQ(tiers.size(), 3u);
  EXPECT_EQ(tiers[0].name, "top 1%");
  EXPECT_EQ(tiers[0].types, 130u);
  EXPECT_EQ(tiers[1].types, 1172u);
  EXPECT_EQ(tiers[2].types, 11718u);
  EXPECT_EQ(tiers[0].examples, (std::vector<std::string>{"t0", "t1", "t2"}));
  EXPECT_EQ(tiers[1].examples.front(), "t130");
  EXPECT_EQ(tiers[2].examples.front(), "t1302");
  double share = 0;
  std::uint64_t mentions = 0;
  for (const auto& t : tiers) {
    share += t.share;
    mentions += t.mentions;
  }
  EXPECT_NEAR(share, 1.0, 1e-12);
  EXPECT_EQ(mentions, 13020ull * 13021 / 2);
}

TEST(FrequencyTiers, SmallAndEmptyTables) {
  const auto five = frequency_tiers({{"a", 6}, {"b", 2}, {"c", 1}, {"d", 1}}, 10);
  EXPECT_EQ(five[0].types, 1u);  // at least one type in the top tier
  EXPECT_EQ(five[1].types, 0u);
  EXPECT_EQ(five[2].types, 3u);
  EXPECT_DOUBLE_EQ(five[0].share, 0.6);
  const auto none = frequency_tiers({}, 10);
  for (const auto& t : none) {
    EXPECT_EQ(t.types, 0u);
    EXPECT_EQ(t.share, 0.0);
  }
}

TEST(DatasetStats, AnnotationsCountOkAndParseErrorOnly) {
  TempDir dir;
  const auto file = dir.write(
      "a.jsonl",
      "{\"id\": \"1\", \"text\": \"t\", \"entities\": [[\"Ann\", \"Person\"], [\"Bob\", \" person "
      "\"], "
      "[\"Rome\", \"city\"]], \"status\": \"ok\"}\n"
      "{\"id\": \"2\", \"text\": \"t\", \"entities\": [[\"Ann\", \"person\"], [\"\", \"city\"]], "
      "\"status\": \"parse_error\"}\n"
      "{\"id\": \"3\", \"text\": \"t\", \"entities\": [[\"X\", \"drug\"]], \"status\": "
      "\"failed\"}\n"
      "{\"id\": \"4\", \"text\": \"t\", \"status\": \"failed\"}\n"
      "{\"id\": \"5\", \"text\": \"t\", \"entities\": [[\"Zed\", \"person\"]]}\n"
      "{\"id\": \"6\", \"text\": 5}\n");
  std::vector<std::string> warnings;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto s = compute_stats(file, {}, cb);
  EXPECT_EQ(s.kind, "annotations");
  EXPECT_EQ(s.records, 5u);
  EXPECT_EQ(s.passages, 3u);
  EXPECT_EQ(s.mentions, 5u);  // Ann, Bob, Rome, Ann, Zed ("" is not a mention)
  ASSERT_EQ(s.types.size(), 2u);
  EXPECT_EQ(s.types[0].type, "person");
  EXPECT_EQ(s.types[0].mentions, 4u);
  EXPECT_EQ(s.skipped_by_status.at("failed"), 2u);
  EXPECT_EQ(s.bad_records, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("a.jsonl:6: record 6: missing string 'text'"), std::string::npos)
      << warnings[0];

  StatsOptions keep;
  keep.type_case = TypeCase::kKeep;
  EXPECT_EQ(compute_stats(file, keep).types.size(), 3u);  // Person, person, city
  StatsOptions strict;
  strict.strict = true;
  EXPECT_THROW(compute_stats(file, strict), InputError);
}

const char* kInstructions = R"([
{"id": "a", "conversations": [{"from": "human", "value": "Text: Ann met Bob in Rome."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes person in the text?"}, {"from": "gpt", "value": "[\"Ann\", \"Bob\"]"}, {"from": "human", "value": "What describes city in the text?"}, {"from": "gpt", "value": "[\"Rome\"]"}, {"from": "human", "value": "What describes drug in the text?"}, {"from": "gpt", "value": "[]"}]},
{"id": "b", "conversations": [{"from": "human", "value": "Text: Zed."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes person in the text?"}, {"from": "gpt", "value": "[\"Zed\"]"}]}
])";

TEST(DatasetStats, InstructionArrayAndJsonLines) {
  TempDir dir;
  const auto array = compute_stats(dir.write("i.json", kInstructions), {});
  EXPECT_EQ(array.kind, "instructions");
  EXPECT_EQ(array.passages, 2u);
  EXPECT_EQ(array.mentions, 4u);
  EXPECT_EQ(array.queries, 4u);
  EXPECT_EQ(array.negative_queries, 1u);
  ASSERT_EQ(array.types.size(), 2u);
  EXPECT_EQ(array.types[0].type, "person");
  EXPECT_EQ(array.types[0].mentions, 3u);

  const auto records = nlohmann::json::parse(kInstructions);
  std::string jsonl;
  for (const auto& r : records) jsonl += r.dump() + "\n";
  jsonl += "{\"id\": \"c\", \"conversations\": [{\"from\": \"human\", \"value\": \"Nope\"}]}\n";
  std::vector<std::string> warnings;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto lines = compute_stats(dir.write("i.jsonl", jsonl), {}, cb);
  EXPECT_EQ(lines.passages, 2u);
  EXPECT_EQ(lines.mentions, 4u);
  EXPECT_EQ(lines.bad_records, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("i.jsonl:3: id c: turn 0"), std::string::npos) << warnings[0];

  const auto j = nlohmann::json::parse(stats_json(array));
  EXPECT_EQ(j["distinct_types"], 2);
  EXPECT_EQ(j["tiers"].size(), 3u);
  const auto table = stats_table(array);
  EXPECT_NE(table.find("top 1%"), std::string::npos);
  EXPECT_NE(table.find("person"), std::string::npos);
  EXPECT_THROW(compute_stats(dir.write("broken.json", "[{\"id\": 1,"), {}), InputError);
}

// Issue 11: with a UTF-8 BOM, stats read a JSON array as JSON Lines (0 records, exit 0); array
// records were never reported (stats --strict exited 0); 1e999 escaped the reader.
TEST(DatasetStats, BomArrayRecordsAndNumberOverflow) {
  TempDir dir;
  const auto bom =
      compute_stats(dir.write("b.json", "\xEF\xBB\xBF\n" + std::string(kInstructions)), {});
  EXPECT_EQ(bom.kind, "instructions");
  EXPECT_EQ(bom.passages, 2u);

  auto records = nlohmann::json::parse(kInstructions);
  const std::string with_arrays =
      "[" + records[0].dump() + ",\n[[\"x\"], [1, 2]],\n" + records[1].dump() + "]";
  const auto path = dir.write("a.json", with_arrays);
  std::vector<std::string> warnings;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto lenient = compute_stats(path, {}, cb);
  EXPECT_EQ(lenient.passages, 2u);
  EXPECT_EQ(lenient.bad_records, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("a.json:2: record 1: expected an object"), std::string::npos)
      << warnings[0];
  StatsOptions strict;
  strict.strict = true;
  EXPECT_THROW(compute_stats(path, strict), InputError);

  warnings.clear();
  const auto overflow =
      compute_stats(dir.write("o.jsonl", "\n" + records[0].dump() + "\n{\"id\": 1e999}\n"), {}, cb);
  EXPECT_EQ(overflow.passages, 1u);
  EXPECT_EQ(overflow.bad_records, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("o.jsonl:3: invalid JSON"), std::string::npos) << warnings[0];
}
}  // namespace
}  // namespace uniner

#include "uniner/data/supervised_data.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/conll_sample.h"
#include "support/test_support.h"
#include "uniner/data/label_map.h"
#include "uniner/error.h"
#include "uniner/format/labeled_data.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using testing::TempDir;

TEST(LabelMap, ParsesRenamesDropsAndRejects) {
  const auto m = LabelMap::parse("# CoNLL\nPER -> person\n LOC->location \nMISC ->\n\n", "m.txt");
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.map("PER"), "person");
  EXPECT_EQ(m.map("LOC"), "location");
  EXPECT_EQ(m.map("MISC"), std::nullopt);
  EXPECT_EQ(m.map("ORG"), "ORG");
  const auto error = [](const std::string& text) {
    try {
      LabelMap::parse(text, "m.txt");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(none)");
  };
  EXPECT_EQ(error("PER person\n"), "m.txt:1: expected 'LABEL -> type'");
  EXPECT_EQ(error("\n -> person\n"), "m.txt:2: empty label before '->'");
  EXPECT_EQ(error("A -> a\nA -> b\n"), "m.txt:2: label 'A' is mapped twice");
}

TEST(Convert, EveryGoldEntityIsInTheRightAnswerAndAbsentTypesAnswerEmpty) {
  TempDir dir;
  const auto in = dir.write("sample.conll", testing::kConll);
  ConvertOptions o;
  o.label_map =
      LabelMap::parse("PER -> person\nLOC -> location\nORG -> organization\nMISC ->\n", "m");
  std::ostringstream train, bench;
  const auto r = convert_supervised(in, train, &bench, o);
  EXPECT_EQ(r.types, (std::vector<std::string>{"organization", "person", "location"}));
  EXPECT_EQ(r.sentences, 3u);
  EXPECT_EQ(r.dropped, 2u);
  EXPECT_EQ(r.benchmark_records, 9u);
  const auto path = dir.write("bench.json", bench.str());
  const auto records = read_benchmark(path);
  ASSERT_EQ(records.size(), 9u);
  const auto gold = read_conll(in, {});
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& rec = records[i];
    EXPECT_EQ(rec.id, std::string("sample_") + std::to_string(i));
    const auto& sentence = gold[i / 3];
    EXPECT_EQ(rec.text, sentence.text);
    const auto answer = nlohmann::json::parse(rec.gold).get<std::vector<std::string>>();
    std::vector<std::string> expected;
    for (const auto& e : sentence.entities) {
      if (o.label_map.map(e.type) == rec.type) expected.push_back(e.text);
    }
    EXPECT_EQ(answer, expected) << rec.id << " " << rec.type;
  }
  EXPECT_EQ(records[7].type, "person");
  EXPECT_EQ(records[7].gold, "[\"Peter\", \"Peter\"]");  // the benchmark keeps every mention
  EXPECT_EQ(records[8].type, "location");
  EXPECT_EQ(records[8].gold, "[\"Caf\\u00e9 Z\\u00fcrich\"]");  // json.dumps, ensure_ascii
  EXPECT_EQ(records[2].gold, "[]");

  // training: one conversation per sentence, all types, duplicates removed
  const auto conv = nlohmann::json::parse(train.str());
  ASSERT_EQ(conv.size(), 3u);
  EXPECT_EQ(conv[2]["id"], "sample_2");
  ASSERT_EQ(conv[2]["conversations"].size(), 8u);
  EXPECT_EQ(conv[2]["conversations"][4]["value"], "What describes person in the text?");
  EXPECT_EQ(conv[2]["conversations"][5]["value"], "[\"Peter\"]");
  EXPECT_EQ(conv[0]["conversations"][5]["value"], "[]");
}

TEST(Convert, SpansSampleAndNames) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += std::string("{\"text\": \"Ann ") + std::to_string(i) +
            "\", \"entities\": [{\"start\": 0, \"end\": 3, \"type\": \"PER\"}]}\n";
  }
  const auto in = dir.write("s.jsonl", text);
  ConvertOptions o;
  o.max_sentences = 10;
  o.seed = 4;
  o.name = "toy";
  o.type_case = TypeCase::kLower;
  o.jsonl = true;
  std::ostringstream a, b;
  const auto r = convert_supervised(in, a, nullptr, o);
  convert_supervised(in, b, nullptr, o);
  EXPECT_EQ(a.str(), b.str());
  EXPECT_EQ(r.sentences, 10u);
  EXPECT_EQ(r.types, std::vector<std::string>{"per"});
  std::istringstream lines(a.str());
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(nlohmann::json::parse(line)["id"], "toy_0");
}

// Issue 11: a UTF-8 byte order mark is skipped, never part of the first token.
TEST(Conll, ByteOrderMarkIsSkipped) {
  TempDir dir;
  const auto s = read_conll(dir.write("bom.conll", "\xEF\xBB\xBFParis B-LOC\nis O\n"), {});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "Paris is");
  ASSERT_EQ(s[0].entities.size(), 1u);
  EXPECT_EQ(s[0].entities[0].text, "Paris");
}
}  // namespace
}  // namespace uniner

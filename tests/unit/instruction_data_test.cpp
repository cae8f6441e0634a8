#include "uniner/data/instruction_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using nlohmann::json;
using testing::TempDir;

std::string build(const std::string& path, const BuildDataOptions& o, std::string* dev = nullptr,
                  BuildDataReport* report = nullptr, std::vector<std::string>* warnings = nullptr) {
  std::ostringstream train, dev_out;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  };
  const auto r = build_instruction_data(path, train, dev ? &dev_out : nullptr, o, cb);
  if (dev) *dev = dev_out.str();
  if (report) *report = r;
  return train.str();
}

std::vector<json> records_of(const std::string& out, bool jsonl) {
  std::vector<json> v;
  if (!jsonl) {
    for (auto& r : json::parse(out)) v.push_back(r);
    return v;
  }
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) v.push_back(json::parse(line));
  return v;
}

TEST(InstructionData, ByteExactAgainstTheTemplate) {
  TempDir dir;
  const auto in = dir.write(
      "a.jsonl",
      R"({"id": "p0", "text": "Marie Curie moved from Warsaw to Paris.", "entities": [["Marie Curie", "Person"], ["Warsaw", "city"], ["Paris", " City "], ["Warsaw", "city"], ["Z\u00fcrich", "city"]], "status": "ok"})"
      "\n");
  BuildDataOptions o;
  o.negatives = NegativeMode::kNone;
  const std::string expected =
      "[\n"
      R"({"id":"p0","conversations":[{"from":"human","value":"Text: Marie Curie moved from Warsaw to Paris."},)"
      R"({"from":"gpt","value":"I've read this text."},)"
      R"({"from":"human","value":"What describes person in the text?"},)"
      R"({"from":"gpt","value":"[\"Marie Curie\"]"},)"
      R"({"from":"human","value":"What describes city in the text?"},)"
      R"({"from":"gpt","value":"[\"Warsaw\", \"Paris\", \"Z\\u00fcrich\"]"}]})"
      "\n]\n";
  EXPECT_EQ(build(in, o), expected);

  // The same conversation through the training template is the original's string.
  const auto rec = records_of(build(in, o), false).at(0);
  std::vector<TypeAnswer> pairs;
  for (std::size_t i = 2; i < rec["conversations"].size(); i += 2) {
    std::string type;
    ASSERT_TRUE(parse_type_question(rec["conversations"][i]["value"].get<std::string>(), type));
    pairs.push_back({type, rec["conversations"][i + 1]["value"].get<std::string>()});
  }
  EXPECT_EQ(training_conversation("Marie Curie moved from Warsaw to Paris.", pairs),
            "A virtual assistant answers questions from a user based on the provided text. "
            "USER: Text: Marie Curie moved from Warsaw to Paris. ASSISTANT: I've read this "
            "text.</s>USER: What describes person in the text? ASSISTANT: [\"Marie Curie\"]</s>"
            "USER: What describes city in the text? ASSISTANT: [\"Warsaw\", \"Paris\", "
            "\"Z\\u00fcrich\"]</s>");

  o.jsonl = true;
  EXPECT_EQ(build(in, o), expected.substr(2, expected.size() - 2 - 3) + "\n");
}

TEST(InstructionData, GroupingCleaningDroppingAndDefinitions) {
  AnnotatedPassage p;
  p.text = "Ann met ANN and Bob.";
  p.entities = {{" Ann ", "Person"},       {"Ann", "person"}, {"ann", "PERSON"},
                {"Carl", "person"},        {"", "person"},    {"Bob", "   "},
                {"Bob", "Friend  of\tAnn"}};
  auto g = group_entities(p, TypeCase::kLower, /*drop_unfound=*/true);
  EXPECT_EQ(g.types, (std::vector<std::string>{"person", "friend of ann"}));
  EXPECT_EQ(g.entities[0], (std::vector<std::string>{"Ann", "ann"}));  // ann: found ignoring case
  EXPECT_EQ(g.entities[1], (std::vector<std::string>{"Bob"}));
  EXPECT_EQ(g.duplicates, 1u);
  EXPECT_EQ(g.empty, 2u);
  EXPECT_EQ(g.unfound, 1u);  // Carl
  EXPECT_EQ(g.all_types, (std::vector<std::string>{"person", "friend of ann"}));

  g = group_entities(p, TypeCase::kKeep, /*drop_unfound=*/false);
  EXPECT_EQ(g.types, (std::vector<std::string>{"Person", "person", "PERSON", "Friend of Ann"}));
  EXPECT_EQ(g.entities[1], (std::vector<std::string>{"Ann", "Carl"}));

  TempDir dir;
  const auto in = dir.write(
      "d.jsonl",
      R"({"id": 7, "text": "Aspirin helps.", "entities": [["Aspirin", "A drug that relieves pain."]]})"
      "\n");
  BuildDataOptions o;
  o.definition = true;
  o.negatives = NegativeMode::kNone;
  const auto rec = records_of(build(in, o), false).at(0);
  EXPECT_EQ(rec["id"], "7");
  EXPECT_EQ(rec["conversations"][2]["value"],
            "What describes A drug that relieves pain. in the text?");
}

// Annotations where passage i has one positive type; type t appears in counts[t] passages.
std::string long_tail_annotations(const std::vector<int>& counts) {
  std::string s;
  int id = 0;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    for (int k = 0; k < counts[t]; ++k) {
      s += json{{"id", std::to_string(id++)},
                {"text", std::string("Entity e") + std::to_string(t) + " here."},
                {"entities", json::array({json::array({std::string("e") + std::to_string(t),
                                                       std::string("type") + std::to_string(t)})})},
                {"status", "ok"}}
               .dump() +
           "\n";
    }
  }
  return s;
}

TEST(InstructionData, FrequencyNegativesFollowTypeFrequenciesChiSquare) {
  // 30 types, long-tailed: type t is in 600/(t+1) passages (3,964 passages).
  std::vector<int> counts;
  for (int t = 0; t < 30; ++t) counts.push_back(600 / (t + 1));
  TempDir dir;
  const auto in = dir.write("zipf.jsonl", long_tail_annotations(counts));
  BuildDataOptions o;
  o.negatives = NegativeMode::kFrequency;
  o.negatives_per_passage = 1;
  o.seed = 11;
  o.jsonl = true;
  std::vector<double> observed(counts.size(), 0), expected(counts.size(), 0);
  double total = 0;
  for (int c : counts) total += c;
  for (int round = 0; round < 5; ++round) {  // 5 seeds: ~20k negatives
    o.seed = 11 + round;
    for (const auto& r : records_of(build(in, o), true)) {
      const auto& turns = r["conversations"];
      ASSERT_EQ(turns.size(), 6u);
      std::string own, neg;
      ASSERT_TRUE(parse_type_question(turns[2]["value"].get<std::string>(), own));
      ASSERT_TRUE(parse_type_question(turns[4]["value"].get<std::string>(), neg));
      EXPECT_EQ(turns[5]["value"], "[]");
      ASSERT_NE(own, neg);
      const int o_t = std::stoi(own.substr(4));
      observed[std::stoi(neg.substr(4))] += 1;
      for (std::size_t t = 0; t < counts.size(); ++t) {
        if (static_cast<int>(t) != o_t) expected[t] += counts[t] / (total - counts[o_t]);
      }
    }
  }
  double x = 0;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    x += (observed[t] - expected[t]) * (observed[t] - expected[t]) / expected[t];
  }
  const double df = counts.size() - 1.0, a = 2.0 / (9.0 * df);
  const double critical = df * std::pow(1.0 - a + 5.0 * std::sqrt(a), 3.0);  // p ~ 3e-7
  EXPECT_LT(x, critical) << "chi-square " << x << " critical " << critical;

  // uniform: every other type equally likely, so the head type is drawn ~1/29 of the time
  o.negatives = NegativeMode::kUniform;
  o.seed = 3;
  std::map<std::string, int> uniform;
  std::size_t n = 0;
  for (const auto& r : records_of(build(in, o), true)) {
    std::string neg;
    ASSERT_TRUE(parse_type_question(r["conversations"][4]["value"].get<std::string>(), neg));
    ++uniform[neg];
    ++n;
  }
  EXPECT_NEAR(uniform["type0"] / static_cast<double>(n), (n - 600.0) / n / 29.0, 0.015);
  EXPECT_NEAR(uniform["type29"] / static_cast<double>(n), (n - 20.0) / n / 29.0, 0.015);

  // none: only the positive pair
  o.negatives = NegativeMode::kNone;
  for (const auto& r : records_of(build(in, o), true)) EXPECT_EQ(r["conversations"].size(), 4u);
}

TEST(InstructionData, DevSplitShufflingStatusesAndBadRecords) {
  std::vector<int> counts = {50, 30, 20};
  TempDir dir;
  std::string text = long_tail_annotations(counts);
  text += "{\"id\": \"f\", \"text\": \"x\", \"status\": \"failed\"}\n";
  text += "{\"id\": \"g\", \"text\": \"x\", \"entities\": \"oops\"}\n";
  text += "this is not json\n";
  text += "{\"id\": \"pe\", \"text\": \"x\", \"entities\": [], \"status\": \"parse_error\"}\n";
  const auto in = dir.write("s.jsonl", text);
  BuildDataOptions o;
  o.dev_fraction = 0.1;
  o.negatives_per_passage = 2;
  o.shuffle_pairs = true;
  std::string dev;
  BuildDataReport r;
  std::vector<std::string> warnings;
  const auto train = build(in, o, &dev, &r, &warnings);
  const auto tr = records_of(train, false), dv = records_of(dev, false);
  EXPECT_EQ(tr.size(), 90u);
  EXPECT_EQ(dv.size(), 10u);
  std::set<std::string> ids;
  for (const auto& x : tr) ids.insert(x["id"].get<std::string>());
  for (const auto& x : dv) ids.insert(x["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(r.skipped_by_status.at("failed"), 1u);
  EXPECT_EQ(r.skipped_by_status.at("parse_error"), 1u);  // no entity recovered: no annotation
  EXPECT_EQ(r.bad_records, 2u);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("s.jsonl:102: record g: 'entities' must be an array"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("s.jsonl:103: invalid JSON"), std::string::npos);
  EXPECT_EQ(r.positive_queries, 100u);
  EXPECT_EQ(r.negative_queries, 200u);
  // shuffled: the positive is not always first, and the same seed gives the same bytes
  std::size_t positive_first = 0;
  for (const auto& x : tr) positive_first += x["conversations"][3]["value"] != "[]";
  EXPECT_GT(positive_first, 10u);
  EXPECT_LT(positive_first, 60u);
  std::string dev2;
  EXPECT_EQ(build(in, o, &dev2), train);
  EXPECT_EQ(dev2, dev);

  o.strict = true;
  try {
    build(in, o, &dev);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("s.jsonl:102:"), std::string::npos);
  }
  BuildDataOptions bad;
  bad.dev_fraction = 0.5;
  EXPECT_THROW(build(in, bad), InputError);  // a dev fraction needs a dev stream
  bad.dev_fraction = 1.5;
  EXPECT_THROW(build(in, bad, &dev), InputError);
}

// Issue 11: a number overflowing a double escaped the reader (exit 1, an empty output).
TEST(InstructionData, NumberOverflowIsASkippedBadRecord) {
  TempDir dir;
  const auto in =
      dir.write("o.jsonl",
                "{\"id\": \"a\", \"text\": \"Ann\", \"status\": \"ok\", \"entities\": [[\"Ann\", "
                "\"person\"]]}\n{\"id\": 1e999, \"text\": \"x\", \"entities\": []}\n");
  BuildDataReport r;
  std::vector<std::string> warnings;
  const auto train = build(in, {}, nullptr, &r, &warnings);
  EXPECT_EQ(records_of(train, false).size(), 1u);
  EXPECT_EQ(r.bad_records, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("o.jsonl:2: invalid JSON"), std::string::npos) << warnings[0];
  BuildDataOptions strict;
  strict.strict = true;
  EXPECT_THROW(build(in, strict), InputError);
}

// Issue 11: grouping was quadratic in the entities of a passage (80,000: tens of seconds).
TEST(InstructionData, EightyThousandDistinctEntitiesInOnePassage) {
  AnnotatedPassage p;
  p.id = "big";
  p.status = "ok";
  for (int i = 0; i < 80'000; ++i) {
    std::string e = "e";
    e += std::to_string(i);
    p.text += e;
    p.text += ' ';
    p.entities.push_back({e, i % 2 ? "odd" : "even"});
  }
  p.entities.push_back({"e0", "even"});
  const GroupedPassage g = group_entities(p, TypeCase::kLower, /*drop_unfound=*/true);
  ASSERT_EQ(g.types, (std::vector<std::string>{"even", "odd"}));
  EXPECT_EQ(g.entities[0].size(), 40'000u);
  EXPECT_EQ(g.entities[1].back(), "e79999");
  EXPECT_EQ(g.duplicates, 1u);
  EXPECT_EQ(g.unfound, 0u);
}
}  // namespace
}  // namespace uniner

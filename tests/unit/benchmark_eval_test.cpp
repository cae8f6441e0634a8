#include "uniner/eval/benchmark_eval.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

std::string record(const std::string& id, const std::string& type, const std::string& gold) {
  nlohmann::json j = {{"id", id},
                      {"conversations",
                       {{{"from", "human"}, {"value", "Text: Ann met Bob in Paris."}},
                        {{"from", "gpt"}, {"value", "I've read this text."}},
                        {{"from", "human"}, {"value", "What describes " + type + " in the text?"}},
                        {{"from", "gpt"}, {"value", gold}}}}};
  return j.dump();
}

TEST(BenchmarkEval, PerDatasetMissingUnknownAndAverage) {
  testing::TempDir dir;
  const auto a =
      dir.write("setA.json", std::string("[") + record("a0", "person", "[\"Ann\", \"Bob\"]") + "," +
                                 record("a1", "city", "[\"Paris\"]") + "]");
  const auto b =
      dir.write("setB.json", std::string("[") + record("b0", "person", "[\"Ann\"]") + "]");
  const std::vector<Prediction> preds = {
      {"a0", "[\"Ann\"]", 1}, {"b0", "[\"Ann\"]", 2}, {"zz", "[]", 3}};
  const auto r = evaluate_benchmarks({a, b}, preds, "p.jsonl");
  ASSERT_EQ(r.datasets.size(), 2u);
  EXPECT_EQ(r.datasets[0].name, "setA");
  EXPECT_EQ(r.datasets[0].records, 2u);
  EXPECT_EQ(r.datasets[0].missing, 1u);
  EXPECT_EQ(r.datasets[0].counts.correct, 1u);
  EXPECT_EQ(r.datasets[0].counts.gold, 3u);
  EXPECT_NEAR(r.datasets[0].scores.f1, 0.5, 1e-9);  // P = 1, R = 1/3
  EXPECT_NEAR(r.datasets[1].scores.f1, 1.0, 1e-9);
  EXPECT_NEAR(r.average.f1, 0.75, 1e-9);
  EXPECT_EQ(r.unknown_ids, std::vector<std::string>{"zz"});
  const auto j = nlohmann::json::parse(report_json(r));
  EXPECT_EQ(j["datasets"][0]["missing"], 1);
  EXPECT_EQ(j["unknown_predictions"], 1);
  EXPECT_NE(report_table(r).find("average"), std::string::npos);
}

TEST(BenchmarkEval, DuplicatePredictionIdIsAnError) {
  testing::TempDir dir;
  const auto a = dir.write("s.json", std::string("[") + record("a0", "person", "[]") + "]");
  const std::vector<Prediction> preds = {{"a0", "[]", 1}, {"a0", "[]", 4}};
  try {
    evaluate_benchmarks({a}, preds, "p.jsonl");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("p.jsonl:4: id 'a0' already predicted on line 1"),
              std::string::npos);
  }
}

// Issue 11: `eval --json` exited 1 after scoring when a gold file's name was not UTF-8.
TEST(BenchmarkEval, JsonReportOfANameThatIsNotUtf8) {
  EvalReport report;
  DatasetReport d;
  d.name = "bad\xFFname";
  report.datasets.push_back(d);
  std::string text;
  ASSERT_NO_THROW(text = report_json(report));
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["datasets"][0]["name"], "bad\xEF\xBF\xBDname");
}

// Issue 11: a gold file of array records scored 0 records and exited 0.
TEST(BenchmarkEval, ArrayRecordsInAGoldFileAreAnError) {
  testing::TempDir dir;
  const auto gold = dir.write("g.json", "[\n[[\"x\"], [1, 2]]\n]");
  try {
    evaluate_benchmarks({gold}, {}, "p.jsonl");
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("g.json:2: record 0: expected an object"),
              std::string::npos)
        << e.what();
  }
}
}  // namespace
}  // namespace uniner

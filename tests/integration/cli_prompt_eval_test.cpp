// `uniner prompt` and `uniner eval` as a user meets them: the real binary, real files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

const std::string kBin = testing::uniner_bin();

TEST(CliPrompt, PrintsTheExactPromptAndOneNewline) {
  const auto r = run_command(kBin + " prompt --text 'Paris is lovely.' --type location");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "A virtual assistant answers questions from a user based on the provided text. USER: "
            "Text: Paris is lovely. ASSISTANT: I've read this text.</s>USER: What describes "
            "location in the text? ASSISTANT:\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliPrompt, BadUsageExitsTwo) {
  EXPECT_EQ(run_command(kBin + " prompt --text x").exit_code, 2);
  EXPECT_EQ(run_command(kBin + " prompt --text x --type y --system poem").exit_code, 2);
  const auto bad = run_command(kBin + " prompt --text \"$(printf 'a\\377')\" --type y");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--text: invalid UTF-8 at byte 1"), std::string::npos) << bad.err;
  EXPECT_EQ(run_command(kBin).exit_code, 2);
  EXPECT_EQ(run_command(kBin + " --help").exit_code, 0);
}

TEST(Cli, ServeIsASubcommandWithUsageErrors) {
  EXPECT_EQ(run_command(kBin + " serve --help").exit_code, 0);
  const auto r = run_command(kBin + " serve --anything");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--model is required"), std::string::npos) << r.err;
}

std::vector<std::string> shared_gold_files() {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(testing::shared_data("universal-ner-benchmark"))) {
    files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string write_predictions(const TempDir& dir, const std::vector<std::string>& gold_files,
                              bool use_gold) {
  const auto path = dir.file(use_gold ? "gold_as_pred.jsonl" : "empty_pred.jsonl");
  std::ofstream out(path);
  for (const auto& f : gold_files)
    for (const auto& r : read_benchmark(f)) write_prediction(out, r.id, use_gold ? r.gold : "[]");
  return path;
}

std::string gold_args(const std::vector<std::string>& files) {
  std::string args;
  for (const auto& f : files) args += " --gold " + shell_quote(f);
  return args;
}

TEST(CliEval, GoldAsPredictionsScoresOneAndEmptyScoresZero) {
  if (!testing::have_shared_benchmark()) GTEST_SKIP() << "shared benchmark data absent";
  TempDir dir;
  const auto files = shared_gold_files();
  ASSERT_EQ(files.size(), 6u);
  for (bool use_gold : {true, false}) {
    const auto pred = write_predictions(dir, files, use_gold);
    const auto r = run_command(kBin + " eval" + gold_args(files) + " --pred " + pred + " --json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto report = nlohmann::json::parse(r.out);
    ASSERT_EQ(report["datasets"].size(), 6u);
    for (const auto& d : report["datasets"]) {
      EXPECT_EQ(d["missing"], 0) << d["name"];
      if (use_gold) {
        EXPECT_NEAR(d["f1"].get<double>(), 1.0, 1e-6) << d["name"];
      } else {
        EXPECT_EQ(d["f1"].get<double>(), 0.0) << d["name"];
      }
    }
    EXPECT_NEAR(report["average"]["f1"].get<double>(), use_gold ? 1.0 : 0.0, 1e-6);
  }
}

TEST(CliEval, TableMissingAndUnknown) {
  TempDir dir;
  const auto gold = dir.write(
      "toy.json",
      R"([{"id": "t0", "conversations": [{"from": "human", "value": "Text: Ann met Bob."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes person in the text?"}, {"from": "gpt", "value": "[\"Ann\", \"Bob\"]"}]},
          {"id": "t1", "conversations": [{"from": "human", "value": "Text: Ann met Bob."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes city in the text?"}, {"from": "gpt", "value": "[]"}]}])");
  const auto pred = dir.write("p.jsonl",
                              "{\"id\": \"t0\", \"prediction\": \"[\\\"Ann\\\"]\"}\n"
                              "{\"id\": \"nope\", \"prediction\": \"[]\"}\n");
  const auto r = run_command(kBin + " eval --gold " + gold + " --pred " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("toy"), std::string::npos);
  EXPECT_NE(r.out.find("66.67"), std::string::npos) << r.out;  // P 100, R 50
  EXPECT_NE(r.err.find("1 of 2 records have no prediction"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 predictions have ids in no gold file (first: nope)"), std::string::npos);
}

TEST(CliEval, MalformedInputsExitTwoNamingFileAndPlace) {
  TempDir dir;
  const auto good_pred = dir.write("p.jsonl", "");
  struct Case {
    std::string name, content, expect;
  };
  const Case cases[] = {
      {"notjson.json", "this is not json", "notjson.json:1: invalid JSON"},
      // Not a JSON array: JSON Lines of conversation records (the one layout detection).
      {"shape.json", "{\"a\": 1}", "shape.json:1: missing 'id'"},
      {"arrays.json", "[\n[[\"x\"], [1, 2]]]", "arrays.json:2: record 0: expected an object"},
      {"overflow.json", "[\n\n{\"id\": 1e999}]", "overflow.json:3: invalid JSON"},
      {"badutf8.json", "[\n{\"id\": \"\xC3\x28\"}]", "badutf8.json:2: invalid JSON"},
      {"turns.json", "[{\"id\": \"x\", \"conversations\": []}]", "record id x: expected 4 turns"},
  };
  for (const auto& c : cases) {
    const auto gold = dir.write(c.name, c.content);
    const auto r = run_command(kBin + " eval --gold " + gold + " --pred " + good_pred);
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
  }
  const auto gold = dir.write("ok.json", "[]");
  const auto bad_pred =
      dir.write("bad.jsonl", "{\"id\": \"a\", \"prediction\": \"[]\"}\nnot json\n");
  const auto r = run_command(kBin + " eval --gold " + gold + " --pred " + bad_pred);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.jsonl:2: invalid JSON"), std::string::npos) << r.err;
  const auto utf8_pred = dir.write("u.jsonl", "{\"id\": \"a\", \"prediction\": \"\xFF\"}\n");
  const auto u = run_command(kBin + " eval --gold " + gold + " --pred " + utf8_pred);
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_NE(u.err.find("u.jsonl:1: invalid UTF-8"), std::string::npos) << u.err;
}

const char* kToyGold =
    R"([{"id": "t0", "conversations": [{"from": "human", "value": "Text: Ann met Bob."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes person in the text?"}, {"from": "gpt", "value": "[\"Ann\", \"Bob\"]"}]}])";

// Issue 11: `prompt` printed prompts that `extract` refuses.
TEST(CliPrompt, ValidatesLikeExtract) {
  const auto empty = run_command(kBin + " prompt --text '  ' --type person");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("empty text"), std::string::npos) << empty.err;
  const auto newline = run_command(kBin + " prompt --text x --type \"$(printf 'a\\nb')\"");
  EXPECT_EQ(newline.exit_code, 2);
  EXPECT_NE(newline.err.find("contains a newline"), std::string::npos) << newline.err;
  EXPECT_EQ(run_command(kBin + " prompt --text x --type ' '").exit_code, 2);
}

// Issue 11: a prediction of 50,000 '[' crashed `eval --parser lenient` (stack overflow).
TEST(CliEval, DeeplyNestedPredictionIsScoredNotACrash) {
  TempDir dir;
  const auto gold = dir.write("toy.json", kToyGold);
  const auto pred = dir.write(
      "p.jsonl", "{\"id\": \"t0\", \"prediction\": \"" + std::string(50'000, '[') + "\"}\n");
  for (const std::string parser : {"lenient", "official"}) {
    const auto r = run_command(kBin + " eval --parser " + parser + " --json --gold " + gold +
                               " --pred " + pred);
    ASSERT_EQ(r.exit_code, 0) << parser << ": " << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["datasets"][0]["correct"], 0) << parser;
  }
}

// Issue 11: a gold file whose name is not UTF-8 made `eval --json` exit 1 after scoring; a BOM
// before the JSON array is skipped.
TEST(CliEval, JsonReportForANonUtf8FileNameAndABom) {
  TempDir dir;
  const auto gold = dir.write("g\xFF.json", std::string("\xEF\xBB\xBF") + kToyGold);
  const auto pred = dir.write("p.jsonl", "{\"id\": \"t0\", \"prediction\": \"[\\\"Ann\\\"]\"}\n");
  const auto r = run_command(kBin + " eval --json --gold " + shell_quote(gold) + " --pred " + pred);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["datasets"][0]["name"], "g\xEF\xBF\xBD");
  EXPECT_EQ(j["datasets"][0]["records"], 1);
  EXPECT_EQ(j["datasets"][0]["correct"], 1);
}
}  // namespace
}  // namespace uniner

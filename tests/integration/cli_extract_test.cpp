// `uniner extract` and `uniner init-model` as a user meets them: the real binary, a model made by
// init-model, real benchmark files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/engine_fixture.h"
#include "support/test_support.h"

namespace uniner {
namespace {

using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

class CliExtract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    model_ = dir_->file("m.gguf");
    const auto r =
        run_command(bin() + " init-model --vocab " + testing::llama_vocab_path() + " --out " +
                    model_ + " --dim 64 --layers 2 --heads 4 --ff 128 --seed 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string bin() { return testing::uniner_bin(); }
  static std::string extract() {
    return bin() + " extract -q -t 1 -m " + model_ + " --max-new-tokens 6";
  }
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::string model_;
};

std::vector<nlohmann::ordered_json> jsonl(const std::string& text) {
  std::vector<nlohmann::ordered_json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(nlohmann::ordered_json::parse(line));
  return out;
}

TEST_F(CliExtract, TextGivesOneRecordWithTheDocumentedShape) {
  const auto r =
      run_command(extract() + " --text 'Émile visited Zürich.' --types 'location, person'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto recs = jsonl(r.out);
  ASSERT_EQ(recs.size(), 1u);
  const auto& rec = recs[0];
  EXPECT_EQ(rec["id"], "1");
  EXPECT_EQ(rec["text"], "Émile visited Zürich.");
  EXPECT_TRUE(rec["entities"].is_array());
  EXPECT_TRUE(rec["raw"]["location"].is_string());
  EXPECT_TRUE(rec["raw"]["person"].is_string());
  std::string keys;
  for (const auto& [k, v] : rec.items()) keys += k + ",";
  EXPECT_EQ(keys, "id,text,entities,raw,") << "field order as documented";
}

TEST_F(CliExtract, JsonlInputWithPerRecordTypesAndBadRecordsSkipped) {
  TempDir dir;
  const auto input =
      dir.write("in.jsonl",
                "{\"id\": \"x1\", \"text\": \"Paris is big.\", \"types\": [\"city\"]}\n"
                "not json\n"
                "{\"id\": \"x2\", \"text\": \"Bad \xFF byte\"}\n"
                "{\"id\": \"x3\", \"text\": \"Lyon too.\"}\n"
                "{\"id\": \"x4\", \"text\": \"   \"}\n");
  const auto r = run_command(extract() + " --input " + input + " --types country");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto recs = jsonl(r.out);
  ASSERT_EQ(recs.size(), 3u) << r.out;
  EXPECT_EQ(recs[0]["id"], "x1");
  EXPECT_TRUE(recs[0]["raw"].contains("city"));
  EXPECT_EQ(recs[1]["id"], "x3");
  EXPECT_TRUE(recs[1]["raw"].contains("country"));
  EXPECT_EQ(recs[2]["error"], "empty text");
  EXPECT_NE(r.err.find("in.jsonl:2: invalid JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in.jsonl:3: invalid UTF-8"), std::string::npos) << r.err;

  const auto strict = run_command(extract() + " --strict --input " + input + " --types country");
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("in.jsonl:2"), std::string::npos);
}

TEST_F(CliExtract, PlainTextLinesAndByteOffsets) {
  TempDir dir;
  const auto input = dir.write("in.txt", "first passage\n\nsecond passage é\n");
  const auto r = run_command(extract() + " --input " + input + " --types thing --byte-offsets");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto recs = jsonl(r.out);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1]["id"], "3") << "ids are line numbers";
}

TEST_F(CliExtract, ConstrainPassageAnswersOnlyWithPassageText) {
  const std::string text = "Émile Zola lived in Paris. 東京は大都市です。";
  const auto r = run_command(extract() + " --constrain passage --text '" + text +
                             "' --types person,location,city,date");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto recs = jsonl(r.out);
  ASSERT_EQ(recs.size(), 1u);
  for (const auto& [type, answer] : recs[0]["raw"].items()) {
    const auto list = nlohmann::json::parse(answer.get<std::string>());
    ASSERT_TRUE(list.is_array()) << type << ": " << answer;
    for (const auto& item : list) EXPECT_NE(text.find(item.get<std::string>()), std::string::npos);
  }
  for (const auto& e : recs[0]["entities"]) EXPECT_TRUE(e["found"].get<bool>()) << e;
}

TEST_F(CliExtract, BadUsageAndBadModelsExitTwoWithAClearMessage) {
  TempDir dir;
  struct Case {
    std::string args, expect;
  };
  const Case cases[] = {
      {" --text '' --types a", "--text: empty text"},
      {" --text x --types ''", "--types: no entity types"},
      {" --text x --types ' , '", "--types: no entity types"},
      {" --text x --types \"$(printf 'a\\nb')\"", "contains a newline"},
      {" --text \"$(printf 'a\\377')\" --types a", "--text: invalid UTF-8 at byte 1"},
      {" --text x", "--types: no entity types"},
      {" --types a", "give --text, --input or --benchmark"},
      {" --text x --types a --mode fast", "--mode: fast not in {shared,naive}"},
      {" --text x --types a --constrain text", "--constrain: text not in {none,passage}"},
  };
  for (const auto& c : cases) {
    const auto r = run_command(extract() + c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << ": " << r.err;
  }
  const auto quotes =
      run_command(extract() + " --text 'He said \"hi\".' --types '\"quoted\" type'");
  EXPECT_EQ(quotes.exit_code, 0) << "a type with quotes is just text in the question";
  EXPECT_TRUE(jsonl(quotes.out)[0]["raw"].contains("\"quoted\" type"));

  const auto missing =
      run_command(bin() + " extract -m " + dir.file("none.gguf") + " --text x --types a");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("model file not found"), std::string::npos) << missing.err;
  const auto corrupt = dir.write("bad.gguf", "GGUF then garbage that is not a model");
  const auto c = run_command(bin() + " extract -m " + corrupt + " --text x --types a");
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_NE(c.err.find("could not load"), std::string::npos) << c.err;
}

TEST_F(CliExtract, BenchmarkPredictionsScoreWithEval) {
  if (!testing::have_shared_benchmark()) GTEST_SKIP() << "shared benchmark data absent";
  TempDir dir;
  const auto gold = testing::shared_data("universal-ner-benchmark/CrossNER_AI.json");
  const auto pred = dir.file("pred.jsonl");
  const auto x = run_command(extract() + " --benchmark " + shell_quote(gold) + " -o " + pred);
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_NE(x.err.find("wrote 5603 predictions"), std::string::npos) << x.err;
  const auto e =
      run_command(bin() + " eval --json --gold " + shell_quote(gold) + " --pred " + pred);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto report = nlohmann::json::parse(e.out);
  EXPECT_EQ(report["datasets"][0]["records"], 5603);
  EXPECT_EQ(report["datasets"][0]["missing"], 0);
  EXPECT_EQ(report["unknown_predictions"], 0);
  EXPECT_LT(report["average"]["f1"].get<double>(), 0.2) << "a random model scores near 0";
}

TEST_F(CliExtract, InitModelRejectsBadShapes) {
  TempDir dir;
  const auto r = run_command(bin() + " init-model --vocab " + testing::llama_vocab_path() +
                             " --out " + dir.file("x.gguf") + " --dim 30 --heads 4");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("divisible"), std::string::npos) << r.err;
  const auto v = run_command(bin() + " init-model --vocab " + dir.file("none.gguf") + " --out " +
                             dir.file("x.gguf"));
  EXPECT_EQ(v.exit_code, 2);
}

}  // namespace
}  // namespace uniner

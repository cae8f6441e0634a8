// `uniner bench`: outputs, scores equal to `uniner eval`, skipping finished datasets, resuming
// after a kill or a cut file, bad inputs; the real binary and a tiny model made by init-model.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/engine_fixture.h"
#include "support/test_support.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::read_file;
using testing::run_command;
using testing::signal_when;
using testing::start_command;
using testing::TempDir;

// A benchmark file in the original format: one record per (sentence, type).
std::string benchmark_file(const std::string& prefix, int sentences,
                           const std::vector<std::string>& types) {
  json records = json::array();
  int n = 0;
  for (int s = 0; s < sentences; ++s) {
    const std::string text = "Sentence " + std::to_string(s) + ": Ada Lovelace met Charles "
                             "Babbage in London.";
    for (const auto& type : types) {
      const std::string gold = type == "person" ? R"(["Ada Lovelace", "Charles Babbage"])"
                               : type == "city" ? R"(["London"])" : "[]";
      records.push_back(
          {{"id", prefix + std::to_string(n++)},
           {"conversations",
            {{{"from", "human"}, {"value", "Text: " + text}},
             {{"from", "gpt"}, {"value", "I've read this text."}},
             {{"from", "human"}, {"value", "What describes " + type + " in the text?"}},
             {{"from", "gpt"}, {"value", gold}}}}});
    }
  }
  return records.dump(1);
}

std::size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

class CliBench : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    model_ = dir_->file("m.gguf");
    const auto r =
        run_command(bin() + " init-model --vocab " + testing::llama_vocab_path() + " -o " + model_ +
                    " --dim 64 --layers 2 --heads 4 --ff 128 --seed 5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // A repeated type in a passage (the released files have a few) and a dataset the paper covers.
    toy_ = dir_->write("toy.json", benchmark_file("toy_", 12, {"person", "city", "person"}));
    movie_ = dir_->write("mit-movie.json", benchmark_file("movie_", 8, {"actor", "city"}));
    big_ = dir_->write("big.json", benchmark_file("big_", 300, {"person", "city"}));
    domains_ = dir_->write("domains.tsv", "# dataset domain\ntoy\tsocial science\nmit-movie  movies\n");
    whole_ = dir_->file("whole");
    run_ = bench(data() + " --domains " + domains_ + " --out " + whole_);
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string bin() { return testing::uniner_bin(); }
  static std::string data() { return " --data " + toy_ + " " + movie_; }
  static testing::CommandResult bench(const std::string& args, int parallel = 8) {
    return run_command(bin() + " bench -q -t 1 -p " + std::to_string(parallel) + " -m " + model_ +
                       " --max-new-tokens 4 " + args);
  }
  static json report(const std::string& dir) { return json::parse(read_file(dir + "/report.json")); }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::string model_, toy_, movie_, big_, domains_, whole_;
  static inline testing::CommandResult run_;
};

TEST_F(CliBench, WritesPredictionsAndTheThreeReports) {
  EXPECT_EQ(lines(read_file(whole_ + "/toy.pred.jsonl")), 36u);  // every record, repeats too
  EXPECT_EQ(lines(read_file(whole_ + "/mit-movie.pred.jsonl")), 16u);
  const json j = report(whole_);
  ASSERT_EQ(j["datasets"].size(), 2u);
  EXPECT_EQ(j["datasets"][0]["name"], "toy");
  EXPECT_EQ(j["datasets"][0]["records"], 36);
  EXPECT_EQ(j["datasets"][0]["passages"], 12);
  EXPECT_EQ(j["datasets"][0]["domain"], "social science");
  EXPECT_EQ(j["datasets"][0]["status"], "run");
  EXPECT_TRUE(j["datasets"][0]["published_f1"].is_null());
  EXPECT_DOUBLE_EQ(j["datasets"][1]["published_f1"].get<double>(), 0.424);
  EXPECT_EQ(j["settings"]["max_new_tokens"], 4);
  EXPECT_EQ(j["settings"]["parallel"], 8);
  EXPECT_EQ(j["settings"]["metric_parser"], "official");
  EXPECT_EQ(j["model"]["path"], model_);
  EXPECT_EQ(j["model"]["size_bytes"], fs::file_size(model_));
  EXPECT_EQ(j["model"]["template"]["separator"], "</s>");
  EXPECT_FALSE(j["model"]["template"]["system"].get<std::string>().empty());
  EXPECT_GT(j["model"]["trained_context"].get<int>(), 0);
  EXPECT_FALSE(j["model"]["description"].get<std::string>().empty());
  ASSERT_EQ(j["domains"].size(), 2u);
  EXPECT_EQ(j["domains"][1]["domain"], "movies");
  EXPECT_EQ(j["published"]["datasets"], json::array({"mit-movie"}));

  const std::string md = read_file(whole_ + "/report.md");
  EXPECT_NE(md.find("| toy | social science | 36 | 12 |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Domains"), std::string::npos);
  EXPECT_EQ(run_.out, md);  // the report is also printed
  const std::string svg = read_file(whole_ + "/report.svg");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find(">mit-movie</text>"), std::string::npos);
  EXPECT_NE(svg.find(">domain: social science</text>"), std::string::npos);
  EXPECT_NE(svg.find("UniNER-7B, published"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST_F(CliBench, ScoresEqualUninerEvalOnTheSamePredictions) {
  const json j = report(whole_);
  const std::string both = dir_->write("both.jsonl", read_file(whole_ + "/toy.pred.jsonl") +
                                                         read_file(whole_ + "/mit-movie.pred.jsonl"));
  const auto e = run_command(bin() + " eval --json --gold " + toy_ + " " + movie_ + " --pred " + both);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const json ev = json::parse(e.out);
  for (std::size_t i = 0; i < 2; ++i) {
    for (const char* k : {"precision", "recall", "f1"}) {
      EXPECT_EQ(j["datasets"][i][k].get<double>(), ev["datasets"][i][k].get<double>()) << k;
    }
    EXPECT_EQ(j["datasets"][i]["missing"], ev["datasets"][i]["missing"]);
  }
  for (const char* k : {"precision", "recall", "f1"}) {
    EXPECT_EQ(j["average"][k].get<double>(), ev["average"][k].get<double>()) << k;
    // one dataset per domain: its average is its score
    EXPECT_EQ(j["domains"][0][k].get<double>(), ev["datasets"][0][k].get<double>()) << k;
  }
}

TEST_F(CliBench, AFinishedDatasetIsSkippedOnReRun) {
  TempDir dir;
  const std::string out = dir.file("out");
  ASSERT_EQ(bench(data() + " --out " + out).exit_code, 0);
  const auto before = fs::last_write_time(out + "/toy.pred.jsonl");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto again = bench(data() + " --out " + out);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("toy: complete (36 records"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("skipped"), std::string::npos) << again.err;
  EXPECT_EQ(fs::last_write_time(out + "/toy.pred.jsonl"), before);
  EXPECT_EQ(report(out)["datasets"][0]["status"], "skipped");
  EXPECT_EQ(report(out)["datasets"][0]["f1"], report(whole_)["datasets"][0]["f1"]);
  EXPECT_EQ(report(out)["tokens_generated"], 0);
}

TEST_F(CliBench, APredictionsFileCutMidwayResumesToTheSameFile) {
  TempDir dir;
  const std::string out = dir.file("out");
  fs::create_directories(out);
  const std::string whole = read_file(whole_ + "/toy.pred.jsonl");
  // 17 lines and half of the 18th: passage 5 of 12 is partly written and its last line torn
  dir.write("out/toy.pred.jsonl", whole.substr(0, whole.find("toy_17") + 10));
  const auto r = bench(data() + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("toy: removed an incomplete last passage"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("toy: resuming after 15 of 36 records"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(out + "/toy.pred.jsonl"), whole);
  EXPECT_EQ(read_file(out + "/mit-movie.pred.jsonl"), read_file(whole_ + "/mit-movie.pred.jsonl"));
  EXPECT_EQ(report(out)["datasets"][0]["status"], "resumed");
  EXPECT_EQ(report(out)["average"], report(whole_)["average"]);
}

TEST_F(CliBench, KilledMidRunThenRerunEqualsTheUninterruptedRun) {
  TempDir dir;
  const auto ref = bench("--data " + big_ + " --out " + dir.file("ref"));
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  const std::string expected = read_file(dir.file("ref/big.pred.jsonl"));
  ASSERT_EQ(lines(expected), 600u);

  const std::string out = dir.file("out"), pred = out + "/big.pred.jsonl";
  const pid_t pid = start_command(bin() + " bench -q -t 1 -p 8 -m " + model_ +
                                  " --max-new-tokens 4 --data " + big_ + " --out " + out +
                                  " 2>/dev/null");
  ASSERT_GE(pid, 0);
  ASSERT_TRUE(signal_when(pid, [&] { return lines(read_file(pred)) >= 1; }, SIGKILL))
      << "bench ended before writing a prediction";
  const std::size_t cut = lines(read_file(pred));
  ASSERT_LT(cut, 600u) << "the run finished before the kill";
  EXPECT_FALSE(fs::exists(out + "/report.json"));

  const auto again = bench("--data " + big_ + " --out " + out);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("big: resuming after"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(pred), expected);
  EXPECT_EQ(report(out)["datasets"][0]["f1"], report(dir.file("ref"))["datasets"][0]["f1"]);
}

TEST_F(CliBench, BadInputsExit2NamingTheFile) {
  TempDir dir;
  const auto missing = bench("--data " + dir.file("nope.json") + " --out " + dir.file("o"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;

  const std::string wrong = dir.write("train.json", R"([{"id": "1", "conversations": [
    {"from": "human", "value": "Hello"}, {"from": "gpt", "value": "Hi"}]}])");
  const auto not_bench = bench(data() + " --data " + wrong + " --out " + dir.file("o"));
  EXPECT_EQ(not_bench.exit_code, 2);
  EXPECT_NE(not_bench.err.find("train.json"), std::string::npos) << not_bench.err;
  EXPECT_FALSE(fs::exists(dir.file("o/toy.pred.jsonl")));  // nothing ran

  const std::string lines_file = dir.write("pred.jsonl", "{\"id\": \"x\"}\n");
  const auto jsonl = bench("--data " + lines_file + " --out " + dir.file("o"));
  EXPECT_EQ(jsonl.exit_code, 2);
  EXPECT_NE(jsonl.err.find("pred.jsonl"), std::string::npos) << jsonl.err;

  const std::string map = dir.write("map.txt", "toy social\nmit-movie\n");
  const auto bad_map = bench(data() + " --domains " + map + " --out " + dir.file("o"));
  EXPECT_EQ(bad_map.exit_code, 2);
  EXPECT_NE(bad_map.err.find("map.txt:2:"), std::string::npos) << bad_map.err;

  const std::string file = dir.write("a-file", "x");
  const auto out_file = bench(data() + " --out " + file);
  EXPECT_EQ(out_file.exit_code, 2);
  EXPECT_NE(out_file.err.find("a-file: is not a folder"), std::string::npos) << out_file.err;

  // a predictions file of another dataset is left alone
  fs::create_directories(dir.file("p"));
  fs::copy_file(whole_ + "/mit-movie.pred.jsonl", dir.file("p/toy.pred.jsonl"));
  const auto other = bench(data() + " --out " + dir.file("p"));
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("toy.pred.jsonl:1:"), std::string::npos) << other.err;
  EXPECT_EQ(read_file(dir.file("p/toy.pred.jsonl")), read_file(whole_ + "/mit-movie.pred.jsonl"));
}

TEST_F(CliBench, OnARealBenchmarkFile) {
  if (!testing::have_shared_benchmark()) {
    GTEST_SKIP() << "no shared benchmark files at " << testing::shared_data("universal-ner-benchmark");
  }
  TempDir dir;
  const std::string gold = testing::shared_data("universal-ner-benchmark/CrossNER_literature.json");
  const auto r = bench("--data " + gold + " --out " + dir.file("o"), 32);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = report(dir.file("o"));
  const auto e = run_command(bin() + " eval --json --gold " + gold + " --pred " +
                             dir.file("o/CrossNER_literature.pred.jsonl"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const json ev = json::parse(e.out);
  EXPECT_EQ(ev["datasets"][0]["missing"], 0);
  EXPECT_EQ(j["datasets"][0]["records"], ev["datasets"][0]["records"]);
  EXPECT_EQ(j["datasets"][0]["f1"], ev["datasets"][0]["f1"]);
  EXPECT_DOUBLE_EQ(j["datasets"][0]["published_f1"].get<double>(), 0.594);
}

}  // namespace
}  // namespace uniner

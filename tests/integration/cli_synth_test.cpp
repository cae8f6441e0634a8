// `uniner synth` as a user meets it: its four files, and the offline pipeline it exists for:
// synth -> uniner-fake-openai --answers teacher.jsonl -> uniner annotate -> uniner build-data.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/test_support.h"
#include "uniner/format/labeled_data.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using nlohmann::json;
using testing::read_file;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

const std::string kBin = testing::uniner_bin();
const char* kFiles[] = {"passages.jsonl", "gold.jsonl", "teacher.jsonl", "benchmark.json"};

testing::CommandResult synth(const std::string& dir, const std::string& args) {
  return run_command(kBin + " synth --out-dir " + shell_quote(dir) + " " + args);
}

std::vector<json> read_lines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

// The distinct entity strings of each type of a gold record, in order of first mention.
std::map<std::string, std::vector<std::string>> gold_by_type(const json& gold) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& e : gold["entities"]) {
    auto& list = out[e["type"].get<std::string>()];
    const auto text = e["text"].get<std::string>();
    if (std::find(list.begin(), list.end(), text) == list.end()) list.push_back(text);
  }
  return out;
}

TEST(CliSynth, SameSeedSameFilesAndTheFormatsAreRead) {
  TempDir dir;
  const std::string a = dir.file("a"), b = dir.file("b"), c = dir.file("c");
  const std::string args = "--passages 60 --split heldout --seed 17 --noise-missed 0.1 "
                           "--noise-wrong-type 0.1 --noise-invented 0.1 --noise-format 0.2";
  auto r = synth(a, args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("60 passages"), std::string::npos) << r.err;
  ASSERT_EQ(synth(b, args).exit_code, 0);
  ASSERT_EQ(synth(c, "--passages 60 --split heldout --seed 18").exit_code, 0);
  for (const char* f : kFiles) {
    EXPECT_EQ(read_file(a + "/" + f), read_file(b + "/" + f)) << f;
    EXPECT_NE(read_file(a + "/" + f), read_file(c + "/" + f)) << f;
  }

  // passages.jsonl and teacher.jsonl: the same passages, in order.
  const auto passages = read_lines(a + "/passages.jsonl");
  const auto teacher = read_lines(a + "/teacher.jsonl");
  const auto gold = read_lines(a + "/gold.jsonl");
  ASSERT_EQ(passages.size(), 60u);
  ASSERT_EQ(teacher.size(), 60u);
  ASSERT_EQ(gold.size(), 60u);
  for (std::size_t i = 0; i < passages.size(); ++i) {
    EXPECT_EQ(passages[i]["id"], "heldout_" + std::to_string(i));
    EXPECT_EQ(passages[i]["text"], teacher[i]["text"]);
    EXPECT_EQ(passages[i]["text"], gold[i]["text"]);
    EXPECT_TRUE(teacher[i]["answer"].is_string());
  }

  // gold.jsonl is spans JSON Lines (what `uniner convert` reads): offsets in code points.
  const auto spans = read_spans_jsonl(a + "/gold.jsonl", /*strict=*/true);
  ASSERT_EQ(spans.size(), 60u);
  std::size_t mentions = 0, records = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    ASSERT_EQ(spans[i].entities.size(), gold[i]["entities"].size());
    for (std::size_t k = 0; k < spans[i].entities.size(); ++k) {
      EXPECT_EQ(spans[i].entities[k].text, gold[i]["entities"][k]["text"]);
    }
    mentions += spans[i].entities.size();
    records += gold_by_type(gold[i]).size() + 2;  // the types present, 2 absent ones
  }

  // benchmark.json: the original format, one record per (passage, type).
  const auto bench = read_benchmark(a + "/benchmark.json");
  EXPECT_EQ(bench.size(), records);
  std::size_t negatives = 0;
  for (const auto& rec : bench) {
    const std::size_t i = std::stoul(rec.id.substr(std::string("heldout_").size()));
    ASSERT_LT(i, gold.size());
    EXPECT_EQ(rec.text, gold[i]["text"]);
    std::vector<std::string> expected;
    for (const auto& e : gold[i]["entities"])
      if (e["type"] == rec.type) expected.push_back(e["text"]);
    EXPECT_EQ(json::parse(rec.gold).get<std::vector<std::string>>(), expected) << rec.id;
    negatives += expected.empty();
  }
  EXPECT_EQ(negatives, 2 * 60u);
  EXPECT_GT(mentions, 100u);

  // uniner eval scores the gold answers as predictions 100%.
  {
    auto out = open_output(dir.file("pred.jsonl"));
    for (const auto& rec : bench) write_prediction(*out, rec.id, rec.gold);
  }
  r = run_command(kBin + " eval --json --gold " + shell_quote(a + "/benchmark.json") +
                  " --pred " + shell_quote(dir.file("pred.jsonl")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(json::parse(r.out)["average"]["f1"].get<double>(), 1.0, 1e-9) << r.out;
}

TEST(CliSynth, ExistingFilesAreKeptUnlessOverwrite) {
  TempDir dir;
  const std::string out = dir.file("world");
  ASSERT_EQ(synth(out, "--passages 5 --seed 1").exit_code, 0);
  const std::string before = read_file(out + "/gold.jsonl");
  auto r = synth(out, "--passages 9 --seed 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("passages.jsonl: already exists"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(out + "/gold.jsonl"), before);
  r = synth(out, "--passages 9 --seed 2 --overwrite");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(out + "/gold.jsonl"), before);
  EXPECT_EQ(read_lines(out + "/gold.jsonl").size(), 9u);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(out)) {
    ++files;
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  EXPECT_EQ(files, 4u) << "no temporary file left behind";

  r = synth(dir.file("bad"), "--passages 5 --noise-missed 1.5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--noise-missed"), std::string::npos) << r.err;
  r = synth(dir.file("bad"), "--passages 5 --split test");
  EXPECT_EQ(r.exit_code, 2);
}

// The fake teacher started as a program, as scripts and the demo use it; stopped by the
// destructor.
class FakeTeacher {
 public:
  FakeTeacher(const TempDir& dir, const std::string& answers) {
    const std::string url_file = dir.file("url.txt");
    const auto r = run_command(std::string(UNINER_FAKE_OPENAI) + " --answers " +
                               shell_quote(answers) + " >" + shell_quote(url_file) +
                               " 2>/dev/null & echo $!");
    pid_ = std::stoi(r.out);
    for (int i = 0; i < 200 && url_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      url_ = read_file(url_file);
      if (!url_.empty() && url_.back() != '\n') url_.clear();  // not all written yet
    }
    while (!url_.empty() && url_.back() == '\n') url_.pop_back();
  }
  ~FakeTeacher() { ::kill(pid_, SIGTERM); }
  const std::string& url() const { return url_; }

 private:
  int pid_ = -1;
  std::string url_;
};

TEST(CliSynth, AnnotateThroughTheFakeTeacherThenBuildDataGivesTheGold) {
  TempDir dir;
  const std::string world = dir.file("world");
  ASSERT_EQ(synth(world, "--passages 40 --seed 5").exit_code, 0);
  FakeTeacher teacher(dir, world + "/teacher.jsonl");
  ASSERT_FALSE(teacher.url().empty()) << "uniner-fake-openai did not start";

  const std::string annotations = dir.file("annotations.jsonl"), train = dir.file("train.json");
  auto r = run_command(kBin + " annotate --input " + shell_quote(world + "/passages.jsonl") +
                       " --output " + shell_quote(annotations) + " --base-url " + teacher.url() +
                       " --model fake");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto gold = read_lines(world + "/gold.jsonl");
  const auto answers = read_lines(world + "/teacher.jsonl");
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < gold.size(); ++i) index[gold[i]["id"]] = i;
  const auto records = read_lines(annotations);
  ASSERT_EQ(records.size(), gold.size());
  for (const auto& rec : records) {
    const std::size_t i = index.at(rec["id"]);
    EXPECT_EQ(rec["status"], "ok") << rec.dump();
    // The server found the passage in the prompt, byte for byte: it answered with its fixture.
    EXPECT_EQ(rec["raw"], answers[i]["answer"]) << rec.dump();
    EXPECT_EQ(rec["text"], gold[i]["text"]);
  }

  r = run_command(kBin + " build-data -q --negatives none --input " + shell_quote(annotations) +
                  " --output " + shell_quote(train));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t conversations = 0;
  read_conversations(train, [&](ConversationRecord&& c, std::size_t) {
    ++conversations;
    const json& g = gold[index.at(c.id)];
    ASSERT_EQ(c.conversations.size() % 2, 0u);
    EXPECT_EQ(c.conversations[0].value, "Text: " + g["text"].get<std::string>());
    std::map<std::string, std::vector<std::string>> asked;
    for (std::size_t t = 2; t + 1 < c.conversations.size(); t += 2) {
      const std::string q = c.conversations[t].value;
      const std::string type = q.substr(std::string("What describes ").size(),
                                        q.size() - std::string("What describes  in the text?").size());
      asked[type] = json::parse(c.conversations[t + 1].value).get<std::vector<std::string>>();
    }
    EXPECT_EQ(asked, gold_by_type(g)) << c.id;
  });
  EXPECT_EQ(conversations, gold.size());
}

}  // namespace
}  // namespace uniner

// `uniner passages`, `stats`, `build-data` and `convert` as a user meets them: the real binary,
// real files, the real LLaMA vocabulary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "support/test_support.h"
#include "uniner/engine/vocab.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using nlohmann::json;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

const std::string kBin = testing::uniner_bin();
const std::string kVocab = UNINER_LLAMA_VOCAB;

std::vector<json> jsonl_of(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

// A corpus with sentences of varied length, some repeated documents, and non-ASCII text.
std::string corpus_jsonl() {
  const std::vector<std::string> sentences = {
      "The Pile is an 825 GiB English text corpus built from 22 smaller datasets.",
      "Marie Sk\xC5\x82odowska-Curie was born in Warsaw and worked in Paris.",
      "Aspirin, also known as acetylsalicylic acid, is used to reduce pain, fever, or "
      "inflammation.",
      "In 1969 Apollo 11 landed on the Moon; Neil Armstrong stepped out first!",
      "Is this the real life? Is this just fantasy?",
      "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAF\xE6\x97\xA5\xE6\x9C\xAC\xE3\x81\xAE\xE9\xA6\x96\xE9\x83"
      "\xBD\xE3\x81\xA7\xE3\x81\x99\xE3\x80\x82",
  };
  std::string out;
  std::mt19937 gen(7);  // the same sequence on every platform
  for (int d = 0; d < 40; ++d) {
    std::string doc;
    for (int s = 0; s < 10 + d * 3; ++s) doc += sentences[gen() % sentences.size()] + " ";
    out += json{{"text", doc}, {"meta", d}}.dump() + "\n";
    if (d % 10 == 0) out += json{{"text", doc}}.dump() + "\n";  // a duplicate document
  }
  return out;
}

TEST(CliPassages, RealVocabularyLimitsDedupAndSample) {
  if (!std::filesystem::exists(kVocab)) GTEST_SKIP() << "LLaMA vocabulary absent: " << kVocab;
  TempDir dir;
  const auto corpus = dir.write("corpus.jsonl", corpus_jsonl());
  const auto r = run_command(kBin + " passages --input " + corpus + " --vocab " + kVocab +
                             " --max-tokens 64 --output " + dir.file("p.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("passages: 44 documents"), std::string::npos) << r.err;
  const auto rows = jsonl_of(testing::read_file(dir.file("p.jsonl")));
  ASSERT_GT(rows.size(), 20u);
  const Vocab vocab = Vocab::load(kVocab);
  std::set<std::string> texts;
  for (const auto& row : rows) {
    const auto text = row["text"].get<std::string>();
    EXPECT_LE(vocab.count_tokens(text), 64u) << text;
    EXPECT_TRUE(texts.insert(text).second) << "duplicate: " << text;
    const char last = text.back();
    EXPECT_TRUE(last == '.' || last == '!' || last == '?' || text.ends_with("\xE3\x80\x82"))
        << "not cut at a sentence end: " << text;
  }
  // the sample: reproducible, a subset, sized
  const std::string sample_cmd = kBin + " passages --input - --format jsonl --vocab " + kVocab +
                                 " --max-tokens 64 --sample 7 --seed 5 < " + corpus;
  const auto s1 = run_command(sample_cmd), s2 = run_command(sample_cmd);
  ASSERT_EQ(s1.exit_code, 0) << s1.err;
  EXPECT_EQ(s1.out, s2.out);
  const auto sampled = jsonl_of(s1.out);
  ASSERT_EQ(sampled.size(), 7u);
  for (const auto& row : sampled) EXPECT_TRUE(texts.count(row["text"].get<std::string>()));
}

TEST(CliPassages, BadInputAndBadRecords) {
  if (!std::filesystem::exists(kVocab)) GTEST_SKIP() << "LLaMA vocabulary absent";
  TempDir dir;
  const auto corpus =
      dir.write("c.jsonl", "{\"text\": \"Fine.\"}\n{\"text\": 3}\n{\"text\": \"Also fine.\"}\n");
  const auto ok = run_command(kBin + " passages --input " + corpus + " --vocab " + kVocab);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(jsonl_of(ok.out).size(), 2u);
  EXPECT_NE(
      ok.err.find(std::string("uniner: warning: ") + corpus + ":2: missing string field 'text'"),
      std::string::npos)
      << ok.err;
  const auto strict =
      run_command(kBin + " passages --strict --input " + corpus + " --vocab " + kVocab);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find(corpus + ":2: missing string field 'text'"), std::string::npos);
  const auto no_vocab =
      run_command(kBin + " passages --input " + corpus + " --vocab /nonexistent.gguf");
  EXPECT_EQ(no_vocab.exit_code, 2);
  EXPECT_NE(no_vocab.err.find("/nonexistent.gguf"), std::string::npos);
  EXPECT_EQ(
      run_command(kBin + " passages --input " + dir.file("none") + " --vocab " + kVocab).exit_code,
      2);
  EXPECT_EQ(
      run_command(kBin + " passages --input " + corpus + " --vocab " + kVocab + " --max-tokens 0")
          .exit_code,
      2);
}

std::string annotations() {
  return R"({"id": "a1", "text": "Marie Curie was born in Warsaw and died in Passy, France.", "entities": [["Marie Curie", "Person"], ["Warsaw", "City"], ["Passy", "city"], ["France", "country"], ["Warsaw", "city"]], "status": "ok"}
{"id": "a2", "text": "Aspirin reduces fever.", "entities": [["Aspirin", "drug"], ["fever", "medical condition"]], "status": "parse_error"}
{"id": "a3", "text": "Timeout.", "status": "failed", "error": "HTTP 504"}
{"id": "a4", "text": "Paris is in France.", "entities": [["Paris", "city"], ["France", "country"], ["Lyon", "city"]], "status": "ok"}
{"id": "a5", "text": "Bob sold shares of Acme.", "entities": [["Bob", "person"], ["Acme", "organization"]]}
)";
}

TEST(CliBuildData, WritesTheOriginalFormatReadableByStatsAndEval) {
  TempDir dir;
  const auto in = dir.write("ann.jsonl", annotations());
  const auto r =
      run_command(kBin + " build-data --input " + in + " --output " + dir.file("train.json") +
                  " --negatives frequency --neg-per-passage 2 --seed 1 --drop-unfound");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 failed skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4 train + 0 dev"), std::string::npos) << r.err;
  std::vector<ConversationRecord> records;
  read_conversations(dir.file("train.json"),
                     [&](ConversationRecord&& c, std::size_t) { records.push_back(std::move(c)); });
  ASSERT_EQ(records.size(), 4u);
  const auto& a1 = records[0].conversations;
  EXPECT_EQ(records[0].id, "a1");
  EXPECT_EQ(a1[0].value, "Text: Marie Curie was born in Warsaw and died in Passy, France.");
  EXPECT_EQ(a1[1].value, "I've read this text.");
  EXPECT_EQ(a1[2].value, "What describes person in the text?");
  EXPECT_EQ(a1[3].value, "[\"Marie Curie\"]");
  EXPECT_EQ(a1[4].value, "What describes city in the text?");
  EXPECT_EQ(a1[5].value, "[\"Warsaw\", \"Passy\"]");
  EXPECT_EQ(a1.size(), 2u + 2 * (3 + 2));  // three positives, two negatives
  for (std::size_t i = 8; i < a1.size(); i += 2) {
    EXPECT_EQ(a1[i].from, "human");
    EXPECT_EQ(a1[i + 1].value, "[]");
  }
  EXPECT_EQ(records[2].conversations[3].value, "[\"Paris\"]");  // Lyon is not in the text

  const auto stats = run_command(kBin + " stats -i " + dir.file("train.json") + " --json");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const auto s = json::parse(stats.out);
  EXPECT_EQ(s["kind"], "instructions");
  EXPECT_EQ(s["passages"], 4);
  EXPECT_EQ(s["negative_queries"], 8);
  EXPECT_EQ(s["mentions"], 10);

  // JSON Lines with a dev split, from stdin
  const auto j =
      run_command(kBin + " build-data --input - --jsonl --dev-fraction 0.25 --dev-output " +
                  dir.file("dev.jsonl") + " --negatives none < " + in);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(jsonl_of(j.out).size(), 3u);
  EXPECT_EQ(jsonl_of(testing::read_file(dir.file("dev.jsonl"))).size(), 1u);
}

TEST(CliBuildData, OneBadRecordWarnsUnlessStrictAndBadUsageExitsTwo) {
  TempDir dir;
  const auto in = dir.write(
      "ann.jsonl", annotations() + "{\"id\": \"a6\", \"text\": \"x\", \"entities\": [[\"x\"]]}\n");
  const auto r = run_command(kBin + " build-data --input " + in + " --negatives none");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      r.err.find(std::string("uniner: warning: ") + in + ":6: record a6: entities[0] is not an"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 4u);
  const auto strict = run_command(kBin + " build-data --strict --input " + in);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find(std::string("uniner: error: ") + in + ":6: record a6"),
            std::string::npos)
      << strict.err;
  EXPECT_EQ(run_command(kBin + " build-data --input " + in + " --negatives zipf").exit_code, 2);
  EXPECT_EQ(run_command(kBin + " build-data --input " + in + " --dev-fraction 0.1").exit_code, 2);
  EXPECT_EQ(run_command(kBin + " build-data --input " + dir.file("missing.jsonl")).exit_code, 2);
  const auto not_json = run_command(kBin + " stats -i " + dir.write("x.json", "[{\"id\": 1,"));
  EXPECT_EQ(not_json.exit_code, 2);
  EXPECT_NE(not_json.err.find("x.json:1: invalid JSON"), std::string::npos) << not_json.err;
}

TEST(CliStats, TierTableOnAnnotations) {
  TempDir dir;
  const auto in = dir.write("ann.jsonl", annotations());
  const auto r = run_command(kBin + " stats -i " + in);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("passages"), std::string::npos);
  EXPECT_NE(r.out.find("skipped: failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("top 1%"), std::string::npos);
  const auto j = json::parse(run_command(kBin + " stats --input " + in + " --json").out);
  EXPECT_EQ(j["passages"], 4);
  EXPECT_EQ(j["mentions"], 12);
  EXPECT_EQ(j["distinct_types"], 6);
  EXPECT_EQ(j["top_types"][0]["type"], "city");
}

TEST(CliConvert, ConllToBenchmarkScoresOneWithGoldAsPredictions) {
  TempDir dir;
  const auto in = dir.write("toy.conll",
                            "-DOCSTART- O\n\nEU B-ORG\nrejects O\nGerman B-MISC\nlamb O\n\n"
                            "Peter B-PER\nBlackburn I-PER\nvisited O\nLondon B-LOC\n\n");
  const auto map = dir.write(
      "map.txt", "PER -> person\nLOC -> location\nORG -> organization\nMISC -> miscellaneous\n");
  const auto r =
      run_command(kBin + " convert --input " + in + " --label-map " + map + " --output " +
                  dir.file("train.json") + " --benchmark-output " + dir.file("bench.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 sentences, 4 entities, 4 types"), std::string::npos) << r.err;
  const auto bench = read_benchmark(dir.file("bench.json"));
  ASSERT_EQ(bench.size(), 8u);
  EXPECT_EQ(bench[0].id, "toy_0");
  EXPECT_EQ(bench[6].type, "person");
  EXPECT_EQ(bench[6].gold, "[\"Peter Blackburn\"]");
  std::string pred;
  for (const auto& b : bench) pred += json{{"id", b.id}, {"prediction", b.gold}}.dump() + "\n";
  const auto p = dir.write("pred.jsonl", pred);
  const auto e =
      run_command(kBin + " eval --gold " + dir.file("bench.json") + " --pred " + p + " --json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NEAR(json::parse(e.out)["average"]["f1"].get<double>(), 1.0, 1e-6);

  // bad input: file:line: reason, exit 2 when strict; a warning otherwise
  const auto bad = dir.write("bad.conll", "Good B-PER\n\nBad B-\n");
  const auto strict = run_command(kBin + " convert --strict --input " + bad);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find(bad + ":3: bad tag 'B-'"), std::string::npos) << strict.err;
  const auto lenient = run_command(kBin + " convert --input " + bad);
  EXPECT_EQ(lenient.exit_code, 0);
  EXPECT_NE(lenient.err.find(std::string("uniner: warning: ") + bad + ":3: bad tag"),
            std::string::npos);
  EXPECT_EQ(json::parse(lenient.out).size(), 1u);
  const auto bad_map = dir.write("bad.map", "PER person\n");
  const auto m = run_command(kBin + " convert --input " + in + " --label-map " + bad_map);
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_NE(m.err.find(bad_map + ":1: expected 'LABEL -> type'"), std::string::npos);
}

// Issue 11: array records were never reported (`stats --strict` exited 0); a number overflowing
// a double ended build-data with exit 1 and an empty output.
TEST(CliData, ArrayRecordsAndNumberOverflowAreBadRecords) {
  TempDir dir;
  const auto arrays = dir.write("a.json", "[\n[[\"x\"], [1, 2]]\n]");
  const auto strict = run_command(kBin + " stats --strict -i " + arrays);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("a.json:2: record 0: expected an object"), std::string::npos)
      << strict.err;
  const auto lenient = run_command(kBin + " stats -i " + arrays);
  EXPECT_EQ(lenient.exit_code, 0) << lenient.err;
  EXPECT_NE(lenient.err.find("a.json:2: record 0: expected an object"), std::string::npos)
      << lenient.err;

  const auto in = dir.write("ann.jsonl", annotations() + "{\"id\": 1e999, \"text\": \"x\"}\n");
  const auto r = run_command(kBin + " build-data --input " + in + " --negatives none");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(in + ":6: invalid JSON"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 4u);
  const auto s = run_command(kBin + " build-data --strict --input " + in + " --negatives none");
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find(in + ":6: invalid JSON"), std::string::npos) << s.err;
}
}  // namespace
}  // namespace uniner

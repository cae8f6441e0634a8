#include "uniner/data/supervised_data.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"
#include "uniner/data/label_map.h"
#include "uniner/data/labeled_data.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using testing::TempDir;

std::vector<TokenSpan> decode(const std::vector<std::string>& tags) {
  std::vector<BioTag> parsed;
  for (const auto& t : tags) {
    BioTag b;
    EXPECT_TRUE(parse_bio_tag(t, b)) << t;
    parsed.push_back(b);
  }
  return decode_bio(parsed);
}

std::string spans_str(const std::vector<TokenSpan>& spans) {
  std::string s;
  for (const auto& x : spans)
    s += x.type + "[" + std::to_string(x.begin) + "," + std::to_string(x.end) + ") ";
  return s;
}

TEST(Bio, BioIob1BioesAndIo) {
  // BIO
  EXPECT_EQ(spans_str(decode({"B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"})),
            "PER[0,2) LOC[3,4) LOC[4,6) ");
  // IOB1: I- starts an entity unless it continues one; B- only separates neighbours
  EXPECT_EQ(spans_str(decode({"I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"})),
            "PER[0,2) PER[2,3) LOC[4,5) ORG[5,6) ");
  // BIOES / BILOU
  EXPECT_EQ(spans_str(decode({"S-PER", "B-LOC", "I-LOC", "E-LOC", "U-ORG", "B-X", "L-X", "I-X"})),
            "PER[0,1) LOC[1,4) ORG[4,5) X[5,7) X[7,8) ");
  // IO: bare labels
  EXPECT_EQ(spans_str(decode({"person", "person", "O", "city"})), "person[0,2) city[3,4) ");
  BioTag t;
  EXPECT_FALSE(parse_bio_tag("B-", t));
  EXPECT_FALSE(parse_bio_tag("", t));
}

const char* kConll =
    "-DOCSTART- -X- -X- O\n"
    "\n"
    "EU NNP B-NP B-ORG\n"
    "rejects VBZ B-VP O\n"
    "German JJ B-NP B-MISC\n"
    "call NN I-NP O\n"
    "to TO B-VP O\n"
    "boycott VB I-VP O\n"
    "British JJ B-NP B-MISC\n"
    "lamb NN I-NP O\n"
    ". . O O\n"
    "\n"
    "Peter NNP B-NP B-PER\n"
    "Blackburn NNP I-NP I-PER\n"
    "\n"
    "\n"
    "Caf\xC3\xA9 NNP B-NP I-LOC\n"
    "Z\xC3\xBCrich NNP I-NP I-LOC\n"
    "and CC O O\n"
    "Peter NNP B-NP I-PER\n"
    "and CC O O\n"
    "Peter NNP B-NP I-PER\n";

TEST(Conll, ReadsSentencesWithOffsetsInCodePoints) {
  TempDir dir;
  const auto s = read_conll(dir.write("a.conll", kConll), {});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].text, "EU rejects German call to boycott British lamb .");
  ASSERT_EQ(s[0].entities.size(), 3u);
  EXPECT_EQ(s[0].entities[1].text, "German");
  EXPECT_EQ(s[0].entities[1].type, "MISC");
  EXPECT_EQ(s[0].entities[1].start, 11u);
  EXPECT_EQ(s[0].entities[1].end, 17u);
  EXPECT_EQ(s[0].line, 3u);
  EXPECT_EQ(s[1].entities.at(0).text, "Peter Blackburn");
  EXPECT_EQ(s[2].text, "Caf\xC3\xA9 Z\xC3\xBCrich and Peter and Peter");
  ASSERT_EQ(s[2].entities.size(), 3u);
  EXPECT_EQ(s[2].entities[0].text, "Caf\xC3\xA9 Z\xC3\xBCrich");
  EXPECT_EQ(s[2].entities[0].end, 11u);  // code points, not bytes
  EXPECT_EQ(s[2].entities[1].start, 16u);
  // another column: the chunk tags
  const auto chunks = read_conll(dir.file("a.conll"), {/*column=*/2});
  EXPECT_EQ(chunks[0].entities.at(0).type, "NP");
}

TEST(Conll, BadSentencesAreSkippedWithFileAndLine) {
  TempDir dir;
  const auto path =
      dir.write("bad.conll", "Good B-PER\n\nOne O\nTwo\nThree O\n\nBad Q-\n\nLast B-LOC\n");
  std::vector<std::string> warnings;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) { warnings.push_back(w); };
  std::size_t bad = 0;
  const auto s = read_conll(path, {}, cb, &bad);
  ASSERT_EQ(s.size(), 3u);  // "Q-" is a bare (IO) label, not an error
  EXPECT_EQ(bad, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("bad.conll:4: expected a token and a tag"), std::string::npos)
      << warnings[0];
  ConllOptions strict;
  strict.strict = true;
  EXPECT_THROW(read_conll(path, strict), InputError);
  const auto tagless = dir.write("t.conll", "A B-\n");
  try {
    read_conll(tagless, strict);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.conll:1: bad tag 'B-'"), std::string::npos);
  }
}

TEST(Spans, ReadsCodePointOffsets) {
  TempDir dir;
  const auto path = dir.write(
      "s.jsonl",
      "{\"id\": \"x\", \"text\": \"\xC3\x89mile lives in Z\xC3\xBCrich.\", \"entities\": "
      "[{\"start\": 15, \"end\": 21, \"type\": \"city\"}, {\"start\": 0, \"end\": 5, \"type\": "
      "\"person\"}]}\n"
      "{\"text\": \"short\", \"entities\": [{\"start\": 3, \"end\": 9, \"type\": \"x\"}]}\n");
  std::vector<std::string> warnings;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto s = read_spans_jsonl(path, false, cb);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].id, "x");
  ASSERT_EQ(s[0].entities.size(), 2u);
  EXPECT_EQ(s[0].entities[0].text, "\xC3\x89mile");
  EXPECT_EQ(s[0].entities[1].text, "Z\xC3\xBCrich");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("s.jsonl:2: entities[0]: span [3, 9) is empty or outside"),
            std::string::npos)
      << warnings[0];
}

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
  const auto in = dir.write("sample.conll", kConll);
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
  EXPECT_EQ(parse_supervised_format("conll"), SupervisedFormat::kConll);
  EXPECT_THROW(parse_supervised_format("iob"), InputError);
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

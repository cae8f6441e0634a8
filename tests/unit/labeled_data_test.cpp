// The CoNLL/BIO and spans JSON Lines readers (format/labeled_data.h).
#include "uniner/format/labeled_data.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/conll_sample.h"
#include "support/test_support.h"
#include "uniner/error.h"

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

TEST(Conll, ReadsSentencesWithOffsetsInCodePoints) {
  TempDir dir;
  const auto s = read_conll(dir.write("a.conll", testing::kConll), {});
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
  const LabeledDataWarning warn = [&](const std::string& w) { warnings.push_back(w); };
  std::size_t bad = 0;
  const auto s = read_conll(path, {}, warn, &bad);
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
  const LabeledDataWarning warn = [&](const std::string& w) { warnings.push_back(w); };
  const auto s = read_spans_jsonl(path, false, warn);
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

}  // namespace
}  // namespace uniner

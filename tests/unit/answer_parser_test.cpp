#include "uniner/format/answer_parser.h"

#include <gtest/gtest.h>

namespace uniner {
namespace {

using Items = std::vector<std::string>;

Items official(std::string_view s) {
  return parse_answer_normalized(s, ParserMode::kOfficial);
}
Items lenient(std::string_view s) {
  return parse_answer(s, ParserMode::kLenient);
}

TEST(OfficialParser, PlainLists) {
  EXPECT_EQ(official("[\"Paris\", \"Lyon\"]"), (Items{"paris", "lyon"}));
  EXPECT_EQ(official("[]"), Items{});
  EXPECT_EQ(official(""), Items{});
  EXPECT_EQ(official("[\"The Beatles\"] and more text"), Items{"beatles"});
}

TEST(OfficialParser, EdgeCasesOfTheOriginal) {
  EXPECT_EQ(official(" [\"Paris\"]"), Items{}) << "leading space: re.match is anchored";
  EXPECT_EQ(official("Sure: [\"Paris\"]"), Items{}) << "prose before the list";
  EXPECT_EQ(official("[\"a]b\", \"c\"]"), Items{}) << "']' inside a string ends the match";
  EXPECT_EQ(official("[\"Paris\",\n\"Lyon\"]"), Items{}) << "'.' does not cross newlines";
  EXPECT_EQ(official("[[\"a\", \"b\"]]"), Items{}) << "nested: the match is '[[\"a\", \"b\"]'";
  EXPECT_EQ(official("[1, 2]"), Items{}) << "numbers: normalize_answer raises";
  EXPECT_EQ(official("[\"x\", 1]"), Items{}) << "one number spoils the list";
  EXPECT_EQ(official("[\"x\", null]"), Items{});
  EXPECT_EQ(official("['Paris']"), Items{}) << "single quotes are not JSON";
  EXPECT_EQ(official("[\"Paris\""), Items{}) << "no closing bracket";
  EXPECT_EQ(official("[\"Z\\u00fcrich\", \"Z\xC3\xBCRICH\"]"), Items{"z\xC3\xBCrich"})
      << "non-ASCII, escaped or not, deduplicated after normalization";
  EXPECT_EQ(official("[\"The U.S.\", \"US\", \"us\"]"), Items{"us"})
      << "duplicates after normalization";
  EXPECT_EQ(official("[\"the\"]"), Items{""}) << "an item that normalizes to empty is kept";
  EXPECT_EQ(official("[\"a\", \"b\",]"), Items{}) << "trailing comma is invalid JSON";
}

TEST(OfficialParser, RawItemsKeepTheirSpelling) {
  EXPECT_EQ(
      parse_answer("[\"The Beatles\", \"The Beatles\", \"the beatles\"]", ParserMode::kOfficial),
      (Items{"The Beatles", "the beatles"}));
}

TEST(LenientParser, RecoversListsFromRealOutput) {
  EXPECT_EQ(lenient(" [\"Paris\"]"), Items{"Paris"});
  EXPECT_EQ(lenient("The entities are: [\"Paris\", \"Lyon\"]."), (Items{"Paris", "Lyon"}));
  EXPECT_EQ(lenient("```json\n[\"Paris\"]\n```"), Items{"Paris"});
  EXPECT_EQ(lenient("['Paris', 'Lyon']"), (Items{"Paris", "Lyon"}));
  EXPECT_EQ(lenient("[\"Paris\", \"Lyon\""), (Items{"Paris", "Lyon"}));
  EXPECT_EQ(lenient("[\"a]b\", \"c\"]"), (Items{"a]b", "c"}));
  EXPECT_EQ(lenient("[\n  \"Paris\",\n  \"Lyon\"\n]"), (Items{"Paris", "Lyon"}));
  EXPECT_EQ(lenient("[[\"a\", \"b\"], (\"c\",)]"), (Items{"a", "b", "c"}));
  EXPECT_EQ(lenient("[2019, 3.5]"), (Items{"2019", "3.5"}));
  EXPECT_EQ(lenient("['O'Brien', 'Paris']"), (Items{"O'Brien", "Paris"}));
  EXPECT_EQ(lenient("[\"He said \\\"hi\\\"\"]"), Items{"He said \"hi\""});
  EXPECT_EQ(lenient("[\"Z\\u00fcrich\"]"), Items{"Z\xC3\xBCrich"});
  EXPECT_EQ(lenient("[\"Paris\", \"Paris\"]"), Items{"Paris"});
  EXPECT_EQ(lenient("[Paris, Lyon]"), (Items{"Paris", "Lyon"}));
  EXPECT_EQ(lenient("[null, None, \"x\"]"), Items{"x"});
  EXPECT_EQ(lenient("[\"Paris\", \"Ly"), Items{"Paris"}) << "truncated string is dropped";
  EXPECT_EQ(lenient("no list here"), Items{});
  EXPECT_EQ(lenient("[]"), Items{});
}

TEST(LenientParser, ScoresWhatOfficialDropped) {
  EXPECT_EQ(parse_answer_normalized(" [\"The Louvre\"]", ParserMode::kLenient), Items{"louvre"});
}

// Issue 11: the lenient parser recursed once per '[' or '(' (SIGSEGV on 50,000 of them).
TEST(LenientParser, AMillionOpeningBracketsIsAnAnswerNotAStackOverflow) {
  const std::string deep(1'000'000, '[');
  EXPECT_EQ(lenient(deep), Items{});
  EXPECT_EQ(lenient(deep + "\"x\"" + std::string(1'000'000, ']') + ", \"y\"]"), Items{"x"});
  std::string mixed;
  for (int i = 0; i < 300'000; ++i) mixed += "([";
  EXPECT_EQ(lenient(mixed + "'a', 'b'"), (Items{"a", "b"}));
  EXPECT_EQ(official(deep), Items{});
  EXPECT_EQ(official(deep + "]"), Items{});
  // Nested objects inside the one bracket pair the official regex takes: not strings, so [].
  std::string objects = "[";
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  EXPECT_EQ(official(objects + "1" + std::string(100'000, '}') + "]"), Items{});
}

// Issue 11: duplicate checks were quadratic (80,000 distinct items took ~45 s in eval).
TEST(AnswerParsers, EightyThousandDistinctItemsKeepTheirOrder) {
  std::string answer = "[";
  for (int i = 0; i < 80'000; ++i) {
    answer += i ? ", \"e" : "\"e";
    answer += std::to_string(i);
    answer += '"';
  }
  answer += ", \"e0\", \"E1\"]";
  for (auto mode : {ParserMode::kOfficial, ParserMode::kLenient}) {
    const Items raw = parse_answer(answer, mode);
    ASSERT_EQ(raw.size(), 80'001u);  // "e0" repeated is dropped, "E1" is another spelling
    EXPECT_EQ(raw[79'999], "e79999");
    const Items normalized = parse_answer_normalized(answer, mode);
    ASSERT_EQ(normalized.size(), 80'000u);  // "E1" normalizes to "e1"
    EXPECT_EQ(normalized.front(), "e0");
    EXPECT_EQ(normalized.back(), "e79999");
  }
}

}  // namespace
}  // namespace uniner

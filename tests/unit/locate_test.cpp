#include "uniner/text/locate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace uniner {
namespace {

TEST(Locate, FindsAllExactOccurrences) {
  const auto spans = locate_all("Paris and paris and Paris", "Paris");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 0u);
  EXPECT_EQ(spans[0].end, 5u);
  EXPECT_EQ(spans[1].start, 20u);
  EXPECT_TRUE(spans[1].exact_case);
}

TEST(Locate, FallsBackToCaseInsensitive) {
  const auto spans = locate_all("I love PARIS and Paris.", "paris");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 7u);
  EXPECT_FALSE(spans[0].exact_case);
}

TEST(Locate, OffsetsInCodePointsAndBytes) {
  // "Café Zürich" : Zürich starts at code point 5, byte 6.
  const auto spans = locate_all("Caf\xC3\xA9 Z\xC3\xBCrich", "Z\xC3\xBCrich");
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start, 5u);
  EXPECT_EQ(spans[0].end, 11u);
  EXPECT_EQ(spans[0].byte_start, 6u);
  EXPECT_EQ(spans[0].byte_end, 13u);
  // Case-insensitive on non-ASCII: ZÜRICH
  const auto upper = locate_all("Caf\xC3\xA9 Z\xC3\xBCrich", "Z\xC3\x9CRICH");
  ASSERT_EQ(upper.size(), 1u);
  EXPECT_EQ(upper[0].start, 5u);
}

TEST(Locate, NonOverlappingAndEmptyNeedles) {
  EXPECT_EQ(locate_all("aaaa", "aa").size(), 2u);
  EXPECT_TRUE(locate_all("text", "").empty());
  EXPECT_TRUE(locate_all("text", "  ").empty());
  EXPECT_TRUE(locate_all("short", "much longer needle").empty());
  EXPECT_TRUE(locate_all("Berlin", "Paris").empty());
}

// Issue 11: the naive search was quadratic on repetitive text ("aaa...a" in "aaa...ab").
TEST(Locate, LinearOnRepetitiveTextAndSameResultsAsTheNaiveSearch) {
  const std::string hay = std::string(400'000, 'a') + "b";
  const std::string needle = std::string(100'000, 'a') + "b";
  const auto spans = locate_all(hay, needle);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].start, 300'000u);
  const auto folded = locate_all(hay, std::string(100'000, 'A') + "B");
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_FALSE(folded[0].exact_case);
  // Leftmost, non-overlapping, resuming after each match.
  const auto aa = locate_all("aaaaa", "aa");
  ASSERT_EQ(aa.size(), 2u);
  EXPECT_EQ(aa[1].start, 2u);
  const auto abab = locate_all("abababab", "abab");
  ASSERT_EQ(abab.size(), 2u);
  EXPECT_EQ(abab[1].start, 4u);
  EXPECT_TRUE(locate_all("x\xFFy", "y").empty());  // invalid UTF-8 locates nowhere
}
// Issue 11: checking many entities against one passage was quadratic (build-data
// --drop-unfound with 80,000 entities: 40 s); `locatable` answers for all in one pass.
TEST(Locate, LocatableAgreesWithLocateAllForManyNeedles) {
  const std::string text = "Ann met BOB in Z\xC3\xBCrich; \xC3\xA9t\xC3\xA9 abcabd.";
  const std::vector<std::string_view> needles = {
      "Ann",
      "bob",
      "Bob in",
      "Z\xC3\x9C"
      "RICH",
      "zurich",
      "",
      "  ",
      "abd",
      "cab",
      "abcabd.",
      "x",
      "Ann met BOB in Z\xC3\xBCrich; \xC3\xA9t\xC3\xA9 abcabd.!",
      "\xC3\x89T\xC3\x89",
      "\xFF",
      "Ann"};
  const auto found = locatable(text, needles);
  ASSERT_EQ(found.size(), needles.size());
  for (std::size_t i = 0; i < needles.size(); ++i) {
    EXPECT_EQ(found[i], !locate_all(text, needles[i]).empty()) << "needle " << i;
  }
  std::string big;
  std::vector<std::string> words;
  for (int i = 0; i < 80'000; ++i) {
    words.emplace_back("w");
    words.back() += std::to_string(i);
    big += words.back();
    big += ' ';
  }
  words.push_back("W79998 W79999");  // ignoring case
  words.push_back("w80000");         // absent
  const auto many = locatable(big, std::vector<std::string_view>(words.begin(), words.end()));
  EXPECT_EQ(std::count(many.begin(), many.end(), true), 80'001);
  EXPECT_FALSE(many.back());
}

}  // namespace
}  // namespace uniner

#include "uniner/text/locate.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace uniner

#include "text/utf8.h"

#include <gtest/gtest.h>

#include "uniner/error.h"

namespace uniner {
namespace {

TEST(Utf8, AcceptsValidText) {
  EXPECT_FALSE(find_invalid_utf8(""));
  EXPECT_FALSE(find_invalid_utf8("plain ascii"));
  EXPECT_FALSE(find_invalid_utf8("caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(find_invalid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, ReportsTheByteOffsetOfTheFirstBadSequence) {
  struct Case {
    std::string text;
    std::size_t offset;
    std::string reason_part;
  };
  const Case cases[] = {
      {"ab\x80", 2, "continuation"},
      {"abc\xC3", 3, "truncated"},
      {"x\xC3(", 1, "expected continuation"},
      {"\xC0\xAF", 0, "overlong"},
      {"ok \xE0\x80\xAF", 3, "overlong"},
      {"\xED\xA0\x80", 0, "surrogate"},
      {"\xF4\x90\x80\x80", 0, "above U+10FFFF"},
      {"caf\xC3\xA9\xFF", 5, "lead byte"},
  };
  for (const auto& c : cases) {
    auto bad = find_invalid_utf8(c.text);
    ASSERT_TRUE(bad) << c.text;
    EXPECT_EQ(bad->byte_offset, c.offset) << c.text;
    EXPECT_NE(bad->reason.find(c.reason_part), std::string::npos) << bad->reason;
  }
}

TEST(Utf8, RequireThrowsInputErrorNamingTheSourceAndOffset) {
  try {
    require_utf8("ab\xFF", "--text");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--text: invalid UTF-8 at byte 2"), std::string::npos);
  }
}

TEST(Utf8, RoundTripsAndCountsCodePoints) {
  const std::string s = "a\xC3\xA9\xE6\x9D\xB1\xF0\x9F\x98\x80";
  const auto u = utf8_to_u32(s);
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u[1], U'\u00E9');
  EXPECT_EQ(u[3], U'\U0001F600');
  EXPECT_EQ(u32_to_utf8(u), s);
  EXPECT_EQ(count_code_points(s), 4u);
}

// Issue 11: one repair routine (streaming, used by `passages`, and to_valid_utf8).
TEST(Utf8, OneRepairRoutineForWholeTextsAndStreams) {
  EXPECT_EQ(to_valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(to_valid_utf8("a\xE2\x82"), "a\xEF\xBF\xBD");  // a cut sequence: one U+FFFD
  EXPECT_EQ(to_valid_utf8("\xFF\x80\x80"
                          "b"),
            "\xEF\xBF\xBD"
            "b");
  std::string in = "x\xE2\x82", out;
  std::size_t first_bad = 99;
  EXPECT_EQ(append_valid_utf8(in, /*last=*/false, out, first_bad), 0u);
  EXPECT_EQ(out, "x");
  EXPECT_EQ(in, "\xE2\x82");  // waits for the rest of the character
  in += "\xAC!";
  EXPECT_EQ(append_valid_utf8(in, /*last=*/true, out, first_bad), 0u);
  EXPECT_EQ(out, "x\xE2\x82\xAC!");
  EXPECT_TRUE(in.empty());
}
}  // namespace
}  // namespace uniner

#include "text/sentences.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace uniner::text {
namespace {

std::vector<std::pair<std::size_t, int>> cuts(std::string_view t) {
  std::vector<std::pair<std::size_t, int>> out;
  for (const auto& b : boundaries(t, t.size(), 0)) out.emplace_back(b.pos, b.tier);
  return out;
}

TEST(Sentences, TiersSentenceLineWord) {
  using Cuts = std::vector<std::pair<std::size_t, int>>;
  EXPECT_EQ(cuts("Hi there. Bye"), (Cuts{{2, 3}, {9, 1}}));
  EXPECT_EQ(cuts("one\ntwo\n\nthree"), (Cuts{{3, 2}, {7, 1}}));
  EXPECT_EQ(cuts("He said \"Go.\" Then"), (Cuts{{2, 3}, {7, 3}, {13, 1}}));
  EXPECT_EQ(cuts("\xE6\x96\x87\xE3\x80\x82\xE6\xAC\xA1"), (Cuts{{6, 1}}));  // 文。次
  EXPECT_EQ(cuts("a\xC2\xA0"
                 "b"),
            (Cuts{}));                  // a no-break space is no word gap
  EXPECT_EQ(cuts("  lead"), (Cuts{}));  // no cut before the first character
}

TEST(Sentences, SpacesAndCodePoints) {
  EXPECT_EQ(skip_break_space("a \xE3\x80\x80 b", 1), 6u);  // U+3000 is a break space
  EXPECT_EQ(trim_break_space_end("ab \n\xE3\x80\x80"), "ab");
  EXPECT_EQ(floor_code_point("\xC3\xA9", 1), 0u);
  std::size_t len = 0;
  EXPECT_EQ(decode_at("\xE2\x82", 0, len), U'\xFFFD');  // cut: never reads past the end
  EXPECT_EQ(len, 1u);
}

}  // namespace
}  // namespace uniner::text

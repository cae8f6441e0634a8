#include "engine/windows.h"

#include <gtest/gtest.h>
#include "text/utf8.h"

#include "support/engine_fixture.h"
#include "support/fake_tokens.h"
#include "uniner/engine/vocab.h"

namespace uniner::engine {
namespace {

// A counter for tests: one token per whitespace-separated word.
std::size_t words(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    n += !space && !in_word;
    in_word = !space;
  }
  return n;
}

std::string_view slice(std::string_view t, const Window& w) {
  return t.substr(w.byte_start, w.byte_end - w.byte_start);
}

TEST(Windows, ShortTextIsOneTrimmedWindow) {
  const auto w = split_windows("  one two.  ", 10, 2, words);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].byte_start, 2u);
  EXPECT_EQ(w[0].byte_end, 10u);
}

TEST(Windows, CutsAtSentencesWithinBudgetWithOverlapAndFullCoverage) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "This is sentence " + std::to_string(i) + " here. ";
  const auto w = split_windows(text, 22, 6, words);  // 5 words per sentence
  ASSERT_GT(w.size(), 5u);
  EXPECT_EQ(w.front().byte_start, 0u);
  EXPECT_EQ(w.back().byte_end, text.size() - 1);  // trailing space trimmed
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_LE(words(slice(text, w[i])), 22u);
    EXPECT_TRUE(slice(text, w[i]).starts_with("This is sentence")) << "cut at a sentence";
    EXPECT_TRUE(slice(text, w[i]).ends_with("here.")) << "cut at a sentence";
    if (i > 0) {
      EXPECT_LT(w[i].byte_start, w[i - 1].byte_end) << "consecutive windows overlap";
      EXPECT_GT(w[i].byte_start, w[i - 1].byte_start) << "every window advances";
    }
  }
}

TEST(Windows, LongSentencesAndWordsAreStillCut) {
  std::string text(5000, 'x');  // one 5000-byte "word"
  text += " and then some more words without any sentence end at all";
  const auto count_bytes = [](std::string_view s) { return s.size(); };
  const auto w = split_windows(text, 100, 10, count_bytes);
  ASSERT_GT(w.size(), 50u);
  for (const auto& win : w) EXPECT_LE(win.byte_end - win.byte_start, 100u);
  EXPECT_EQ(w.back().byte_end, text.size());
}

TEST(Windows, NeverSplitsAUtf8Character) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "é";  // no spaces, 2 bytes each
  const auto count_bytes = [](std::string_view s) { return s.size(); };
  for (const auto& win : split_windows(text, 51, 0, count_bytes)) {
    EXPECT_EQ((static_cast<unsigned char>(text[win.byte_start]) & 0xC0), 0xC0);
    EXPECT_EQ(win.byte_end % 2, 0u);
  }
}

TEST(Windows, RealVocabularyBudgetHolds) {
  const Vocab vocab = Vocab::load(testing::llama_vocab_path());
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "Zürich and Kraków host the ACME Corporation's offices (est. 1999)! ";
  const auto count = [&](std::string_view s) { return vocab.count_tokens(s); };
  const auto w = split_windows(text, 128, 32, count);
  ASSERT_GT(w.size(), 10u);
  for (const auto& win : w) EXPECT_LE(count(slice(text, win)), 128u);
}

// A word of n bytes is 1 + n / 4 tokens (the fuzz harnesses count the same way).
const auto word_bytes = fuzz::fake_token_count;

void expect_advancing_valid_windows(std::string_view text, const std::vector<Window>& w) {
  for (std::size_t k = 0; k < w.size(); ++k) {
    EXPECT_FALSE(find_invalid_utf8(slice(text, w[k]))) << "window " << k;
    if (k) {
      EXPECT_GE(w[k].byte_start, w[k - 1].byte_start) << "window " << k;
      EXPECT_GT(w[k].byte_end, w[k - 1].byte_end) << "window " << k << " repeats";
    }
  }
}

// Issue 11 (found by fuzz_windows): a hard cut with a step shorter than a character cut inside
// it (corpus: tests/fuzz/corpus/fuzz_windows/regress-cut-inside-char).
TEST(Windows, HardCutsNeverSplitACharacter) {
  const std::string text = "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD";
  const auto w = split_windows(text, 3, 1, word_bytes);  // cut_word steps 2 bytes
  ASSERT_FALSE(w.empty());
  expect_advancing_valid_windows(text, w);
  EXPECT_EQ(w.back().byte_end, text.size());
}

// Issue 11 (found by fuzz_windows): the overlap step-back could repeat a window (or give one
// inside the previous) when the next unit did not fit beside the overlap
// (corpus: tests/fuzz/corpus/fuzz_windows/regress-overlap-repeat).
TEST(Windows, OverlapNeverRepeatsAWindow) {
  const std::string text =
      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE6\x96\x87\xE3\x80\x82"
      "\xE6\xAC\xA1\xE3\x81\xAE\xE6\x96\x87\xEF\xBC\x81\xE7\xAC\xAC\xE4\xB8\x89"
      "\xE3\x80\x82";  // 日本語の文。次の文！第三。
  const auto w = split_windows(text, 4, 3, word_bytes);
  ASSERT_GT(w.size(), 1u);
  expect_advancing_valid_windows(text, w);
  const auto spaced = std::string("a. \n\n\n b. \n\n\n c. ");
  std::string many;
  for (int i = 0; i < 10; ++i) many += spaced;
  expect_advancing_valid_windows(many, split_windows(many, 2, 1, word_bytes));
}
// Issue 11 (found by fuzz_windows): whitespace that trims away but still counts as tokens gave
// no window at all, and the extractor waited forever for a passage with no work
// (corpus: tests/fuzz/corpus/fuzz_windows/regress-no-window).
TEST(Windows, AlwaysAtLeastOneWindow) {
  const std::string text = "\v  \v ";
  const auto w = split_windows(text, 1, 1, word_bytes);  // "\v" counts as a word here
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].byte_start, w[0].byte_end);
}

}  // namespace
}  // namespace uniner::engine

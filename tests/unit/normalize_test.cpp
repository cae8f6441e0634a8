#include "uniner/text/normalize.h"

#include <gtest/gtest.h>

namespace uniner {
namespace {

TEST(Normalize, LowercasesRemovesPunctuationArticlesAndExtraSpace) {
  EXPECT_EQ(normalize_answer("The Eiffel Tower"), "eiffel tower");
  EXPECT_EQ(normalize_answer("  A.I.  "), "ai");
  EXPECT_EQ(normalize_answer("an apple a day"), "apple day");
  EXPECT_EQ(normalize_answer("Theater"), "theater");
  EXPECT_EQ(normalize_answer("U.S.-based"), "usbased");
  EXPECT_EQ(normalize_answer("the"), "");
  EXPECT_EQ(normalize_answer("a a a"), "");
  EXPECT_EQ(normalize_answer("O'Brien"), "obrien");
  EXPECT_EQ(normalize_answer("rock_and_roll"), "rockandroll");  // '_' is punctuation
}

TEST(Normalize, PunctuationRemovalComesBeforeArticles) {
  // "the-end" loses its hyphen first and becomes one word, which is not an article.
  EXPECT_EQ(normalize_answer("the-end"), "theend");
  EXPECT_EQ(normalize_answer("(the) end"), "end");
}

TEST(Normalize, UsesPythonUnicodeSemantics) {
  EXPECT_EQ(normalize_answer("CAF\xC3\x89"), "caf\xC3\xA9");           // É -> é
  EXPECT_EQ(normalize_answer("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3"),      // ΟΔΟΣ
            "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");                       // οδος (final ς)
  EXPECT_EQ(normalize_answer("\xC4\xB0stanbul"), "i\xCC\x87stanbul");  // İ -> i + U+0307
  EXPECT_EQ(normalize_answer("x\xE3\x80\x80y\xC2\xA0z"), "x y z");     // U+3000, U+00A0
  EXPECT_EQ(normalize_answer("x\xC2\x85y"), "x y");                    // U+0085 splits
  EXPECT_EQ(normalize_answer("\xC3\xA9"
                             "a"),
            "\xC3\xA9"
            "a");                                         // é is \w: no \b
  EXPECT_EQ(normalize_answer("a\xC2\xB2"), "a\xC2\xB2");  // ² is numeric: \w
  EXPECT_EQ(normalize_answer("the \xE6\x9D\xB1\xE4\xBA\xAC"), "\xE6\x9D\xB1\xE4\xBA\xAC");
  EXPECT_EQ(normalize_answer("\xE2\x80\x9C"
                             "the"
                             "\xE2\x80\x9D"),
            "\xE2\x80\x9C \xE2\x80\x9D");
}

TEST(PythonStrip, StripsPythonWhitespaceOnly) {
  EXPECT_EQ(python_strip("  [\"a\"]\n"), "[\"a\"]");
  EXPECT_EQ(python_strip("\xE3\x80\x80x y\xC2\xA0"), "x y");
  EXPECT_EQ(python_strip("\xE2\x80\x8Bx"), "\xE2\x80\x8Bx") << "U+200B is not whitespace";
  EXPECT_EQ(python_strip(" \t "), "");
}

}  // namespace
}  // namespace uniner

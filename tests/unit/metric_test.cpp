#include "uniner/eval/metric.h"

#include <gtest/gtest.h>

namespace uniner {
namespace {

TEST(OfficialMetric, HandComputedMixedCase) {
  // record 1: pred {paris, lyon}, gold {paris, nice}     -> correct 1, pred 2, gold 2
  // record 2: pred {}, gold {berlin}                     -> correct 0, pred 0, gold 1
  // record 3: pred {"the louvre" == "louvre"}, gold {louvre} -> correct 1, pred 1, gold 1
  // record 4: pred unparsable -> {}, gold {}             -> 0, 0, 0
  // record 5: pred {rome, rome (dup)}, gold {}           -> correct 0, pred 1, gold 0
  Counts c;
  c += official_counts("[\"Paris\", \"Lyon\"]", "[\"Paris\", \"Nice\"]");
  c += official_counts("[]", "[\"Berlin\"]");
  c += official_counts("[\"The Louvre\"]", "[\"Louvre\"]");
  c += official_counts("I think Paris", "[]");
  c += official_counts("[\"Rome\", \"rome\"]", "[]");
  EXPECT_EQ(c.correct, 2u);
  EXPECT_EQ(c.predicted, 4u);
  EXPECT_EQ(c.gold, 4u);
  const Scores s = scores_of(c);
  EXPECT_NEAR(s.precision, 0.5, 1e-9);
  EXPECT_NEAR(s.recall, 0.5, 1e-9);
  EXPECT_NEAR(s.f1, 0.5, 1e-9);
}

TEST(OfficialMetric, EpsilonsAsTheOriginal) {
  const Scores zero = scores_of(Counts{});
  EXPECT_EQ(zero.precision, 0.0);
  EXPECT_EQ(zero.f1, 0.0);
  const Scores perfect = scores_of(Counts{3, 3, 3});
  EXPECT_DOUBLE_EQ(perfect.precision, 3 / (3 + 1e-10));
  EXPECT_DOUBLE_EQ(perfect.f1, 2 * perfect.precision * perfect.recall /
                                   (perfect.precision + perfect.recall + 1e-10));
}

TEST(OfficialMetric, AverageIsUnweighted) {
  const Scores a = average({{1, 1, 1}, {0, 0, 0.5}});
  EXPECT_DOUBLE_EQ(a.f1, 0.75);
  EXPECT_DOUBLE_EQ(a.precision, 0.5);
}

TEST(SpanMetric, StrictOnStartEndAndType) {
  const std::vector<Span> gold = {{0, 5, "city"}, {10, 15, "person"}};
  const std::vector<Span> pred = {
      {0, 5, "city"}, {10, 14, "person"}, {10, 15, "city"}, {0, 5, "city"}};
  const Counts c = span_counts(pred, gold);
  EXPECT_EQ(c.correct, 1u);
  EXPECT_EQ(c.predicted, 3u);
  EXPECT_EQ(c.gold, 2u);
}

// Issue 11: matching predictions against gold was quadratic (80,000 items: tens of seconds).
TEST(OfficialMetric, EightyThousandItems) {
  std::string pred = "[", gold = "[";
  for (int i = 0; i < 80'000; ++i) {
    pred += i ? ", \"p" : "\"p";
    pred += std::to_string(i);
    pred += '"';
    gold += i ? ", \"p" : "\"p";
    gold += std::to_string(2 * i);
    gold += '"';
  }
  const Counts c = official_counts(pred + "]", gold + "]", ParserMode::kOfficial);
  EXPECT_EQ(c.predicted, 80'000u);
  EXPECT_EQ(c.gold, 80'000u);
  EXPECT_EQ(c.correct, 40'000u);  // the even numbers below 80,000
}
}  // namespace
}  // namespace uniner

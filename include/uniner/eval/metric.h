// Metrics: the official UniversalNER micro P/R/F1 over answer strings (docs/recipe.md section 3),
// and strict span P/R/F1 on (start, end, type), the convention of GLiNER and others.
//
// Ownership: plain values. Errors: none; pure functions, thread-safe, they do not throw (an
// answer that does not parse counts as the empty list).
//
//   uniner::Counts c = uniner::official_counts(R"(["Paris", "Lyon"])", R"(["paris", "Nice"])");
//   c += uniner::official_counts("[]", R"(["Rome"])");  // micro: counts add up over records
//   uniner::Scores s = uniner::scores_of(c);            // P = 1/2, R = 1/3
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "uniner/format/answer_parser.h"

namespace uniner {

struct Counts {
  std::size_t correct = 0;
  std::size_t predicted = 0;
  std::size_t gold = 0;
  Counts& operator+=(const Counts& o) {
    correct += o.correct, predicted += o.predicted, gold += o.gold;
    return *this;
  }
};

struct Scores {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// P = c / (p + 1e-10), R = c / (g + 1e-10), F1 = 2PR / (P + R + 1e-10), as the original.
Scores scores_of(const Counts& c);

// Counts for one record: both answers parsed with `mode` and normalized; a predicted item is
// correct when it is in the gold list.
Counts official_counts(std::string_view prediction, std::string_view gold,
                       ParserMode mode = ParserMode::kOfficial);

// Unweighted mean of per-dataset scores (the benchmark average of the paper).
Scores average(const std::vector<Scores>& per_dataset);

struct Span {
  std::size_t start = 0;  // code points, half-open
  std::size_t end = 0;
  std::string type;
  bool operator==(const Span&) const = default;
};

// Strict span matching for one document: a predicted span is correct when a gold span has the
// same start, end and type. Duplicates are counted once on each side.
Counts span_counts(const std::vector<Span>& predicted, const std::vector<Span>& gold);

}  // namespace uniner

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "uniner/eval/metric.h"

namespace uniner {

Scores scores_of(const Counts& c) {
  Scores s;
  s.precision = static_cast<double>(c.correct) / (static_cast<double>(c.predicted) + 1e-10);
  s.recall = static_cast<double>(c.correct) / (static_cast<double>(c.gold) + 1e-10);
  s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall + 1e-10);
  return s;
}

Counts official_counts(std::string_view prediction, std::string_view gold, ParserMode mode) {
  const auto pred_items = parse_answer_normalized(prediction, mode);
  const auto gold_items = parse_answer_normalized(gold, mode);
  Counts c;
  c.predicted = pred_items.size();
  c.gold = gold_items.size();
  const std::unordered_set<std::string_view> gold_set(gold_items.begin(), gold_items.end());
  for (const auto& p : pred_items) c.correct += gold_set.count(p);
  return c;
}

Scores average(const std::vector<Scores>& per_dataset) {
  Scores avg;
  if (per_dataset.empty()) return avg;
  for (const auto& s : per_dataset) {
    avg.precision += s.precision, avg.recall += s.recall, avg.f1 += s.f1;
  }
  const auto n = static_cast<double>(per_dataset.size());
  avg.precision /= n, avg.recall /= n, avg.f1 /= n;
  return avg;
}

}  // namespace uniner

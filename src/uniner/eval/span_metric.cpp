#include <set>
#include <tuple>

#include "uniner/eval/metric.h"

namespace uniner {

Counts span_counts(const std::vector<Span>& predicted, const std::vector<Span>& gold) {
  using Key = std::tuple<std::size_t, std::size_t, std::string>;
  std::set<Key> pred_set, gold_set;
  for (const auto& s : predicted) pred_set.emplace(s.start, s.end, s.type);
  for (const auto& s : gold) gold_set.emplace(s.start, s.end, s.type);
  Counts c;
  c.predicted = pred_set.size();
  c.gold = gold_set.size();
  for (const auto& k : pred_set) c.correct += gold_set.count(k);
  return c;
}

}  // namespace uniner

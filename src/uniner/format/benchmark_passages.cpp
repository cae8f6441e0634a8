#include "uniner/format/benchmark_passages.h"

#include <unordered_map>

namespace uniner {

std::size_t BenchmarkPassage::records() const {
  std::size_t n = 0;
  for (const auto& ids : record_ids) n += ids.size();
  return n;
}

std::vector<BenchmarkPassage> group_by_passage(const std::vector<BenchmarkRecord>& records) {
  std::vector<BenchmarkPassage> groups;
  std::unordered_map<std::string, std::size_t> by_text;
  for (const auto& r : records) {
    auto [it, fresh] = by_text.emplace(r.text, groups.size());
    if (fresh) {
      BenchmarkPassage g;
      g.passage.id = std::to_string(groups.size());
      g.passage.text = r.text;
      groups.push_back(std::move(g));
    }
    auto& g = groups[it->second];
    std::size_t t = 0;
    while (t < g.passage.types.size() && g.passage.types[t] != r.type) ++t;
    if (t == g.passage.types.size()) {
      g.passage.types.push_back(r.type);
      g.record_ids.emplace_back();
    }
    g.record_ids[t].push_back(r.id);
  }
  return groups;
}

}  // namespace uniner

#include "uniner/data/negative_sampling.h"

#include <algorithm>

#include "data/rng.h"
#include "uniner/error.h"

namespace uniner {
namespace {

bool contains(const std::vector<std::size_t>& v, std::size_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string_view negative_mode_name(NegativeMode mode) {
  switch (mode) {
    case NegativeMode::kNone:
      return "none";
    case NegativeMode::kUniform:
      return "uniform";
    case NegativeMode::kFrequency:
      return "frequency";
  }
  return "?";
}

NegativeSampler::NegativeSampler(std::vector<std::string> types, std::vector<std::uint64_t> counts,
                                 NegativeMode mode)
    : types_(std::move(types)), counts_(std::move(counts)), mode_(mode) {
  if (types_.size() != counts_.size()) {
    throw InputError(std::string("negative sampler: ") + std::to_string(types_.size()) +
                     " types but " + std::to_string(counts_.size()) + " counts");
  }
  cumulative_.reserve(counts_.size());
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < types_.size(); ++i) {
    if (!index_.emplace(types_[i], i).second) {
      throw InputError(std::string("negative sampler: type '") + types_[i] + "' listed twice");
    }
    sum += counts_[i];
    cumulative_.push_back(sum);
    nonzero_ += counts_[i] > 0;
  }
}

std::vector<std::string> NegativeSampler::sample(std::span<const std::string> exclude,
                                                 std::size_t k, std::uint64_t seed) const {
  if (mode_ == NegativeMode::kNone || k == 0 || cumulative_.empty() || cumulative_.back() == 0) {
    return {};
  }
  std::vector<std::size_t> blocked;  // the passage's own types: few, a linear scan is fastest
  for (const auto& t : exclude)
    if (auto it = index_.find(t); it != index_.end() && !contains(blocked, it->second))
      blocked.push_back(it->second);

  const bool by_count = mode_ == NegativeMode::kFrequency;
  const auto weight = [&](std::size_t i) -> std::uint64_t {
    return by_count ? counts_[i] : counts_[i] > 0;
  };
  std::uint64_t allowed_weight = by_count ? cumulative_.back() : nonzero_;
  std::size_t allowed_types = nonzero_;
  for (std::size_t b : blocked) {
    allowed_weight -= weight(b);
    allowed_types -= weight(b) > 0;
  }
  k = std::min(k, allowed_types);

  Rng rng(seed);
  std::vector<std::size_t> chosen;
  chosen.reserve(k);
  // Rejection: draw from the whole table and retry a type that is blocked or already chosen.
  // This is exactly sequential sampling without replacement among the allowed types. When the
  // allowed types hold little of the weight, fall back to drawing from them directly.
  std::size_t budget = 64 + 32 * k;
  while (chosen.size() < k && budget > 0) {
    --budget;
    std::size_t i;
    if (by_count) {
      const std::uint64_t r = rng.below(cumulative_.back());
      i = static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) -
                                   cumulative_.begin());
    } else {
      i = static_cast<std::size_t>(rng.below(types_.size()));
    }
    if (weight(i) == 0 || contains(blocked, i) || contains(chosen, i)) continue;
    chosen.push_back(i);
  }
  if (chosen.size() < k) {
    for (std::size_t c : chosen) allowed_weight -= weight(c);
    while (chosen.size() < k) {
      std::uint64_t r = rng.below(allowed_weight);
      for (std::size_t i = 0; i < types_.size(); ++i) {
        const std::uint64_t w = weight(i);
        if (w == 0 || contains(blocked, i) || contains(chosen, i)) continue;
        if (r < w) {
          chosen.push_back(i);
          allowed_weight -= w;
          break;
        }
        r -= w;
      }
    }
  }
  std::vector<std::string> out;
  out.reserve(chosen.size());
  for (std::size_t i : chosen) out.push_back(types_[i]);
  return out;
}

}  // namespace uniner

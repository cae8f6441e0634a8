#include "train/plan.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/rng.h"

namespace uniner::train {
namespace {

template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[static_cast<std::size_t>(rng.below(i))]);
  }
}

constexpr std::size_t kPoolBatches = 64;

}  // namespace

BatchPlan epoch_batches(const std::vector<std::size_t>& lengths, std::size_t batch,
                        std::uint64_t seed, int epoch) {
  Rng rng(mix_seed(seed, 0x9e3779b9u + static_cast<std::uint64_t>(epoch)));
  std::vector<std::size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  BatchPlan plan;
  const std::size_t pool = batch * kPoolBatches;
  for (std::size_t start = 0; start < order.size(); start += pool) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(start);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(start + pool, order.size()));
    std::stable_sort(first, last,
                     [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
    for (auto it = first; it < last; it += static_cast<std::ptrdiff_t>(batch)) {
      plan.emplace_back(it, std::min(it + static_cast<std::ptrdiff_t>(batch), last));
    }
  }
  shuffle(plan, rng);
  return plan;
}

double padding_fraction(const BatchPlan& plan, const std::vector<std::size_t>& lengths) {
  double slots = 0, used = 0;
  for (const auto& b : plan) {
    std::size_t longest = 0;
    for (std::size_t i : b) {
      longest = std::max(longest, lengths[i]);
      used += static_cast<double>(lengths[i]);
    }
    slots += static_cast<double>(longest * b.size());
  }
  return slots > 0 ? 1.0 - used / slots : 0.0;
}

double learning_rate(double peak, long step, long warmup, long total) {
  if (step < warmup) return peak * static_cast<double>(step) / static_cast<double>(std::max(1L, warmup));
  const double progress =
      static_cast<double>(step - warmup) / static_cast<double>(std::max(1L, total - warmup));
  return peak * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
}

}  // namespace uniner::train

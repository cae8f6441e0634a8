// Negative entity types for a passage: types that do not occur in it, asked with the answer [].
// docs/recipe.md section 2: frequency (probability proportional to the type's count in the whole
// dataset) is best, then uniform, then none.
//
// Ownership: a NegativeSampler owns copies of the types and counts; sample() is const and may be
// called from several threads. Errors: the constructor throws InputError when the sizes differ
// or a type is listed twice; sample() and negative_mode_name() do not throw.
//
//   uniner::NegativeSampler sampler({"person", "city", "drug"}, {70, 20, 10},
//                                   uniner::NegativeMode::kFrequency);
//   const std::vector<std::string> exclude = {"person"};  // the passage's own types
//   auto negs = sampler.sample(exclude, /*k=*/1, /*seed=*/7);  // "city" 2 times in 3
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace uniner {

enum class NegativeMode { kNone, kUniform, kFrequency };

std::string_view negative_mode_name(NegativeMode mode);

class NegativeSampler {
 public:
  // `types[i]` occurs `counts[i]` times in the dataset; types with count 0 are never drawn.
  // Throws InputError when the sizes differ or a type is listed twice.
  NegativeSampler(std::vector<std::string> types, std::vector<std::uint64_t> counts,
                  NegativeMode mode);

  // Up to `k` distinct types not in `exclude`, drawn one after the other without replacement
  // (each draw proportional to the count, or uniform, among the types still allowed); fewer when
  // fewer types are allowed; none in mode kNone. The same seed gives the same types.
  std::vector<std::string> sample(std::span<const std::string> exclude, std::size_t k,
                                  std::uint64_t seed) const;

  std::size_t size() const { return types_.size(); }

 private:
  std::vector<std::string> types_;
  std::vector<std::uint64_t> counts_;
  std::vector<std::uint64_t> cumulative_;  // running sum of counts_ (frequency mode)
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t nonzero_ = 0;  // types with a count above 0
  NegativeMode mode_;
};

}  // namespace uniner

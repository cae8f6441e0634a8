// A small, portable random generator for the data tasks: the same seed gives the same stream on
// every platform and standard library (std::*_distribution do not promise that). Private.
#pragma once

#include <cstddef>
#include <cstdint>

namespace uniner {

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, n), unbiased; n must be > 0.
  std::uint64_t below(std::uint64_t n);
  // Uniform in [0, 1).
  double unit();

 private:
  std::uint64_t s_[4];
};

// A seed for stream `stream` derived from a user seed, so that each passage (or each task) has
// its own generator and results do not depend on processing order.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream);

// A 64-bit hash of a byte string (MurmurHash64A), stable across platforms.
std::uint64_t hash64(const void* data, std::size_t size, std::uint64_t seed = 0);

}  // namespace uniner

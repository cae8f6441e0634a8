#include "uniner/data/negative_sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "uniner/error.h"

namespace uniner {
namespace {

using Names = std::vector<std::string>;

// Critical value of chi-square with `df` degrees of freedom at z standard deviations
// (Wilson-Hilferty); z = 5 is p ~ 3e-7: a correct sampler fails with a fixed seed essentially
// never.
double chi2_critical(double df, double z = 5.0) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

double chi2(const std::vector<double>& observed, const std::vector<double>& expected) {
  double x = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    if (expected[i] == 0) {
      EXPECT_EQ(observed[i], 0) << "type " << i << " drawn but has probability 0";
      continue;
    }
    x += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  }
  return x;
}

struct Table {
  std::vector<std::string> types;
  std::vector<std::uint64_t> counts;
};

// 40 types with a long tail: counts 1000/(i+1), like entity types.
Table zipf_table(std::size_t n = 40) {
  Table t;
  for (std::size_t i = 0; i < n; ++i) {
    t.types.push_back(std::string("type") + std::to_string(i));
    t.counts.push_back(1000 / (i + 1));
  }
  return t;
}

TEST(NegativeSampling, FrequencyFollowsTypeCountsChiSquare) {
  const Table t = zipf_table();
  const NegativeSampler sampler(t.types, t.counts, NegativeMode::kFrequency);
  const std::size_t draws = 200000;
  std::vector<double> observed(t.types.size(), 0), expected(t.types.size(), 0);
  double total = 0;
  for (auto c : t.counts) total += static_cast<double>(c);
  for (std::size_t i = 0; i < t.types.size(); ++i) {
    expected[i] = draws * static_cast<double>(t.counts[i]) / total;
  }
  for (std::size_t s = 0; s < draws; ++s) {
    const auto got = sampler.sample({}, 1, /*seed=*/s);
    ASSERT_EQ(got.size(), 1u);
    observed[std::stoul(got[0].substr(4))] += 1;
  }
  const double x = chi2(observed, expected);
  EXPECT_LT(x, chi2_critical(t.types.size() - 1)) << "chi-square " << x;
  // and it is far from uniform: the head type is drawn ~23% of the time, not 2.5%
  EXPECT_GT(observed[0] / draws, 0.2);
}

TEST(NegativeSampling, FrequencyExcludesThePassageTypesAndRenormalizes) {
  const Table t = zipf_table();
  const NegativeSampler sampler(t.types, t.counts, NegativeMode::kFrequency);
  const std::vector<std::string> own = {"type0", "type2", "not-in-table"};
  const std::size_t draws = 100000;
  std::vector<double> observed(t.types.size(), 0), expected(t.types.size(), 0);
  double allowed = 0;
  for (std::size_t i = 0; i < t.types.size(); ++i)
    if (i != 0 && i != 2) allowed += static_cast<double>(t.counts[i]);
  for (std::size_t i = 0; i < t.types.size(); ++i) {
    expected[i] = (i == 0 || i == 2) ? 0 : draws * static_cast<double>(t.counts[i]) / allowed;
  }
  for (std::size_t s = 0; s < draws; ++s) {
    const auto got = sampler.sample(own, 1, 1000000 + s);
    ASSERT_EQ(got.size(), 1u);
    observed[std::stoul(got[0].substr(4))] += 1;
  }
  EXPECT_LT(chi2(observed, expected), chi2_critical(t.types.size() - 3));
}

TEST(NegativeSampling, UniformIsUniformChiSquare) {
  const Table t = zipf_table();
  const NegativeSampler sampler(t.types, t.counts, NegativeMode::kUniform);
  const std::size_t draws = 100000;
  std::vector<double> observed(t.types.size(), 0);
  for (std::size_t s = 0; s < draws; ++s) {
    observed[std::stoul(sampler.sample(Names{"type1"}, 1, s)[0].substr(4))] += 1;
  }
  std::vector<double> expected(t.types.size(), draws / (t.types.size() - 1.0));
  expected[1] = 0;
  EXPECT_LT(chi2(observed, expected), chi2_critical(t.types.size() - 2));
}

TEST(NegativeSampling, NoneGivesNothing) {
  const Table t = zipf_table();
  const NegativeSampler sampler(t.types, t.counts, NegativeMode::kNone);
  for (std::uint64_t s = 0; s < 100; ++s) EXPECT_TRUE(sampler.sample({}, 5, s).empty());
}

TEST(NegativeSampling, DistinctAllowedAndReproducible) {
  const Table t = zipf_table(12);
  for (auto mode : {NegativeMode::kFrequency, NegativeMode::kUniform}) {
    const NegativeSampler sampler(t.types, t.counts, mode);
    for (std::uint64_t s = 0; s < 500; ++s) {
      const auto got = sampler.sample(Names{"type0", "type1"}, 4, s);
      ASSERT_EQ(got.size(), 4u);
      const std::set<std::string> distinct(got.begin(), got.end());
      EXPECT_EQ(distinct.size(), 4u);
      EXPECT_FALSE(distinct.count("type0") || distinct.count("type1"));
      EXPECT_EQ(got, sampler.sample(Names{"type0", "type1"}, 4, s));
    }
    // asking for more than there is gives every allowed type once
    const auto all = sampler.sample(Names{"type0"}, 100, 7);
    EXPECT_EQ(all.size(), 11u);
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 11u);
  }
}

TEST(NegativeSampling, HeavyExclusionFallsBackCorrectly) {
  // The passage owns the types holding 99.9% of the mass: rejection alone would stall.
  const NegativeSampler sampler({"big", "small1", "small2"}, {100000, 1, 3},
                                NegativeMode::kFrequency);
  std::size_t small2 = 0;
  const std::size_t draws = 20000;
  for (std::uint64_t s = 0; s < draws; ++s) {
    const auto got = sampler.sample(Names{"big"}, 1, s);
    ASSERT_EQ(got.size(), 1u);
    small2 += got[0] == "small2";
  }
  EXPECT_NEAR(static_cast<double>(small2) / draws, 0.75, 0.02);
}

TEST(NegativeSampling, ZeroCountTypesAreNeverDrawnAndModesParse) {
  const NegativeSampler sampler({"a", "b"}, {0, 5}, NegativeMode::kUniform);
  for (std::uint64_t s = 0; s < 50; ++s)
    EXPECT_EQ(sampler.sample({}, 2, s), std::vector<std::string>{"b"});
  EXPECT_THROW(NegativeSampler({"a", "a"}, {1, 1}, NegativeMode::kUniform), InputError);
}

}  // namespace
}  // namespace uniner

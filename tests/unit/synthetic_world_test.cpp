// The synthetic teacher world (uniner/data/synthetic_world.h): determinism, the held-out split,
// offsets, the long tail of types, and the teacher's noise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "uniner/data/dataset_stats.h"
#include "uniner/data/synthetic_world.h"
#include "uniner/data/teacher_output.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using Pairs = std::vector<TeacherEntity>;

// The text between two code-point offsets.
std::string cp_substr(const std::string& s, std::size_t start, std::size_t end) {
  std::size_t cp = 0, from = std::string::npos, to = s.size();
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (cp == start && from == std::string::npos) from = i;
    if (cp == end) {
      to = i;
      break;
    }
    ++cp;
  }
  return from == std::string::npos ? "<out of range>" : s.substr(from, to - from);
}

Pairs gold_pairs(const SynthPassage& p) {
  Pairs out;
  for (const auto& e : p.entities) {
    const TeacherEntity t{e.text, e.type};
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

TEST(SyntheticWorld, SameSeedSamePassagesOtherSeedOthers) {
  const SyntheticWorld a(42), b(42), c(43);
  SynthNoise noise;
  noise.missed = noise.wrong_type = noise.invented = noise.format = 0.2;
  std::size_t same_as_other_seed = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    for (auto split : {SynthSplit::kTrain, SynthSplit::kHeldOut}) {
      const auto pa = a.passage(split, i, noise), pb = b.passage(split, i, noise);
      EXPECT_EQ(pa.id, pb.id);
      EXPECT_EQ(pa.text, pb.text);
      EXPECT_EQ(pa.entities, pb.entities);
      EXPECT_EQ(pa.answer, pb.answer);
      same_as_other_seed += c.passage(split, i, noise).text == pa.text;
    }
  }
  EXPECT_EQ(same_as_other_seed, 0u);
  EXPECT_EQ(a.passage(SynthSplit::kTrain, 7).id, "train_7");
  EXPECT_EQ(a.passage(SynthSplit::kHeldOut, 7).id, "heldout_7");
}

TEST(SyntheticWorld, NoiseNeverChangesTheTextOrTheGold) {
  const SyntheticWorld w(5);
  SynthNoise noise;
  noise.missed = noise.wrong_type = noise.invented = noise.format = 0.5;
  for (std::size_t i = 0; i < 200; ++i) {
    const auto clean = w.passage(SynthSplit::kTrain, i), noisy = w.passage(SynthSplit::kTrain, i, noise);
    EXPECT_EQ(clean.text, noisy.text);
    EXPECT_EQ(clean.entities, noisy.entities);
  }
}

bool word_char(char c) {
  return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c));
}

// Whether `needle` occurs in `text` with no letter or digit right before or after it.
bool has_word_sequence(const std::string& text, const std::string& needle) {
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    const std::size_t end = at + needle.size();
    if ((at == 0 || !word_char(text[at - 1])) && (end == text.size() || !word_char(text[end])))
      return true;
  }
  return false;
}

TEST(SyntheticWorld, HeldOutNamesNeverAppearInTrainingPassages) {
  const SyntheticWorld w(11);
  std::set<std::string> train_names, heldout_names;
  for (std::size_t t = 0; t < w.types().size(); ++t) {
    EXPECT_GE(w.names(t, SynthSplit::kHeldOut).size(), 10u) << w.types()[t].name;
    for (const auto& n : w.names(t, SynthSplit::kTrain)) EXPECT_TRUE(train_names.insert(n).second) << n;
    for (const auto& n : w.names(t, SynthSplit::kHeldOut)) {
      EXPECT_TRUE(heldout_names.insert(n).second) << n;
      EXPECT_EQ(train_names.count(n), 0u) << n;
    }
  }
  std::string train_text;
  std::set<std::string> train_mentions;
  for (std::size_t i = 0; i < 2000; ++i) {
    const auto p = w.passage(SynthSplit::kTrain, i);
    train_text += p.text + "\n";
    for (const auto& e : p.entities) {
      train_mentions.insert(e.text);
      EXPECT_EQ(heldout_names.count(e.text), 0u) << e.text;
    }
  }
  std::set<std::string> heldout_mentions;
  for (std::size_t i = 0; i < 500; ++i)
    for (const auto& e : w.passage(SynthSplit::kHeldOut, i).entities) heldout_mentions.insert(e.text);
  EXPECT_GT(heldout_mentions.size(), 500u);
  for (const auto& m : heldout_mentions) {
    EXPECT_EQ(train_mentions.count(m), 0u) << m;
    EXPECT_FALSE(has_word_sequence(train_text, m)) << "held-out name in a training text: " << m;
  }
}

// name_scale: scale 1 is the default world; a larger scale has that many times the names, a split
// that stays disjoint, and names that recur in fewer passages.
TEST(SyntheticWorld, NameScaleMultipliesTheNamesAndKeepsTheSplit) {
  const SyntheticWorld plain(11), one(11, 1), big(11, 10);
  for (std::size_t i = 0; i < 20; ++i)
    EXPECT_EQ(plain.passage(SynthSplit::kTrain, i).text, one.passage(SynthSplit::kTrain, i).text);
  std::set<std::string> train_names;
  for (std::size_t t = 0; t < big.types().size(); ++t) {
    EXPECT_GE(big.names(t, SynthSplit::kTrain).size(), 8 * plain.names(t, SynthSplit::kTrain).size())
        << big.types()[t].name;
    for (const auto& n : big.names(t, SynthSplit::kTrain)) train_names.insert(n);
  }
  for (std::size_t t = 0; t < big.types().size(); ++t)
    for (const auto& n : big.names(t, SynthSplit::kHeldOut)) EXPECT_EQ(train_names.count(n), 0u) << n;
  const auto distinct_people = [](const SyntheticWorld& w) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < 1000; ++i)
      for (const auto& e : w.passage(SynthSplit::kTrain, i).entities)
        if (e.type == "person") names.insert(e.text);
    return names.size();
  };
  EXPECT_GT(distinct_people(big), 2 * distinct_people(plain));
}

// Sentences per passage: {2, 6} is the default world; {1, 1} gives one sentence with entities;
// a bad range is refused.
TEST(SyntheticWorld, SentenceRangeShapesThePassages) {
  const SyntheticWorld plain(11), same(11, 1, {2, 6}), single(11, 1, {1, 1});
  std::size_t plain_chars = 0, single_chars = 0;
  for (std::size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(plain.passage(SynthSplit::kTrain, i).text, same.passage(SynthSplit::kTrain, i).text);
    const auto p = single.passage(SynthSplit::kTrain, i);
    EXPECT_FALSE(p.entities.empty()) << p.text;  // the first sentence always names entities
    plain_chars += plain.passage(SynthSplit::kTrain, i).text.size();
    single_chars += p.text.size();
  }
  EXPECT_LT(single_chars * 3, plain_chars);
  EXPECT_THROW(SyntheticWorld(11, 1, {0, 2}), InputError);
  EXPECT_THROW(SyntheticWorld(11, 1, {3, 2}), InputError);
}

TEST(SyntheticWorld, OffsetsPointAtTheEntityText) {
  const SyntheticWorld w(3);
  std::size_t non_ascii = 0, distractor_only_sentences = 0;
  for (std::size_t i = 0; i < 1000; ++i) {
    const auto p = w.passage(i % 2 ? SynthSplit::kHeldOut : SynthSplit::kTrain, i);
    ASSERT_FALSE(p.entities.empty()) << p.text;
    std::size_t last_end = 0;
    for (const auto& e : p.entities) {
      EXPECT_EQ(cp_substr(p.text, e.start, e.end), e.text) << p.text;
      EXPECT_GE(e.start, last_end) << "mentions overlap or are out of order: " << p.text;
      last_end = e.end;
      non_ascii += std::any_of(e.text.begin(), e.text.end(), [](char c) { return c & 0x80; });
    }
    EXPECT_EQ(p.text.front() != ' ' && p.text.back() == '.', true) << p.text;
    distractor_only_sentences += p.text.find("The details were not made public.") != std::string::npos;
  }
  EXPECT_GT(non_ascii, 10u) << "some names have accents: code points are not bytes";
  EXPECT_GT(distractor_only_sentences, 0u);
}

// Counts mentions per type over `n` training passages, most frequent first.
std::vector<TypeCount> type_counts(const SyntheticWorld& w, std::size_t n) {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& t : w.types()) counts[t.name] = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& e : w.passage(SynthSplit::kTrain, i).entities) ++counts[e.type];
  std::vector<TypeCount> out;
  for (const auto& [type, c] : counts) out.push_back({type, c});
  std::stable_sort(out.begin(), out.end(),
                   [](const TypeCount& a, const TypeCount& b) { return a.mentions > b.mentions; });
  return out;
}

TEST(SyntheticWorld, EveryTypeOccursAndTheTailIsLong) {
  const SyntheticWorld w(0);
  EXPECT_EQ(w.domains().size(), 8u);
  ASSERT_GE(w.types().size(), 40u);
  const auto counts = type_counts(w, 3000);
  std::uint64_t total = 0;
  for (const auto& c : counts) {
    EXPECT_GT(c.mentions, 0u) << c.type;
    total += c.mentions;
  }
  // The tier table of docs/recipe.md section 1 (published: 74% / 19% / 7% over 13,020 types).
  const auto tiers = frequency_tiers(counts, 3);
  std::printf("%zu types, %llu mentions over 3000 passages\n", counts.size(),
              static_cast<unsigned long long>(total));
  for (const auto& t : tiers) std::printf("  %-7s %2zu types %5.1f%%\n", t.name.c_str(), t.types, 100 * t.share);
  const double top = tiers[0].share, head = tiers[0].share + tiers[1].share;
  std::printf("  top 10%% of types (%zu): %.1f%%; most frequent %s %.1f%%, rarest %s %.2f%%\n",
              tiers[0].types + tiers[1].types, 100 * head, counts.front().type.c_str(), 100 * top,
              counts.back().type.c_str(), 100.0 * counts.back().mentions / total);
  EXPECT_GT(top, 0.15) << "one dominant type";
  EXPECT_GT(head, 0.35) << "the top 10% of types hold a large share";
  // Half of the types (the rarer half) share a small part of the mentions, and some are rare.
  std::uint64_t lower_half = 0;
  for (std::size_t i = counts.size() / 2; i < counts.size(); ++i) lower_half += counts[i].mentions;
  EXPECT_LT(static_cast<double>(lower_half) / total, 0.2);
  EXPECT_LT(static_cast<double>(counts.back().mentions) / total, 0.005);
  EXPECT_GT(counts.front().mentions, 40 * counts.back().mentions);
}

TEST(SyntheticWorld, WithoutNoiseTheAnswerParsesToTheGold) {
  const SyntheticWorld w(9);
  for (std::size_t i = 0; i < 1000; ++i) {
    const auto p = w.passage(SynthSplit::kTrain, i);
    EXPECT_EQ(p.answer, clean_teacher_answer(p.entities));
    const auto out = parse_teacher_output(p.answer);
    EXPECT_TRUE(out.parsed) << p.answer;
    EXPECT_EQ(out.skipped(), 0u) << p.answer;
    EXPECT_EQ(out.entities, gold_pairs(p)) << p.answer;
  }
  EXPECT_EQ(clean_teacher_answer({{"Ada Vorn", "person", 0, 8}, {"Keltra", "city", 12, 18},
                                  {"Ada Vorn", "person", 30, 38}}),
            R"([("Ada Vorn", "person"), ("Keltra", "city")])");
  EXPECT_EQ(clean_teacher_answer({}), "[]");
}

TEST(SyntheticWorld, NoiseRatesAreAsAsked) {
  const SyntheticWorld w(21);
  SynthNoise noise;
  noise.missed = 0.2;
  noise.wrong_type = 0.1;
  noise.invented = 0.15;
  std::size_t gold = 0, missed = 0, kept = 0, wrong = 0, invented = 0;
  for (std::size_t i = 0; i < 3000; ++i) {
    const auto p = w.passage(SynthSplit::kTrain, i, noise);
    const auto out = parse_teacher_output(p.answer);
    ASSERT_TRUE(out.parsed);
    const Pairs g = gold_pairs(p);
    gold += g.size();
    for (const auto& pair : g) {
      const auto it = std::find_if(out.entities.begin(), out.entities.end(),
                                   [&](const TeacherEntity& e) { return e.entity == pair.entity; });
      if (it == out.entities.end()) {
        ++missed;
      } else {
        ++kept;
        wrong += it->type != pair.type;
      }
    }
    invented += find_unlocated(p.text, out.entities).size();
  }
  const double r_missed = double(missed) / gold, r_wrong = double(wrong) / kept,
               r_invented = double(invented) / gold;
  std::printf("missed %.3f wrong type %.3f invented %.3f over %zu gold pairs\n", r_missed, r_wrong,
              r_invented, gold);
  EXPECT_NEAR(r_missed, 0.2, 0.02);
  EXPECT_NEAR(r_wrong, 0.1, 0.02);
  EXPECT_NEAR(r_invented, 0.15, 0.02);
}

TEST(SyntheticWorld, SloppyFormatsAtTheRateAskedMostlyStillParse) {
  const SyntheticWorld w(4);
  SynthNoise noise;
  noise.format = 0.3;
  std::size_t sloppy = 0, unparsed = 0, lost = 0, escaped = 0;
  const std::size_t n = 3000;
  for (std::size_t i = 0; i < n; ++i) {
    const auto p = w.passage(SynthSplit::kTrain, i, noise);
    if (p.answer == clean_teacher_answer(p.entities)) continue;
    ++sloppy;
    const auto out = parse_teacher_output(p.answer);
    unparsed += !out.parsed;
    // [(\"a\", \"t\")]: the teacher parser keeps the backslashes and quotes in the strings
    // (annotate then reports the entities as not found in the passage).
    if (p.answer.rfind("[(\\\"", 0) == 0) {
      ++escaped;
      continue;
    }
    lost += out.entities != gold_pairs(p);
  }
  std::printf("sloppy %.3f, of which unparsed %zu, escaped quotes %zu, other not the gold %zu\n",
              double(sloppy) / n, unparsed, escaped, lost);
  EXPECT_NEAR(double(sloppy) / n, 0.3, 0.03);
  // Seven forms, equally likely; every one still holds a list. Apart from the escaped quotes,
  // only the truncated form loses an entity.
  EXPECT_EQ(unparsed, 0u);
  EXPECT_NEAR(double(escaped) / sloppy, 1.0 / 7, 0.04);
  EXPECT_NEAR(double(lost) / sloppy, 1.0 / 7, 0.04);
}

TEST(SyntheticWorld, BadNoiseRateIsAnInputError) {
  const SyntheticWorld w(1);
  SynthNoise noise;
  noise.invented = 1.5;
  EXPECT_THROW(w.passage(SynthSplit::kTrain, 0, noise), InputError);
  noise.invented = -0.1;
  EXPECT_THROW(w.passage(SynthSplit::kTrain, 0, noise), InputError);
}

}  // namespace
}  // namespace uniner

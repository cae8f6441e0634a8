// The synthetic world: names, passages with gold mentions, and the noisy teacher's answers.
#include "uniner/data/synthetic_world.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_set>

#include "data/rng.h"
#include "data/synthetic_world_tables.h"
#include "uniner/error.h"

namespace uniner {
namespace {

constexpr double kZipfExponent = 1.5;      // type weights: 1 / rank^s
constexpr double kHeldOutShare = 0.2;      // of each type's names
constexpr double kEntitySentence = 0.7;    // a sentence other than the first mentions entities
constexpr double kRepeatMention = 0.2;     // a slot names an entity the passage already named
constexpr std::uint64_t kWorldStream = 0x776f726c64ULL;  // "world"
constexpr std::uint64_t kNoiseSalt = 0x6e6f697365ULL;    // "noise"

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The words of a text: runs of ASCII letters and digits and of non-ASCII characters.
std::vector<std::string> word_runs(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

void check_rate(double rate, const char* what) {
  if (!(rate >= 0.0 && rate <= 1.0)) {
    throw InputError(std::string("the ") + what + " noise rate must be in [0, 1], got " +
                     std::to_string(rate));
  }
}

struct Piece {
  std::string literal;    // text before the slot (or the whole tail)
  std::size_t type = 0;   // the slot's type
  bool slot = false;
};

constexpr std::size_t kAnyDomain = static_cast<std::size_t>(-1);

struct Template {
  std::size_t domain = 0;
  std::vector<Piece> pieces;
};

// One sentence of a passage being built: its text and its mentions (offsets in code points
// from the sentence start).
struct Sentence {
  std::string text;
  std::vector<SynthEntity> entities;
};

std::string quoted(std::string_view s, std::string_view quote, char escaped) {
  std::string out(quote);
  for (char c : s) {
    if (c == '\\' || c == escaped) out += '\\';
    out += c;
  }
  out += quote;
  return out;
}

struct Pair {
  std::string entity, type;
};

// [("a", "t"), ...] with the given quote; `close` false leaves out the final ']'.
std::string render(const std::vector<Pair>& pairs, std::string_view quote, char escaped,
                   bool close = true) {
  std::string out = "[";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += ", ";
    out += '(';
    out += quoted(pairs[i].entity, quote, escaped);
    out += ", ";
    out += quoted(pairs[i].type, quote, escaped);
    out += ')';
  }
  if (close) out += ']';
  return out;
}

std::vector<Pair> distinct_pairs(const std::vector<SynthEntity>& entities) {
  std::vector<Pair> out;
  for (const auto& e : entities) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const Pair& p) {
      return p.entity == e.text && p.type == e.type;
    });
    if (!seen) out.push_back({e.text, e.type});
  }
  return out;
}

// The answer in one of the sloppy forms real chat teachers produce.
std::string sloppy(const std::vector<Pair>& pairs, Rng& rng) {
  static const char* kBefore[] = {"Here are the entities I found:\n",
                                  "Sure! Here is the list of entities:\n\n",
                                  "The entities in the passage are: "};
  static const char* kAfter[] = {"\n\nLet me know if you need anything else.",
                                 "\nThese are all the entities mentioned in the passage.",
                                 " (Note: dates are included as entities.)"};
  const std::string clean = render(pairs, "\"", '"');
  switch (rng.below(7)) {
    case 0: return render(pairs, "'", '\'');
    case 1: return render(pairs, "\\\"", '\0');
    case 2: return render(pairs, "\"", '"', /*close=*/false);
    case 3: return kBefore[rng.below(3)] + clean;
    case 4: return clean + kAfter[rng.below(3)];
    case 5: return "```python\n" + clean + "\n```";
    default: {
      // Cut inside the last tuple, as a teacher that ran out of tokens does.
      const std::size_t open = clean.rfind('(');
      if (open == std::string::npos) return "[";
      const std::size_t close = clean.size() - 2;  // the last ')'
      std::size_t cut = open + 1 + rng.below(close - open - 1);
      while (cut > open + 1 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
      return clean.substr(0, cut);
    }
  }
}

}  // namespace

struct SyntheticWorld::Impl {
  std::uint64_t seed = 0;
  std::size_t name_scale = 1;
  SynthSentences sentences;
  std::vector<std::string> domains;
  std::vector<SynthType> types;
  std::vector<std::vector<std::string>> names[2];  // [split][type]
  std::vector<Template> templates;
  std::vector<std::vector<std::size_t>> domain_types;                // [domain] -> types
  std::vector<std::vector<std::vector<std::size_t>>> with_type;      // [domain][type] -> templates
  std::vector<std::vector<std::string_view>> distractors;            // [domain]

  Impl(std::uint64_t s, std::size_t scale, SynthSentences n)
      : seed(s), name_scale(std::max<std::size_t>(scale, 1)), sentences(n) {
    if (n.min < 1 || n.min > n.max) {
      throw InputError("synthetic world: sentences per passage must be 1 <= min <= max (got " +
                       std::to_string(n.min) + "-" + std::to_string(n.max) + ")");
    }
    for (auto d : synth::domain_names()) domains.emplace_back(d);
    const auto specs = synth::type_specs();
    for (std::size_t r = 0; r < specs.size(); ++r) {
      SynthType t;
      t.name = std::string(specs[r].name);
      t.weight = 1.0 / std::pow(static_cast<double>(r + 1), kZipfExponent);
      types.push_back(std::move(t));
    }
    make_names();
    parse_templates();
    for (const auto& d : synth::distractor_sentences()) {
      for (std::size_t i = 0; i < domains.size(); ++i) {
        if (d.domain.empty() || d.domain == domains[i]) distractors[i].push_back(d.text);
      }
    }
  }

  std::size_t type_index(std::string_view name) const {
    for (std::size_t i = 0; i < types.size(); ++i)
      if (types[i].name == name) return i;
    throw Error("synthetic world: a template names an unknown type: " + std::string(name));
  }

  // Every type's names, distinct across all types, then split.
  void make_names() {
    const auto specs = synth::type_specs();
    std::unordered_set<std::string> taken;
    for (std::size_t t = 0; t < specs.size(); ++t) {
      Rng rng(mix_seed(mix_seed(seed, kWorldStream), t));
      std::vector<std::string> pool;
      const std::size_t wanted = specs[t].pool * name_scale;
      for (std::size_t tries = 0; pool.size() < wanted && tries < 50 * wanted; ++tries) {
        std::string name = specs[t].make(rng);
        if (taken.insert(name).second) pool.push_back(std::move(name));
      }
      const auto held = static_cast<std::size_t>(std::ceil(pool.size() * kHeldOutShare));
      names[1].emplace_back(pool.end() - static_cast<std::ptrdiff_t>(held), pool.end());
      pool.resize(pool.size() - held);
      names[0].push_back(std::move(pool));
    }
    // A held-out name that is a word sequence of a training name or of a fixed sentence ("Nea"
    // in "Nea Kessel") would appear in training passages: it is dropped.
    std::unordered_set<std::string> in_train;
    auto add = [&](std::string_view text) {
      const auto words = word_runs(text);
      for (std::size_t i = 0; i < words.size(); ++i) {
        std::string seq;
        for (std::size_t j = i; j < words.size() && j < i + 6; ++j) {
          seq += (j > i ? " " : "") + words[j];
          in_train.insert(seq);
        }
      }
    };
    for (const auto& pool : names[0])
      for (const auto& n : pool) add(n);
    for (const auto& spec : synth::sentence_templates()) add(spec.text);
    for (const auto& spec : synth::distractor_sentences()) add(spec.text);
    for (auto& pool : names[1]) {
      std::erase_if(pool, [&](const std::string& n) {
        const auto words = word_runs(n);
        std::string seq;
        for (std::size_t j = 0; j < words.size(); ++j) seq += (j ? " " : "") + words[j];
        return in_train.count(seq) > 0;
      });
    }
  }

  void parse_templates() {
    domain_types.resize(domains.size());
    distractors.resize(domains.size());
    with_type.assign(domains.size(), std::vector<std::vector<std::size_t>>(types.size()));
    for (const auto& spec : synth::sentence_templates()) {
      Template t;
      t.domain = static_cast<std::size_t>(
          std::find(domains.begin(), domains.end(), spec.domain) - domains.begin());
      if (spec.domain.empty()) t.domain = kAnyDomain;
      std::string_view rest = spec.text;
      for (std::size_t open; (open = rest.find('{')) != std::string_view::npos;) {
        const std::size_t close = rest.find('}', open);
        Piece p;
        p.literal = std::string(rest.substr(0, open));
        p.type = type_index(rest.substr(open + 1, close - open - 1));
        p.slot = true;
        t.pieces.push_back(std::move(p));
        rest.remove_prefix(close + 1);
      }
      t.pieces.push_back({std::string(rest), 0, false});
      const std::size_t index = templates.size();
      for (std::size_t d = 0; d < domains.size(); ++d) {
        if (t.domain != kAnyDomain && t.domain != d) continue;
        for (const auto& p : t.pieces) {
          if (!p.slot) continue;
          auto& list = with_type[d][p.type];
          if (list.empty() || list.back() != index) list.push_back(index);
          auto& dt = domain_types[d];
          if (std::find(dt.begin(), dt.end(), p.type) == dt.end()) dt.push_back(p.type);
        }
      }
      templates.push_back(std::move(t));
    }
    for (std::size_t d = 0; d < domains.size(); ++d) {
      std::sort(domain_types[d].begin(), domain_types[d].end());
      for (std::size_t t : domain_types[d]) types[t].domains.push_back(domains[d]);
    }
    for (const auto& t : types)
      if (t.domains.empty()) throw Error("synthetic world: no sentence mentions " + t.name);
  }

  std::size_t weighted_type(std::size_t domain, Rng& rng) const {
    double total = 0;
    for (std::size_t t : domain_types[domain]) total += types[t].weight;
    double x = rng.unit() * total;
    for (std::size_t t : domain_types[domain]) {
      x -= types[t].weight;
      if (x < 0) return t;
    }
    return domain_types[domain].back();
  }

  Sentence fill(const Template& tpl, int split, Rng& rng, std::vector<SynthEntity>& named) const {
    Sentence s;
    std::size_t cps = 0;
    for (const auto& p : tpl.pieces) {
      s.text += p.literal;
      cps += code_points(p.literal);
      if (!p.slot) continue;
      const auto& pool = names[split][p.type];
      std::vector<const SynthEntity*> earlier;
      for (const auto& e : named) {
        const bool in_sentence = std::any_of(s.entities.begin(), s.entities.end(),
                                             [&](const SynthEntity& o) { return o.text == e.text; });
        if (e.type == types[p.type].name && !in_sentence) earlier.push_back(&e);
      }
      std::string name;
      if (!earlier.empty() && rng.unit() < kRepeatMention) {
        name = earlier[rng.below(earlier.size())]->text;
      } else {
        for (int tries = 0; tries < 8; ++tries) {  // not a name the sentence already has
          name = pool[rng.below(pool.size())];
          const bool again = std::any_of(s.entities.begin(), s.entities.end(),
                                         [&](const SynthEntity& e) { return e.text == name; });
          if (!again) break;
        }
      }
      const std::size_t len = code_points(name);
      SynthEntity e{name, types[p.type].name, cps, cps + len};
      s.entities.push_back(e);
      named.push_back(std::move(e));
      s.text += name;
      cps += len;
    }
    return s;
  }

  std::vector<Pair> noisy_pairs(const SynthPassage& p, std::size_t domain, int split,
                                const SynthNoise& noise, Rng& rng) const {
    const auto& dt = domain_types[domain];
    std::vector<Pair> out;
    for (const Pair& gold : distinct_pairs(p.entities)) {
      const bool missed = rng.unit() < noise.missed;
      const bool wrong = rng.unit() < noise.wrong_type;
      const bool invent = rng.unit() < noise.invented;
      if (!missed) {
        Pair kept = gold;
        if (wrong) {
          std::string other;
          do other = types[dt[rng.below(dt.size())]].name;
          while (other == gold.type);
          kept.type = other;
        }
        out.push_back(std::move(kept));
      }
      if (invent) {
        for (int tries = 0; tries < 16; ++tries) {
          const std::size_t t = dt[rng.below(dt.size())];
          const auto& pool = names[split][t];
          const std::string& name = pool[rng.below(pool.size())];
          if (p.text.find(name) != std::string::npos) continue;
          out.push_back({name, types[t].name});
          break;
        }
      }
    }
    return out;
  }
};

SyntheticWorld::SyntheticWorld(std::uint64_t seed, std::size_t name_scale, SynthSentences sentences)
    : impl_(std::make_shared<const Impl>(seed, name_scale, sentences)) {}

std::uint64_t SyntheticWorld::seed() const {
  return impl_->seed;
}
const std::vector<std::string>& SyntheticWorld::domains() const {
  return impl_->domains;
}
const std::vector<SynthType>& SyntheticWorld::types() const {
  return impl_->types;
}
const std::vector<std::string>& SyntheticWorld::names(std::size_t type, SynthSplit split) const {
  return impl_->names[split == SynthSplit::kHeldOut][type];
}

SynthPassage SyntheticWorld::passage(SynthSplit split, std::size_t index,
                                     const SynthNoise& noise) const {
  check_rate(noise.missed, "missed-entity");
  check_rate(noise.wrong_type, "wrong-type");
  check_rate(noise.invented, "invented-entity");
  check_rate(noise.format, "format");
  const Impl& w = *impl_;
  const int s = split == SynthSplit::kHeldOut;
  const std::uint64_t stream = 2 * static_cast<std::uint64_t>(index) + s;
  Rng rng(mix_seed(w.seed, stream));

  SynthPassage p;
  p.id = std::string(s ? "heldout_" : "train_") + std::to_string(index);
  const std::size_t domain = rng.below(w.domains.size());
  p.domain = w.domains[domain];
  const std::size_t n = w.sentences.min + rng.below(w.sentences.max - w.sentences.min + 1);
  std::vector<Sentence> sentences;
  std::vector<SynthEntity> named;
  std::vector<std::size_t> used_templates;
  std::vector<std::string_view> used_distractors;
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 0 || rng.unit() < kEntitySentence) {
      std::size_t tpl = 0;
      for (int tries = 0; tries < 8; ++tries) {  // a template the passage has not used yet
        const auto& list = w.with_type[domain][w.weighted_type(domain, rng)];
        tpl = list[rng.below(list.size())];
        if (std::find(used_templates.begin(), used_templates.end(), tpl) == used_templates.end())
          break;
      }
      used_templates.push_back(tpl);
      sentences.push_back(w.fill(w.templates[tpl], s, rng, named));
    } else {
      const auto& pool = w.distractors[domain];
      std::string_view d;
      for (int tries = 0; tries < 8; ++tries) {
        d = pool[rng.below(pool.size())];
        if (std::find(used_distractors.begin(), used_distractors.end(), d) ==
            used_distractors.end())
          break;
      }
      used_distractors.push_back(d);
      sentences.push_back({std::string(d), {}});
    }
  }
  shuffle(sentences, rng);
  std::size_t cps = 0;
  for (const auto& sentence : sentences) {
    if (!p.text.empty()) {
      p.text += ' ';
      ++cps;
    }
    p.text += sentence.text;
    for (auto e : sentence.entities) {
      e.start += cps;
      e.end += cps;
      p.entities.push_back(std::move(e));
    }
    cps += code_points(sentence.text);
  }

  // The teacher: its own stream, so that noise never changes the passage.
  Rng teacher(mix_seed(w.seed ^ kNoiseSalt, stream));
  const std::vector<Pair> pairs = w.noisy_pairs(p, domain, s, noise, teacher);
  p.answer = teacher.unit() < noise.format ? sloppy(pairs, teacher) : render(pairs, "\"", '"');
  return p;
}

std::string clean_teacher_answer(const std::vector<SynthEntity>& entities) {
  return render(distinct_pairs(entities), "\"", '"');
}

}  // namespace uniner

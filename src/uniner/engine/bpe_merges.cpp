// Byte-pair merges (bpe_merges.h): the classic algorithm over distinct words with counts, pair
// counts updated only in the words a merge touches, the best pair taken from a lazy heap.
#include "engine/bpe_merges.h"

#include <algorithm>
#include <cctype>
#include <queue>
#include <string_view>
#include <unordered_set>

namespace uniner::engine {
namespace {

using PairKey = std::uint64_t;
PairKey key(int a, int b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) |
         static_cast<std::uint32_t>(b);
}

struct Word {
  std::vector<int> symbols;  // piece ids; -1: a character left to the byte fallback
  std::int64_t count = 0;
};

const std::string kSpace = "\xE2\x96\x81";  // "▁"

// The class of a piece for the merge rule: letters (ASCII letters and every non-ASCII
// character), digits, anything else; 'S' for "▁" alone; 'M' for mixed classes (never merged).
char piece_class(std::string_view p) {
  if (p == kSpace) return 'S';
  if (p.starts_with(kSpace)) p.remove_prefix(kSpace.size());
  char cls = 0;
  for (const char ch : p) {
    const auto c = static_cast<unsigned char>(ch);
    const char k = c >= 0x80 || std::isalpha(c) ? 'L' : std::isdigit(c) ? 'D' : 'P';
    if (cls != 0 && k != cls) return 'M';
    cls = k;
  }
  return cls;
}

bool may_merge(char ca, char cb, bool separate_space) {
  if (cb == 'S' || cb == 'M' || ca == 'M') return false;
  if (ca == 'S') return !separate_space;
  return ca == cb;
}

struct Candidate {
  std::int64_t count;
  int a, b;
};

}  // namespace

std::vector<std::string> utf8_characters(const std::string& word) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < word.size();) {
    const auto c = static_cast<unsigned char>(word[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + n > word.size()) n = 1;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(word[i + k]) & 0xC0) != 0x80) n = 1;
    }
    out.push_back(word.substr(i, n));
    i += n;
  }
  return out;
}

BpePieces learn_bpe(const std::unordered_map<std::string, std::int64_t>& counted,
                    std::size_t max_pieces, std::size_t min_count, bool separate_space) {
  // Words in string order, so that nothing below depends on hash order.
  std::vector<std::pair<std::string, std::int64_t>> sorted(counted.begin(), counted.end());
  std::sort(sorted.begin(), sorted.end());

  std::unordered_map<std::string, std::int64_t> char_counts;
  std::vector<std::vector<std::string>> spelt;
  spelt.reserve(sorted.size());
  for (const auto& [w, n] : sorted) {
    spelt.push_back(utf8_characters(w));
    for (const auto& ch : spelt.back()) char_counts[ch] += n;
  }
  std::vector<std::pair<std::string, std::int64_t>> chars(char_counts.begin(), char_counts.end());
  std::sort(chars.begin(), chars.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  if (chars.size() > max_pieces) chars.resize(max_pieces);

  BpePieces out;
  std::vector<std::string> text;  // piece id -> text
  std::vector<char> cls;          // piece id -> piece_class
  std::unordered_map<std::string, int> id;
  for (const auto& [ch, n] : chars) {
    id.emplace(ch, static_cast<int>(text.size()));
    text.push_back(ch);
    cls.push_back(piece_class(ch));
    out.characters.push_back(ch);
  }

  std::vector<Word> words(sorted.size());
  std::unordered_map<PairKey, std::int64_t> pair_count;
  std::unordered_map<PairKey, std::vector<int>> where;  // words that had the pair (may be stale)
  const auto add_pairs = [&](int w, std::int64_t sign, std::unordered_set<PairKey>* changed) {
    const auto& s = words[static_cast<std::size_t>(w)].symbols;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] < 0 || s[i + 1] < 0) continue;
      if (!may_merge(cls[static_cast<std::size_t>(s[i])], cls[static_cast<std::size_t>(s[i + 1])],
                     separate_space)) {
        continue;
      }
      const PairKey k = key(s[i], s[i + 1]);
      pair_count[k] += sign * words[static_cast<std::size_t>(w)].count;
      if (sign > 0) where[k].push_back(w);
      if (changed) changed->insert(k);
    }
  };
  for (std::size_t w = 0; w < words.size(); ++w) {
    words[w].count = sorted[w].second;
    for (const auto& ch : spelt[w]) {
      const auto it = id.find(ch);
      words[w].symbols.push_back(it == id.end() ? -1 : it->second);
    }
    add_pairs(static_cast<int>(w), +1, nullptr);
  }

  // Most frequent first; ties to the smaller (left, right) strings.
  const auto worse = [&](const Candidate& x, const Candidate& y) {
    if (x.count != y.count) return x.count < y.count;
    const auto& xa = text[static_cast<std::size_t>(x.a)];
    const auto& ya = text[static_cast<std::size_t>(y.a)];
    if (xa != ya) return xa > ya;
    return text[static_cast<std::size_t>(x.b)] > text[static_cast<std::size_t>(y.b)];
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> heap(worse);
  for (const auto& [k, n] : pair_count) {
    heap.push({n, static_cast<int>(k >> 32), static_cast<int>(k & 0xffffffffu)});
  }

  std::vector<std::size_t> visited(words.size(), 0);
  std::size_t round = 0;
  while (!heap.empty() && out.characters.size() + out.merges.size() < max_pieces) {
    const Candidate top = heap.top();
    heap.pop();
    const PairKey k = key(top.a, top.b);
    const auto pc = pair_count.find(k);
    if (pc == pair_count.end() || pc->second != top.count) continue;  // stale
    if (top.count < static_cast<std::int64_t>(min_count)) break;
    const std::string merged = text[static_cast<std::size_t>(top.a)] + text[static_cast<std::size_t>(top.b)];
    auto [it, fresh] = id.emplace(merged, static_cast<int>(text.size()));
    if (fresh) {
      text.push_back(merged);
      cls.push_back(piece_class(merged));
      out.merges.push_back(merged);
    }
    const int c = it->second;

    ++round;
    std::unordered_set<PairKey> changed;
    const std::vector<int> touched = std::move(where[k]);
    where.erase(k);
    for (const int w : touched) {
      auto& seen = visited[static_cast<std::size_t>(w)];
      if (seen == round) continue;
      seen = round;
      add_pairs(w, -1, &changed);
      auto& s = words[static_cast<std::size_t>(w)].symbols;
      std::vector<int> next;
      next.reserve(s.size());
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == top.a && s[i + 1] == top.b) {
          next.push_back(c);
          ++i;
        } else {
          next.push_back(s[i]);
        }
      }
      s = std::move(next);
      add_pairs(w, +1, &changed);
    }
    for (const PairKey ck : changed) {
      const auto n = pair_count[ck];
      if (n <= 0) {
        pair_count.erase(ck);
        continue;
      }
      heap.push({n, static_cast<int>(ck >> 32), static_cast<int>(ck & 0xffffffffu)});
    }
  }
  for (const auto& w : words) out.corpus_pieces += w.symbols.size() * static_cast<std::size_t>(w.count);
  return out;
}

}  // namespace uniner::engine

#include "uniner/text/locate.h"

#include <cstdint>
#include <deque>
#include <unordered_map>

#include "text/unicode.h"
#include "text/utf8.h"

namespace uniner {
namespace {

// Non-overlapping occurrences, leftmost first (after a match the search resumes at its end), by
// Knuth-Morris-Pratt: linear in the passage and the needle, whatever they hold.
std::vector<TextSpan> find_all(const std::u32string& hay, const std::u32string& needle,
                               const std::vector<std::size_t>& byte_at, bool exact) {
  std::vector<TextSpan> spans;
  const std::size_t m = needle.size();
  if (m == 0 || m > hay.size()) return spans;
  std::vector<std::size_t> border(m, 0);  // border[q]: longest proper border of needle[0, q]
  for (std::size_t q = 1, k = 0; q < m; ++q) {
    while (k > 0 && needle[q] != needle[k]) k = border[k - 1];
    if (needle[q] == needle[k]) ++k;
    border[q] = k;
  }
  std::size_t k = 0;
  for (std::size_t i = 0; i < hay.size(); ++i) {
    while (k > 0 && hay[i] != needle[k]) k = border[k - 1];
    if (hay[i] == needle[k]) ++k;
    if (k == m) {
      const std::size_t start = i + 1 - m;
      spans.push_back({start, i + 1, byte_at[start], byte_at[i + 1], exact});
      k = 0;
    }
  }
  return spans;
}

std::u32string folded(std::u32string s) {
  for (char32_t& c : s) c = text::simple_fold(c);
  return s;
}

bool is_blank(const std::u32string& s) {
  for (char32_t c : s)
    if (!text::python_is_space(c)) return false;
  return true;
}

// An Aho-Corasick automaton over case-folded code points.
class Automaton {
 public:
  Automaton() : fail_(1, 0), out_(1, kNone), first_(1, kNone) {}

  void add(const std::u32string& word, std::uint32_t id) {
    std::uint32_t node = 0;
    for (char32_t c : word) {
      auto [it, fresh] = next_.try_emplace(key(node, c), static_cast<std::uint32_t>(fail_.size()));
      if (fresh) {
        fail_.push_back(0);
        out_.push_back(kNone);
        first_.push_back(kNone);
      }
      node = it->second;
    }
    if (ids_.size() <= id) ids_.resize(id + 1, kNone);
    ids_[id] = first_[node];  // a chain of the ids ending at this node
    first_[node] = id;
  }

  // Marks found[id] for every word that occurs in `text`.
  void scan(const std::u32string& text, std::vector<bool>& found) {
    link();
    std::vector<bool> reported(fail_.size(), false);
    std::uint32_t state = 0;
    for (char32_t c : text) {
      state = step(state, c);
      // Report this node's words and those of its dictionary suffixes, each node once.
      for (std::uint32_t n = first_[state] != kNone ? state : out_[state];
           n != kNone && !reported[n]; n = out_[n]) {
        reported[n] = true;
        for (std::uint32_t id = first_[n]; id != kNone; id = ids_[id]) found[id] = true;
      }
    }
  }

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFF;
  static std::uint64_t key(std::uint32_t node, char32_t c) {
    return (static_cast<std::uint64_t>(node) << 21) | c;
  }
  std::uint32_t child(std::uint32_t node, char32_t c) const {
    const auto it = next_.find(key(node, c));
    return it == next_.end() ? kNone : it->second;
  }
  std::uint32_t step(std::uint32_t state, char32_t c) const {
    for (;;) {
      const std::uint32_t n = child(state, c);
      if (n != kNone) return n;
      if (state == 0) return 0;
      state = fail_[state];
    }
  }
  // Failure links and dictionary-suffix links, breadth first.
  void link() {
    std::vector<std::vector<std::pair<char32_t, std::uint32_t>>> children(fail_.size());
    for (const auto& [k, n] : next_) {
      children[static_cast<std::uint32_t>(k >> 21)].emplace_back(
          static_cast<char32_t>(k & 0x1FFFFF), n);
    }
    std::deque<std::uint32_t> queue;
    for (const auto& [c, n] : children[0]) {
      fail_[n] = 0;
      queue.push_back(n);
    }
    while (!queue.empty()) {
      const std::uint32_t node = queue.front();
      queue.pop_front();
      for (const auto& [c, n] : children[node]) {
        fail_[n] = step(fail_[node], c);
        out_[n] = first_[fail_[n]] != kNone ? fail_[n] : out_[fail_[n]];
        queue.push_back(n);
      }
    }
  }

  std::unordered_map<std::uint64_t, std::uint32_t> next_;  // (node, code point) -> node
  std::vector<std::uint32_t> fail_, out_, first_, ids_;
};

}  // namespace

std::vector<bool> locatable(std::string_view haystack,
                            const std::vector<std::string_view>& needles) {
  std::vector<bool> found(needles.size(), false);
  if (find_invalid_utf8(haystack)) return found;
  // locate_all finds a needle exactly or, failing that, ignoring case; an exact occurrence is
  // also a case-folded one, so "found" is: the folded needle occurs in the folded haystack.
  Automaton automaton;
  bool any = false;
  for (std::size_t i = 0; i < needles.size(); ++i) {
    if (find_invalid_utf8(needles[i])) continue;
    const std::u32string n = utf8_to_u32(needles[i]);
    if (is_blank(n)) continue;
    automaton.add(folded(n), static_cast<std::uint32_t>(i));
    any = true;
  }
  if (any) automaton.scan(folded(utf8_to_u32(haystack)), found);
  return found;
}

std::vector<TextSpan> locate_all(std::string_view haystack, std::string_view needle) {
  // Offsets are only defined on valid UTF-8: anything else locates nowhere (never out of bounds).
  if (find_invalid_utf8(needle) || find_invalid_utf8(haystack)) return {};
  const std::u32string n = utf8_to_u32(needle);
  if (is_blank(n)) return {};

  const std::u32string h = utf8_to_u32(haystack);
  // byte offset of each code point, plus the end
  std::vector<std::size_t> byte_at;
  byte_at.reserve(h.size() + 1);
  for (std::size_t b = 0; b < haystack.size(); ++b)
    if ((static_cast<unsigned char>(haystack[b]) & 0xC0) != 0x80) byte_at.push_back(b);
  byte_at.push_back(haystack.size());

  auto spans = find_all(h, n, byte_at, /*exact=*/true);
  if (!spans.empty()) return spans;
  // a == b or fold(a) == fold(b) is fold(a) == fold(b): search the folded texts.
  return find_all(folded(h), folded(n), byte_at, /*exact=*/false);
}

}  // namespace uniner

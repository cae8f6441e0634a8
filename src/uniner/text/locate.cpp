#include "uniner/text/locate.h"

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

}  // namespace

std::vector<TextSpan> locate_all(std::string_view haystack, std::string_view needle) {
  // Offsets are only defined on valid UTF-8: anything else locates nowhere (never out of bounds).
  if (find_invalid_utf8(needle) || find_invalid_utf8(haystack)) return {};
  const std::u32string n = utf8_to_u32(needle);
  bool blank = true;
  for (char32_t c : n) blank = blank && text::python_is_space(c);
  if (blank) return {};

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

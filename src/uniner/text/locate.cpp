#include "uniner/text/locate.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace uniner {
namespace {

template <typename Eq>
std::vector<TextSpan> find_all(const std::u32string& hay, const std::u32string& needle,
                               const std::vector<std::size_t>& byte_at, bool exact, Eq eq) {
  std::vector<TextSpan> spans;
  if (needle.empty() || needle.size() > hay.size()) return spans;
  std::size_t i = 0;
  while (i + needle.size() <= hay.size()) {
    std::size_t k = 0;
    while (k < needle.size() && eq(hay[i + k], needle[k])) ++k;
    if (k == needle.size()) {
      spans.push_back({i, i + needle.size(), byte_at[i], byte_at[i + needle.size()], exact});
      i += needle.size();
    } else {
      ++i;
    }
  }
  return spans;
}

}  // namespace

std::vector<TextSpan> locate_all(std::string_view haystack, std::string_view needle) {
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

  auto spans = find_all(h, n, byte_at, true, [](char32_t a, char32_t b) { return a == b; });
  if (!spans.empty()) return spans;
  return find_all(h, n, byte_at, false, [](char32_t a, char32_t b) {
    return a == b || text::simple_fold(a) == text::simple_fold(b);
  });
}

}  // namespace uniner

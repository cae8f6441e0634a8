#include "uniner/text/normalize.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace uniner {
namespace {

bool is_ascii_punctuation(char32_t c) {
  // Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

bool word_at(const std::u32string& s, std::size_t i) {
  return i < s.size() && text::python_is_word(s[i]);
}

// Python's \b at position i (between s[i-1] and s[i]).
bool boundary_at(const std::u32string& s, std::size_t i) {
  const bool before = i > 0 && word_at(s, i - 1);
  return before != word_at(s, i);
}

// re.sub(r'\b(a|an|the)\b', ' ', s): alternatives tried in order, non-overlapping, left to right.
std::u32string replace_articles(const std::u32string& s) {
  static const std::u32string kArticles[] = {U"a", U"an", U"the"};
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t matched = 0;
    if (boundary_at(s, i)) {
      for (const auto& art : kArticles) {
        if (s.compare(i, art.size(), art) == 0 && boundary_at(s, i + art.size())) {
          matched = art.size();
          break;
        }
      }
    }
    if (matched) {
      out.push_back(U' ');
      i += matched;
    } else {
      out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string python_strip(std::string_view s) {
  const std::u32string u = utf8_to_u32(s);
  std::size_t a = 0, b = u.size();
  while (a < b && text::python_is_space(u[a])) ++a;
  while (b > a && text::python_is_space(u[b - 1])) --b;
  return u32_to_utf8(std::u32string_view(u).substr(a, b - a));
}

std::string normalize_answer(std::string_view s) {
  std::u32string text = text::python_lower(utf8_to_u32(s));
  std::u32string no_punct;
  no_punct.reserve(text.size());
  for (char32_t c : text)
    if (!is_ascii_punctuation(c)) no_punct.push_back(c);
  const std::u32string no_articles = replace_articles(no_punct);

  // ' '.join(s.split())
  std::string out;
  out.reserve(no_articles.size());
  bool pending_space = false;
  for (char32_t c : no_articles) {
    if (text::python_is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    append_utf8(out, c);
  }
  return out;
}

}  // namespace uniner

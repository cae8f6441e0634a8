// The official answer normalization of UniversalNER's scorer (REFERENCE.md section 3), with the
// semantics of Python 3 `str` so that non-ASCII answers score exactly as in the original:
//   s.lower()                                  (full Unicode lowercasing, final sigma)
//   remove ASCII punctuation (string.punctuation)
//   re.sub(r'\b(a|an|the)\b', ' ', s)          (Unicode word boundaries: \w = isalnum() or '_')
//   ' '.join(s.split())                        (str.split() whitespace, incl. U+0085, U+3000...)
#pragma once

#include <string>
#include <string_view>

namespace uniner {

// `s` must be valid UTF-8.
std::string normalize_answer(std::string_view s);

// Python's s.strip(): leading and trailing str.isspace() characters removed. Valid UTF-8 in.
std::string python_strip(std::string_view s);

}  // namespace uniner

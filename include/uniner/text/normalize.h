// The official answer normalization of UniversalNER's scorer (docs/recipe.md section 3), with
// the semantics of Python 3 `str` so that non-ASCII answers score exactly as in the original:
//   s.lower()                                  (full Unicode lowercasing, final sigma)
//   remove ASCII punctuation (string.punctuation)
//   re.sub(r'\b(a|an|the)\b', ' ', s)          (Unicode word boundaries: \w = isalnum() or '_')
//   ' '.join(s.split())                        (str.split() whitespace, incl. U+0085, U+3000...)
//
// Ownership: values in, new strings out. Errors: none; pure functions, thread-safe, they do not
// throw. Input must be valid UTF-8 (a precondition, not checked: an ill-formed byte reads as
// U+FFFD).
//
//   uniner::normalize_answer("The Eiffel Tower!");  // "eiffel tower"
//   uniner::normalize_answer("Jean-Paul  Sartre");  // "jeanpaul sartre"
//   uniner::python_strip("\u3000 Paris \n");        // "Paris"
#pragma once

#include <string>
#include <string_view>

namespace uniner {

// `s` must be valid UTF-8.
std::string normalize_answer(std::string_view s);

// Python's s.strip(): leading and trailing str.isspace() characters removed. Valid UTF-8 in.
std::string python_strip(std::string_view s);

}  // namespace uniner

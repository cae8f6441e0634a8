// Python 3 `str` character semantics, on ICU's Unicode database. Private to the text layer.
#pragma once

#include <string>

namespace uniner::text {

// str.lower(): full lowercase mapping (SpecialCasing, unconditional rules) and the final-sigma
// rule, as Python 3.3+ and ICU's root locale both do.
std::u32string python_lower(const std::u32string& s);

// str.isspace() as str.split() uses it: bidi class WS, B or S, or category Zs.
bool python_is_space(char32_t c);

// The `\w` of Python's `re` on str patterns: str.isalnum() or '_'.
bool python_is_word(char32_t c);

// A one-to-one simple case folding, for case-insensitive search that keeps offsets.
char32_t simple_fold(char32_t c);

}  // namespace uniner::text

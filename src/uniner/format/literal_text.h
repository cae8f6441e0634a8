// Small pieces shared by the parsers of model output (answer lists, teacher tuples).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace uniner {

// Decodes the backslash escape whose letter is at s[k] (the character after the backslash) into
// `out`: \n \t \r \b \f, \xHH, \uXXXX (with surrogate pairs; a lone surrogate becomes U+FFFD);
// any other escaped character (\" \' \\ \/ ...) stands for itself. Returns the index after it.
std::size_t decode_escape(std::string_view s, std::size_t k, std::string& out);

// The content of the first ``` fence (after its info line, up to the closing fence or the end);
// false when `s` has no fence.
bool code_fence_body(std::string_view s, std::string_view& body);

}  // namespace uniner

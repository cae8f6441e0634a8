// The answer of one query in the instruction data: the JSON list of entity strings, serialized
// exactly as the original's Python `json.dumps(list)` does (default arguments): ", " between
// items, `ensure_ascii=True` (every character outside U+0020..U+007E is escaped as \uXXXX with
// lowercase hex, astral characters as a surrogate pair; \" \\ \b \f \n \r \t as short escapes).
// The released benchmark files are byte-identical to this form.
//
//   uniner::answer_json({"Paris", "Zürich"});  // ["Paris", "Z\u00fcrich"]
//   uniner::answer_json({});                    // []
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace uniner {

// Items must be valid UTF-8.
std::string answer_json(std::span<const std::string> items);

// One string as Python's json.dumps(s) writes it, quotes included.
std::string python_json_string(std::string_view s);

}  // namespace uniner

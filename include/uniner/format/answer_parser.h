// Turning a model's raw answer ("[\"Paris\", \"Lyon\"]") into entity strings.
//
// Two modes:
//  - kOfficial: exactly the original scorer's `parser` (docs/recipe.md section 3): the first match
//    of `\[(.*?)\]` anchored at the start (no newline inside), parsed as JSON; any failure (no
//    match, bad JSON, an element that is not a string) gives the empty list.
//  - kLenient: recovers lists from real model output. Rules, in order (docs/parsers.md):
//      1. a ``` code fence: only its content is read;
//      2. anything before the first '[' is skipped (leading whitespace, prose);
//      3. elements are separated by commas; newlines are whitespace;
//      4. strings may use "double" or 'single' quotes, with backslash escapes; a quote closes a
//         string only when followed by optional whitespace and ',' ']' ')' or the end, so a ']'
//         or an apostrophe inside a string is part of it (O'Brien);
//      5. nested lists or tuples are flattened into their members;
//      6. unquoted elements (numbers, bare words) are kept as their trimmed text; null/None and
//         empty elements are skipped;
//      7. a missing closing bracket ends the list at the end of the text; a string cut off by the
//         end of the text is dropped (the answer was truncated);
//      8. no '[' at all gives the empty list.
//
// Ownership: values in, new strings out. Errors: none; pure functions, thread-safe, they never
// throw: `answer` may be any bytes, and an answer without a usable list gives the empty list.
//
//   using uniner::ParserMode;
//   uniner::parse_answer(R"(["Paris", "Lyon"])", ParserMode::kOfficial);          // Paris, Lyon
//   uniner::parse_answer("Sure! ['Paris', 'Lyon'", ParserMode::kLenient);         // Paris, Lyon
//   uniner::parse_answer("Sure! ['Paris', 'Lyon'", ParserMode::kOfficial);        // {}
//   uniner::parse_answer_normalized(R"(["The Louvre"])", ParserMode::kOfficial);  // louvre
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace uniner {

enum class ParserMode { kOfficial, kLenient };

// The entity strings as written, exact duplicates removed (first occurrence kept).
std::vector<std::string> parse_answer(std::string_view answer, ParserMode mode);

// What the official scorer compares: each item normalized (normalize_answer), duplicates after
// normalization removed, first occurrence kept; an item that is not valid UTF-8 is dropped.
std::vector<std::string> parse_answer_normalized(std::string_view answer, ParserMode mode);

}  // namespace uniner

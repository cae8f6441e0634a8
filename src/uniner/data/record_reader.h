// Streaming JSON Lines input with the bad-record policy of DESIGN.md section 4: a bad line
// (invalid UTF-8, invalid JSON, not an object, or a record `fn` rejects by throwing InputError)
// is skipped with a warning, or, in strict mode, ends the job with that InputError. Private.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace uniner {

using RecordFn = std::function<void(nlohmann::json& record, std::size_t line)>;
using WarningFn = std::function<void(const std::string& message)>;

// Calls fn for each non-blank line of `in` (named `source` in messages). Returns the number of
// bad lines skipped. `fn` reports a bad record by throwing InputError(where(source, line, ...)).
std::size_t for_each_jsonl_record(std::istream& in, const std::string& source, bool strict,
                                  const RecordFn& fn, const WarningFn& warning);

// The first character of the stream that is not whitespace (the stream is left unchanged),
// or '\0' for an empty stream.
char first_significant_char(std::istream& in);

}  // namespace uniner

// JSON-level helpers of the record formats, shared by the readers of every layer: the streaming
// JSON Lines reader with the bad-record policy, the conversation record as JSON, record ids.
// Internal: public headers never expose nlohmann types.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "uniner/format/records.h"

namespace uniner {

// {"id", "conversations": [{"from", "value"}, ...]} with the keys in the released files' order.
nlohmann::ordered_json to_json(const ConversationRecord& record);

using RecordFn = std::function<void(nlohmann::json& record, std::size_t line)>;
using WarningFn = std::function<void(const std::string& message)>;

// Streams a JSON Lines input with the bad-record policy (docs/library.md, "Errors"): fn(object, line)
// for each non-blank line; a bad line (invalid UTF-8, invalid JSON, not an object, or a record
// `fn` rejects by throwing InputError(where(source, line, ...))) is skipped and reported through
// `warning`, or, when `strict`, rethrown. Returns the number of bad lines skipped.
std::size_t for_each_jsonl_record(std::istream& in, const std::string& source, bool strict,
                                  const RecordFn& fn, const WarningFn& warning);

// The strict form over a file ("-" = stdin): the first bad line throws InputError("file:line:
// ...").
void read_jsonl(const std::string& path, const RecordFn& fn);

// The first character of the stream that is not whitespace (the stream is left unchanged),
// or '\0' for an empty stream.
char first_significant_char(std::istream& in);

// The id field of a record as text (a string, or a number's JSON text). Throws InputError.
std::string id_of(const nlohmann::json& record, const std::string& source, std::size_t line);

}  // namespace uniner

// JSON-level helpers of the record formats, shared by the readers of every layer: the streaming
// JSON Lines reader with the bad-record policy, the conversation record as JSON, record ids.
// Internal: public headers never expose nlohmann types.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "uniner/format/records.h"

namespace uniner {

// {"id", "conversations": [{"from", "value"}, ...]} with the keys in the released files' order.
nlohmann::ordered_json to_json(const ConversationRecord& record);

using RecordFn = std::function<void(nlohmann::json& record, std::size_t line)>;
using WarningFn = std::function<void(const std::string& message)>;

// Streams a JSON Lines input with the bad-record policy (docs/library.md, "Errors"): fn(object,
// line) for each non-blank line; a bad line (invalid UTF-8, invalid JSON, not an object, or a
// record `fn` rejects by throwing InputError(where(source, line, ...))) is skipped and reported
// through `warning`, or, when `strict`, rethrown. Returns the number of bad lines skipped. A UTF-8
// byte order mark opening the stream is skipped; `lines_before` is the number of lines already
// consumed (by detect_json_layout), so that line numbers stay those of the file.
std::size_t for_each_jsonl_record(std::istream& in, const std::string& source, bool strict,
                                  const RecordFn& fn, const WarningFn& warning,
                                  std::size_t lines_before = 0);

// The strict form over a file ("-" = stdin): the first bad line throws InputError("file:line:
// ...").
void read_jsonl(const std::string& path, const RecordFn& fn);

// The first character of the stream that is not whitespace (the whitespace before it is
// consumed), or '\0' for an empty stream. Prefer detect_json_layout, which also skips a BOM.
char first_significant_char(std::istream& in);

// How a record file is laid out: the one way every command tells them apart. By the first
// character that is not whitespace, after a UTF-8 byte order mark: '[' a JSON array of records,
// '{' JSON Lines, anything else kOther (not JSON: plain text, or JSON Lines with bad records),
// '\0' (nothing) kEmpty.
enum class JsonLayout { kEmpty, kArray, kLines, kOther };
JsonLayout json_layout_of(char first_significant);
// The same on a stream: the BOM and the leading whitespace are consumed (`lines_consumed`
// counts the newlines among it).
JsonLayout detect_json_layout(std::istream& in, std::size_t& lines_consumed);

// Whether the unterminated last line of one of uniner's JSON Lines outputs is what an interrupted
// write leaves (a prefix of a record, which starts `{"id":`, or NUL bytes after a power loss), and
// so may be cut away. Any other unterminated line was not written by uniner: keep it, and stop.
bool looks_like_torn_record(std::string_view line);

// Consumes a UTF-8 byte order mark at the stream's current position; true when there was one.
bool skip_utf8_bom(std::istream& in);

// Nesting deeper than this is bad input for every JSON reader: nlohmann's parser is iterative,
// but copying or printing a value recurses once per level.
inline constexpr std::size_t kMaxJsonDepth = 512;

// True when `text` nests arrays and objects deeper than `max_depth` (strings are skipped).
bool json_nesting_exceeds(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// One JSON value from untrusted text: any nlohmann error (syntax, a number overflowing a double)
// or nesting beyond kMaxJsonDepth throws InputError(where(source, line, "invalid JSON: ...")).
nlohmann::json parse_json_value(std::string_view text, const std::string& source, std::size_t line);

using ConversationFn =
    std::function<void(ConversationRecord&& record, std::size_t index, std::size_t line)>;

// Streams conversation records from a JSON array of records or from JSON Lines (detect_json_layout)
// with the bad-record policy: a record that is not a conversation object (an array, a number, a
// record without 'conversations' ...) or that `fn` rejects with InputError is skipped and
// reported through `warning`, or rethrown when `strict`. Invalid JSON inside a JSON array ends the
// stream (InputError with the line): an array cannot be resynchronized. Returns the bad records.
std::size_t for_each_conversation(std::istream& in, const std::string& source, bool strict,
                                  const ConversationFn& fn, const WarningFn& warning);

// The id field of a record as text (a string, or a number's JSON text). Throws InputError.
std::string id_of(const nlohmann::json& record, const std::string& source, std::size_t line);

}  // namespace uniner

// The body of POST /v1/extract, checked field by field: every problem names the field it is in,
// so that a client sees at once what to fix (400 {"error": "...", "field": "..."}).
//
//   {"text": "...", "types": ["drug", ...], "parser"?: "lenient"|"official",
//    "max_new_tokens"?: N, "byte_offsets"?: bool}
//   {"texts": ["...", ...], "types": [...], ...the same options}
//
// Pure: no model, no network; `count_tokens` is the model's tokenizer (or a stand-in in tests).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "uniner/format/answer_parser.h"

namespace uniner::serve {

struct RequestLimits {
  int max_types = 32;
  int max_texts = 64;
  int max_text_tokens = 4096;
  int max_new_tokens_limit = 1024;
};

// A valid request. Passage i of `texts` gets id "i+1": the ids `uniner extract --input` gives
// the lines of a text file, so that records compare with the CLI's byte for byte.
struct ExtractCall {
  std::vector<std::string> texts;
  bool single = true;  // "text" was given: the answer is one record, not {"results": [...]}
  std::vector<std::string> types;
  std::optional<int> max_new_tokens;
  std::optional<ParserMode> parser;
  bool byte_offsets = false;
};

struct RequestError {
  std::string field;    // "text", "texts[2]", "types", ... or "" for the body as a whole
  std::string message;  // starts with the field: "types: must not be empty"
};

using TokenCounter = std::function<std::size_t(std::string_view)>;

// Never throws for any body (bad input is a RequestError); the counter may throw Error.
std::variant<ExtractCall, RequestError> parse_extract_request(std::string_view body,
                                                              const RequestLimits& limits,
                                                              const TokenCounter& count_tokens);

// Where the first invalid UTF-8 of a JSON body lies, as a field path ("texts[1]", "types[0]"),
// "" when the body cannot be read as JSON even with the bad bytes replaced; nullopt when the body
// is valid UTF-8.
std::optional<std::string> invalid_utf8_field(std::string_view body);

}  // namespace uniner::serve

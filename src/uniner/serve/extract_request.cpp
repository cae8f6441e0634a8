#include "serve/extract_request.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "format/json_records.h"
#include "text/utf8.h"
#include "uniner/error.h"

namespace uniner::serve {
namespace {

using nlohmann::json;

// Thrown inside the parser only, turned into a RequestError at its boundary.
struct Bad {
  std::string field, reason;
};

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string check_text(const json& v, const std::string& field, const RequestLimits& limits,
                       const TokenCounter& count_tokens) {
  if (!v.is_string()) throw Bad{field, "must be a string"};
  std::string text = v.get<std::string>();
  if (blank(text)) throw Bad{field, "empty text"};
  // A cheap bound first: a token holds at least one byte, so no tokenizer run is needed to refuse
  // a megabyte; then the real count.
  const auto limit = static_cast<std::size_t>(limits.max_text_tokens);
  if (text.size() > limit * 64) {
    throw Bad{field, "longer than the limit of " + std::to_string(limit) + " tokens"};
  }
  if (const std::size_t n = count_tokens(text); n > limit) {
    throw Bad{field, std::to_string(n) + " tokens, more than the limit of " +
                         std::to_string(limit)};
  }
  return text;
}

std::vector<std::string> check_types(const json& v, const RequestLimits& limits) {
  if (!v.is_array()) throw Bad{"types", "must be an array of strings"};
  if (v.empty()) throw Bad{"types", "must not be empty"};
  if (v.size() > static_cast<std::size_t>(limits.max_types)) {
    throw Bad{"types", std::to_string(v.size()) + " types, more than the limit of " +
                           std::to_string(limits.max_types)};
  }
  std::vector<std::string> types;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string field = "types[" + std::to_string(i) + "]";
    if (!v[i].is_string()) throw Bad{field, "must be a string"};
    std::string t = v[i].get<std::string>();
    if (t.find_first_not_of(" \t") == std::string::npos) throw Bad{field, "empty entity type"};
    if (t.find_first_of("\r\n") != std::string::npos) {
      throw Bad{field, "contains a newline (the prompt is one line)"};
    }
    types.push_back(std::move(t));
  }
  return types;
}

ExtractCall check_request(const json& body, const RequestLimits& limits,
                          const TokenCounter& count_tokens) {
  if (!body.is_object()) throw Bad{"", "the body must be a JSON object"};
  static const char* const kKnown[] = {"text", "texts", "types", "parser", "max_new_tokens",
                                       "byte_offsets"};
  for (const auto& [key, value] : body.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      throw Bad{key, "unknown field (known: text, texts, types, parser, max_new_tokens, "
                     "byte_offsets)"};
    }
  }
  ExtractCall call;
  const bool has_text = body.contains("text"), has_texts = body.contains("texts");
  if (has_text && has_texts) throw Bad{"texts", "give either text or texts, not both"};
  if (!has_text && !has_texts) throw Bad{"text", "missing (give text or texts)"};
  if (has_text) {
    call.texts.push_back(check_text(body["text"], "text", limits, count_tokens));
  } else {
    call.single = false;
    const json& texts = body["texts"];
    if (!texts.is_array()) throw Bad{"texts", "must be an array of strings"};
    if (texts.empty()) throw Bad{"texts", "must not be empty"};
    if (texts.size() > static_cast<std::size_t>(limits.max_texts)) {
      throw Bad{"texts", std::to_string(texts.size()) + " texts, more than the limit of " +
                             std::to_string(limits.max_texts)};
    }
    for (std::size_t i = 0; i < texts.size(); ++i) {
      call.texts.push_back(
          check_text(texts[i], "texts[" + std::to_string(i) + "]", limits, count_tokens));
    }
  }
  if (!body.contains("types")) throw Bad{"types", "missing"};
  call.types = check_types(body["types"], limits);
  if (auto it = body.find("parser"); it != body.end()) {
    if (*it == "lenient") {
      call.parser = ParserMode::kLenient;
    } else if (*it == "official") {
      call.parser = ParserMode::kOfficial;
    } else {
      throw Bad{"parser", "must be \"lenient\" or \"official\""};
    }
  }
  if (auto it = body.find("max_new_tokens"); it != body.end()) {
    const auto limit = limits.max_new_tokens_limit;
    const std::string range = "must be a whole number from 1 to " + std::to_string(limit);
    if (!it->is_number_integer()) throw Bad{"max_new_tokens", range};
    // Unsigned JSON numbers above INT64_MAX read as negative here: refused by the same test.
    const auto n = it->get<std::int64_t>();
    if (n < 1 || n > limit) throw Bad{"max_new_tokens", range};
    call.max_new_tokens = static_cast<int>(n);
  }
  if (auto it = body.find("byte_offsets"); it != body.end()) {
    if (!it->is_boolean()) throw Bad{"byte_offsets", "must be true or false"};
    call.byte_offsets = it->get<bool>();
  }
  return call;
}

// Searches a parsed value for the first string (or key) that holds `mark`.
std::optional<std::string> path_of_mark(const json& v, const std::string& path,
                                        const std::string& mark) {
  if (v.is_string()) {
    if (v.get_ref<const std::string&>().find(mark) != std::string::npos) return path;
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (auto p = path_of_mark(v[i], path + "[" + std::to_string(i) + "]", mark)) return p;
    }
  } else if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      const std::string child = path.empty() ? key : path + "." + key;
      if (key.find(mark) != std::string::npos) return path.empty() ? "" : path;
      if (auto p = path_of_mark(value, child, mark)) return p;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> invalid_utf8_field(std::string_view body) {
  if (!find_invalid_utf8(body)) return std::nullopt;
  // The JSON parser refuses invalid UTF-8 without saying where it is. Each bad byte is replaced
  // by a marker character the body does not contain; the repaired body is parsed, and the
  // string holding the marker names the field.
  std::string mark;
  for (char32_t c = 0xE000; c < 0xF900 && mark.empty(); ++c) {
    std::string candidate;
    append_utf8(candidate, c);
    if (body.find(candidate) == std::string_view::npos) mark = candidate;
  }
  if (mark.empty()) return std::string();
  std::string repaired;
  std::string_view rest = body;
  while (auto bad = find_invalid_utf8(rest)) {
    repaired.append(rest.substr(0, bad->byte_offset));
    repaired += mark;
    rest.remove_prefix(bad->byte_offset + 1);
  }
  repaired.append(rest);
  if (json_nesting_exceeds(repaired)) return std::string();
  const json j = json::parse(repaired, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::string();
  return path_of_mark(j, "", mark).value_or("");
}

std::variant<ExtractCall, RequestError> parse_extract_request(std::string_view body,
                                                              const RequestLimits& limits,
                                                              const TokenCounter& count_tokens) {
  if (auto field = invalid_utf8_field(body)) {
    const auto bad = find_invalid_utf8(body);
    const std::string where_bad = "invalid UTF-8 at byte " + std::to_string(bad->byte_offset) +
                                  " of the body: " + bad->reason;
    return RequestError{*field, field->empty() ? where_bad : *field + ": " + where_bad};
  }
  json j;
  try {
    j = parse_json_value(body, "body", 0);
  } catch (const InputError& e) {
    return RequestError{"", e.what()};
  }
  try {
    return check_request(j, limits, count_tokens);
  } catch (const Bad& b) {
    return RequestError{b.field, b.field.empty() ? b.reason : b.field + ": " + b.reason};
  }
}

}  // namespace uniner::serve

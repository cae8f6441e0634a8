#include "uniner/format/passage_reader.h"

#include <nlohmann/json.hpp>

#include "format/json_records.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {

std::vector<std::string> parse_type_list(std::string_view list, const std::string& source) {
  std::vector<std::string> types;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view t = list.substr(start, comma - start);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (t.find_first_of("\r\n") != std::string_view::npos) {
      throw InputError(source + ": entity type '" + std::string(t) +
                       "' contains a newline (the prompt is one line)");
    }
    if (!t.empty()) types.emplace_back(t);
    start = comma + 1;
  }
  if (types.empty()) throw InputError(source + ": no entity types given");
  require_utf8(std::string_view(list), source);
  return types;
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

PassageReader::PassageReader(const std::string& path, PassageFormat format,
                             std::vector<std::string> default_types)
    : path_(path), in_(open_input(path)), default_types_(std::move(default_types)) {
  if (format == PassageFormat::kJsonl || ends_with(path, ".jsonl") || ends_with(path, ".json")) {
    jsonl_ = format != PassageFormat::kText;
  }
  skip_utf8_bom(*in_);
  if (format == PassageFormat::kAuto && !jsonl_) {
    // Look at the first non-blank line, keeping it for next(); blank lines before it count.
    while (std::getline(*in_, peeked_)) {
      const auto first = peeked_.find_first_not_of(" \t\r");
      if (first == std::string::npos) {
        ++line_;
        continue;
      }
      has_peeked_ = true;
      jsonl_ = json_layout_of(peeked_[first]) == JsonLayout::kLines;
      break;
    }
  }
}

PassageReader::~PassageReader() = default;

bool PassageReader::next(PassageInput& out, std::string& problem) {
  problem.clear();
  std::string text;
  while (true) {
    if (has_peeked_) {
      text = std::move(peeked_);
      has_peeked_ = false;
    } else if (!std::getline(*in_, text)) {
      return false;
    }
    ++line_;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") != std::string::npos) break;
  }
  const auto bad = [&](const std::string& why) {
    problem = where(path_, line_, why);
    return true;
  };
  if (auto invalid = find_invalid_utf8(text)) {
    return bad("invalid UTF-8 at byte " + std::to_string(invalid->byte_offset) +
               " of the line: " + invalid->reason);
  }
  if (!jsonl_) {
    out.id = std::to_string(line_);
    out.text = std::move(text);
    out.types = default_types_;
    if (out.types.empty()) return bad("no entity types (none were given for plain-text passages)");
    return true;
  }
  nlohmann::json j;
  try {
    j = parse_json_value(text, path_, line_);
  } catch (const InputError& e) {
    problem = e.what();
    return true;
  }
  if (!j.is_object()) return bad("expected a JSON object");
  auto t = j.find("text");
  if (t == j.end() || !t->is_string()) return bad("missing string 'text'");
  PassageInput p;
  try {
    p.id = j.contains("id") ? id_of(j, path_, line_) : std::to_string(line_);
  } catch (const InputError& e) {
    problem = e.what();
    return true;
  }
  p.text = t->get<std::string>();
  if (auto types = j.find("types"); types != j.end()) {
    if (!types->is_array()) return bad("'types' must be an array of strings");
    for (const auto& ty : *types) {
      if (!ty.is_string()) return bad("'types' must be an array of strings");
      p.types.push_back(ty.get<std::string>());
    }
  } else {
    p.types = default_types_;
  }
  if (p.types.empty())
    return bad("no entity types (the record has no 'types' and no default types were given)");
  out = std::move(p);
  return true;
}

}  // namespace uniner

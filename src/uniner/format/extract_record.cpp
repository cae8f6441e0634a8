#include "uniner/format/extract_record.h"

#include <istream>
#include <nlohmann/json.hpp>

#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {

using json = nlohmann::ordered_json;

std::string to_json_line(const ExtractRecord& r) {
  json entities = json::array();
  for (const auto& e : r.entities) {
    json j = {{"text", e.text}, {"type", e.type}};
    j["start"] = e.start ? json(*e.start) : json(nullptr);
    j["end"] = e.end ? json(*e.end) : json(nullptr);
    j["found"] = e.found;
    entities.push_back(std::move(j));
  }
  json raw = json::object();
  for (const auto& [type, answers] : r.raw) {
    raw[type] = answers.size() == 1 ? json(answers[0]) : json(answers);
  }
  json out = {
      {"id", r.id}, {"text", r.text}, {"entities", std::move(entities)}, {"raw", std::move(raw)}};
  if (r.windows > 1) out["windows"] = r.windows;
  if (!r.error.empty()) out["error"] = r.error;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

std::string string_field(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) throw InputError(what + "missing string '" + key + "'");
  return it->get<std::string>();
}

std::optional<std::size_t> offset_field(const json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end()) throw InputError(what + "entity without '" + key + "'");
  if (it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned()) throw InputError(what + "entity '" + key + "' is not an offset");
  return it->get<std::size_t>();
}

}  // namespace

ExtractRecord parse_extract_record(std::string_view line, const std::string& source,
                                   std::size_t line_number) {
  const std::string what = where(source, line_number, "not an extract record: ");
  // Ordered: "raw" keeps the order the types were asked in.
  if (json_nesting_exceeds(line))
    throw InputError(what + "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  json j;
  try {
    j = json::parse(line);
  } catch (const json::exception& e) {  // syntax, a number overflowing a double...
    throw InputError(what + "invalid JSON: " + e.what());
  }
  if (!j.is_object()) throw InputError(what + "not a JSON object");
  ExtractRecord r;
  r.id = string_field(j, "id", what);
  r.text = string_field(j, "text", what);
  auto entities = j.find("entities");
  if (entities == j.end() || !entities->is_array()) {
    throw InputError(what + "missing 'entities' array");
  }
  for (const auto& e : *entities) {
    if (!e.is_object()) throw InputError(what + "an entity is not an object");
    ExtractRecord::Entity x;
    x.text = string_field(e, "text", what);
    x.type = string_field(e, "type", what);
    x.start = offset_field(e, "start", what);
    x.end = offset_field(e, "end", what);
    auto found = e.find("found");
    if (found == e.end() || !found->is_boolean()) throw InputError(what + "entity without 'found'");
    x.found = found->get<bool>();
    r.entities.push_back(std::move(x));
  }
  auto raw = j.find("raw");
  if (raw == j.end() || !raw->is_object()) throw InputError(what + "missing 'raw' object");
  for (const auto& [type, answer] : raw->items()) {
    std::vector<std::string> answers;
    if (answer.is_string()) {
      answers.push_back(answer.get<std::string>());
    } else if (answer.is_array()) {
      for (const auto& a : answer) {
        if (!a.is_string()) throw InputError(what + "'raw' answers must be strings");
        answers.push_back(a.get<std::string>());
      }
    } else {
      throw InputError(what + "'raw' answers must be strings");
    }
    r.raw.emplace_back(type, std::move(answers));
  }
  if (auto w = j.find("windows"); w != j.end()) {
    if (!w->is_number_unsigned() || w->get<std::size_t>() < 1)
      throw InputError(what + "'windows' is not a count of at least 1");
    r.windows = w->get<std::size_t>();
  }
  if (auto e = j.find("error"); e != j.end()) {
    if (!e->is_string()) throw InputError(what + "'error' is not a string");
    r.error = e->get<std::string>();
  }
  return r;
}

ExtractOutputScan scan_extract_output(const std::string& path) {
  ExtractOutputScan scan;
  auto in = open_input(path);
  std::string line;
  std::size_t number = 0;
  while (std::getline(*in, line)) {
    ++number;
    if (in->eof()) {  // no newline: the write of this record was interrupted, or not ours
      if (!looks_like_torn_record(line)) parse_extract_record(line, path, number);  // throws
      scan.torn_bytes = line.size();
      break;
    }
    scan.ids.push_back(parse_extract_record(line, path, number).id);
    scan.complete_bytes += line.size() + 1;
  }
  if (in->bad()) throw Error(path + ": read error");
  return scan;
}

}  // namespace uniner

#include "uniner/format/annotated_passage.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "format/annotated_passage_json.h"
#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The field `key` when present and not null, else nullptr.
const json* field(const json& record, const char* key) {
  const auto it = record.find(key);
  return it == record.end() || it->is_null() ? nullptr : &*it;
}

bool is_count(const json& j) {
  return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
}

}  // namespace

bool status_has_entities(std::string_view status) {
  return status == "ok" || status == "parse_error";
}

AnnotatedPassage AnnotationRecord::passage() const {
  return {id, text, status, entities};
}

std::string to_json_line(const AnnotationRecord& r) {
  ordered_json rec;
  if (r.id_is_number) {
    auto id = ordered_json::parse(r.id, nullptr, /*allow_exceptions=*/false);
    if (!id.is_number()) throw InputError("record id '" + r.id + "' is not a JSON number");
    rec["id"] = std::move(id);
  } else {
    rec["id"] = r.id;
  }
  rec["text"] = r.text;
  ordered_json entities = ordered_json::array();
  for (const auto& e : r.entities) entities.push_back(ordered_json::array({e.text, e.type}));
  rec["entities"] = std::move(entities);
  rec["raw"] = r.raw;
  rec["status"] = r.status;
  if (!r.error.empty()) rec["error"] = r.error;
  rec["usage"] = {{"prompt_tokens", r.prompt_tokens}, {"completion_tokens", r.completion_tokens}};
  rec["unfound"] = r.unfound;
  rec["skipped"] = r.skipped;
  if (!r.finish_reason.empty()) rec["finish_reason"] = r.finish_reason;
  return rec.dump(-1, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace);
}

AnnotationRecord annotation_record_from_json(const json& record, const std::string& source,
                                             std::size_t line) {
  AnnotationRecord r;
  r.id = id_of(record, source, line);
  r.id_is_number = record.at("id").is_number();
  const auto bad = [&](const std::string& why) {
    return InputError(where(source, line, std::string("record ") + r.id + ": " + why));
  };
  const auto string_field = [&](const char* key, std::string& out) {
    if (const json* j = field(record, key)) {
      if (!j->is_string()) throw bad(std::string("'") + key + "' must be a string");
      out = j->get<std::string>();
    }
  };
  const auto count = [&](const json& j, const std::string& what) {
    if (!is_count(j)) throw bad(what + " must be a whole number >= 0");
    return j.get<std::uint64_t>();
  };
  const json* text = field(record, "text");
  if (text == nullptr || !text->is_string()) throw bad("missing string 'text'");
  r.text = text->get<std::string>();
  string_field("status", r.status);
  if (const json* entities = field(record, "entities")) {
    if (!entities->is_array()) throw bad("'entities' must be an array of [entity, type] pairs");
    r.entities.reserve(entities->size());
    std::size_t i = 0;
    for (const auto& e : *entities) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string()) {
        throw bad(std::string("entities[") + std::to_string(i) +
                  "] is not an [\"entity\", \"type\"] pair");
      }
      r.entities.push_back({e[0].get<std::string>(), e[1].get<std::string>()});
      ++i;
    }
  } else if (status_has_entities(r.status)) {
    throw bad("missing 'entities' array");
  }
  string_field("raw", r.raw);
  string_field("error", r.error);
  string_field("finish_reason", r.finish_reason);
  if (const json* usage = field(record, "usage")) {
    if (!usage->is_object()) throw bad("'usage' must be an object");
    if (const json* n = field(*usage, "prompt_tokens"))
      r.prompt_tokens = count(*n, "usage.prompt_tokens");
    if (const json* n = field(*usage, "completion_tokens"))
      r.completion_tokens = count(*n, "usage.completion_tokens");
  }
  if (const json* unfound = field(record, "unfound")) {
    if (!unfound->is_array()) throw bad("'unfound' must be an array of entity indexes");
    for (const auto& i : *unfound) {
      r.unfound.push_back(static_cast<std::size_t>(count(i, "'unfound' elements")));
    }
  }
  if (const json* skipped = field(record, "skipped")) {
    r.skipped = static_cast<std::size_t>(count(*skipped, "'skipped'"));
  }
  return r;
}

AnnotatedPassage annotated_passage_from_json(const json& record, const std::string& source,
                                             std::size_t line) {
  return annotation_record_from_json(record, source, line).passage();
}

AnnotationRecord parse_annotation_record(std::string_view json_line, const std::string& source,
                                         std::size_t line) {
  const json j = parse_json_value(json_line, source, line);
  if (!j.is_object()) throw InputError(where(source, line, "expected a JSON object"));
  return annotation_record_from_json(j, source, line);
}

}  // namespace uniner

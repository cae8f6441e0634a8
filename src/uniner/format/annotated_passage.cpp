#include "uniner/format/annotated_passage.h"
#include "format/annotated_passage_json.h"

#include <nlohmann/json.hpp>

#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {

bool status_has_entities(std::string_view status) {
  return status == "ok" || status == "parse_error";
}

AnnotatedPassage annotated_passage_from_json(const nlohmann::json& record,
                                             const std::string& source, std::size_t line) {
  AnnotatedPassage p;
  p.id = id_of(record, source, line);
  const auto bad = [&](const std::string& why) {
    return InputError(where(source, line, std::string("record ") + p.id + ": " + why));
  };
  auto text = record.find("text");
  if (text == record.end() || !text->is_string()) throw bad("missing string 'text'");
  p.text = text->get<std::string>();
  if (auto status = record.find("status"); status != record.end()) {
    if (!status->is_string()) throw bad("'status' must be a string");
    p.status = status->get<std::string>();
  }
  auto entities = record.find("entities");
  if (entities == record.end() || entities->is_null()) {
    if (status_has_entities(p.status)) throw bad("missing 'entities' array");
    return p;
  }
  if (!entities->is_array()) throw bad("'entities' must be an array of [entity, type] pairs");
  p.entities.reserve(entities->size());
  std::size_t i = 0;
  for (const auto& e : *entities) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string()) {
      throw bad(std::string("entities[") + std::to_string(i) +
                "] is not an [\"entity\", \"type\"] pair");
    }
    p.entities.push_back({e[0].get<std::string>(), e[1].get<std::string>()});
    ++i;
  }
  return p;
}

}  // namespace uniner

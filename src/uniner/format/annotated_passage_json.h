// Reading an annotation record from its JSON object (internal: used by the JSON Lines readers).
// The one reader of the record that annotate writes (include/uniner/format/annotated_passage.h).
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "uniner/format/annotated_passage.h"

namespace uniner {

// Reads every field of one record. Throws InputError("source:line: reason") when a field has the
// wrong shape: id (string or number) and text (string) are required; entities, required when the
// status has entities, is an array of [entity, type] string pairs; raw, status, error and
// finish_reason are strings, usage an object of unsigned integers, unfound an array of unsigned
// integers, skipped an unsigned integer (each may be absent or null).
AnnotationRecord annotation_record_from_json(const nlohmann::json& record,
                                             const std::string& source, std::size_t line);

// The fields the data tools use, with the same checks.
AnnotatedPassage annotated_passage_from_json(const nlohmann::json& record,
                                             const std::string& source, std::size_t line);

}  // namespace uniner

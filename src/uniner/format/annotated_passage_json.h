// Reading an annotation record from its JSON object (internal: used by the JSON Lines readers).
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "uniner/format/annotated_passage.h"

namespace uniner {

// Reads one record. Throws InputError("source:line: reason") when a field has the wrong shape:
// id (string or number) and text (string) are required; entities, required when the status has
// entities, is an array of [entity, type] string pairs.
AnnotatedPassage annotated_passage_from_json(const nlohmann::json& record,
                                             const std::string& source, std::size_t line);

}  // namespace uniner

// One passage as the teacher annotated it: a record of the JSON Lines file `uniner annotate`
// writes,
//   {"id": "p_0", "text": "...", "entities": [["Paris", "city"], ...], "status": "ok", ...}
// Only records whose status is "ok" or "parse_error" (a response that was repaired or partly
// recovered) carry entities that count; any other status ("failed", ...) marks a passage without
// a usable annotation. A record without "status" counts as "ok". Other fields are ignored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace uniner {

struct AnnotatedEntity {
  std::string text;  // the entity string as the teacher wrote it
  std::string type;  // its type (or its definition sentence, for definition-style data)
};

struct AnnotatedPassage {
  std::string id;
  std::string text;
  std::string status = "ok";
  std::vector<AnnotatedEntity> entities;  // in the teacher's order
};

// True for the statuses whose entities count: "ok" and "parse_error".
bool status_has_entities(std::string_view status);

}  // namespace uniner

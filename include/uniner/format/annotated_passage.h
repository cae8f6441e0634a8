// One passage as the teacher annotated it: a record of the JSON Lines file `uniner annotate`
// writes, one line each (keys in this order; "error" and "finish_reason" only when not empty):
//   {"id": "p_0", "text": "...", "entities": [["Paris", "city"], ...], "raw": "<the answer>",
//    "status": "ok", "error": "...", "usage": {"prompt_tokens": N, "completion_tokens": N},
//    "unfound": [1], "skipped": 0, "finish_reason": "stop"}
// Only records whose status is "ok" or "parse_error" (a response that was repaired or partly
// recovered) carry entities that count; any other status ("failed", ...) marks a passage without
// a usable annotation. A record without "status" counts as "ok".
//
// The record is written and read by one piece of code: `annotate` writes with to_json_line();
// its resume scan, `stats` and `build-data` read with parse_annotation_record() (or the same
// reader over an already parsed JSON object).
//
// Ownership: plain values. Errors: parse_annotation_record throws InputError("source:line:
// reason"); to_json_line throws InputError only for an id_is_number record whose id is not a
// number; status_has_entities does not throw. All are pure and thread-safe.
//
//   uniner::AnnotationRecord r = uniner::parse_annotation_record(line, "annotations.jsonl", 7);
//   if (uniner::status_has_entities(r.status))  // "ok" and "parse_error" carry entities
//     for (const uniner::AnnotatedEntity& e : r.entities) count(e.type, e.text);
//   out << uniner::to_json_line(r) << '\n';  // the bytes `uniner annotate` writes
#pragma once

#include <cstddef>
#include <cstdint>
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

// Every field `uniner annotate` writes. Reading: id and text are required; entities too when the
// status has entities; the other fields may be absent or null (then they keep their defaults),
// but a field that is present must have its type.
struct AnnotationRecord {
  std::string id;                         // the input's id: a string, or a number's JSON text
  bool id_is_number = false;              // written back as a JSON number (id holds its JSON text)
  std::string text;                       // the passage
  std::vector<AnnotatedEntity> entities;  // in the teacher's order
  std::string raw;                        // the teacher's answer, as received ("" when none)
  std::string status = "ok";              // ok, parse_error or failed
  std::string error;                      // why not ok ("" = not written)
  std::uint64_t prompt_tokens = 0;        // usage reported by the server
  std::uint64_t completion_tokens = 0;
  std::vector<std::size_t> unfound;  // indexes of entities not found in the text
  std::size_t skipped = 0;           // answer elements not kept as entities
  std::string finish_reason;         // "stop", "length"... ("" = not written)

  // The fields the data tools use.
  AnnotatedPassage passage() const;
};

// True for the statuses whose entities count: "ok" and "parse_error".
bool status_has_entities(std::string_view status);

// The record as one line of JSON, without the '\n'. Invalid UTF-8 in a string is written as
// U+FFFD. Throws InputError when id_is_number and id is not a JSON number.
std::string to_json_line(const AnnotationRecord& record);

// Reads one line written by to_json_line() (or by hand). Throws InputError("source:line:
// reason") for invalid JSON, a non-object, or a field of the wrong shape.
AnnotationRecord parse_annotation_record(std::string_view json_line, const std::string& source,
                                         std::size_t line);

}  // namespace uniner

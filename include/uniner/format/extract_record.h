// The output record of extraction, one JSON line per passage: what `uniner extract` writes (and
// reads back to resume), and what any other front end (an HTTP server) returns.
//
//   {"id": "1", "text": "Aspirin is made by Bayer.",
//    "entities": [{"text": "Aspirin", "type": "drug", "start": 0, "end": 7, "found": true}],
//    "raw": {"drug": "[\"Aspirin\"]"}}
//
// Keys in this order; "windows" (only when the passage was split into more than one window) and
// "error" (only when the passage could not be processed) follow "raw". An entity the model named
// but that is not in the passage has "found": false and null offsets. "raw" maps each type, in
// the order asked, to the model's answer: a string, or an array of one answer per window.
//
// Ownership: plain values. Errors: to_json_line does not throw; parse_extract_record throws
// InputError("source:line: not an extract record: <reason>"); scan_extract_output throws
// InputError when the file cannot be opened or a complete line is not a record, Error on a read
// error. All are thread-safe.
//
//   uniner::ExtractRecord r;
//   r.id = "1";
//   r.text = "Aspirin is made by Bayer.";
//   r.entities.push_back({"Aspirin", "drug", 0, 7, /*found=*/true});
//   r.raw.push_back({"drug", {R"(["Aspirin"])"}});
//   out << uniner::to_json_line(r) << '\n';
//   auto back = uniner::parse_extract_record(line, "out.jsonl", 1);  // InputError when not one
//   auto done = uniner::scan_extract_output("out.jsonl").ids;       // to resume a job
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uniner {

struct ExtractRecord {
  struct Entity {
    std::string text;  // the passage's text at the span when found, else the answer item
    std::string type;
    std::optional<std::size_t> start;  // offsets (code points or bytes, as the writer chose);
    std::optional<std::size_t> end;    // empty when not found
    bool found = false;

    bool operator==(const Entity&) const = default;
  };
  std::string id;
  std::string text;
  std::vector<Entity> entities;
  // Raw answers per type, in the order asked: one per window.
  std::vector<std::pair<std::string, std::vector<std::string>>> raw;
  std::size_t windows = 1;
  std::string error;  // non-empty: the passage was not processed, and why

  bool operator==(const ExtractRecord&) const = default;
};

// One JSON line, without the newline. Invalid UTF-8 in strings is replaced by U+FFFD.
std::string to_json_line(const ExtractRecord& record);

// Reads one line written by to_json_line. Throws InputError("source:line: not an extract
// record: <reason>") when it is not one (invalid JSON, a missing or mistyped field).
ExtractRecord parse_extract_record(std::string_view line, const std::string& source,
                                   std::size_t line_number);

// What an existing output file holds, to resume a job: the ids of its complete records in file
// order and the bytes they take. Bytes after the last newline (a record torn by an interrupted
// write) are not part of it: `torn_bytes` counts them. Throws InputError("file:line: not an
// extract record: ...") when a complete line is not a record: the file is damaged or is not an
// extract output, and a caller must not write over it.
struct ExtractOutputScan {
  std::vector<std::string> ids;
  std::size_t complete_bytes = 0;
  std::size_t torn_bytes = 0;
};
ExtractOutputScan scan_extract_output(const std::string& path);

}  // namespace uniner

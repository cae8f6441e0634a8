// Reading passages to extract from: plain text (one passage per line, its id the line number) or
// JSON Lines ({"id", "text", "types"?}). A bad record is reported and skipped, never fatal.
//
// Ownership: PassageInput is a plain value. A PassageReader owns the file it opened ("-":
// std::cin, borrowed); use it from one thread at a time.
// Errors: the constructor throws InputError when the path cannot be opened or is a directory.
// next() does not throw for a bad record: it describes it in `problem` ("file:line: reason").
// parse_type_list throws InputError ("source: reason") for an empty list, a type with a newline,
// or invalid UTF-8.
//
//   uniner::PassageReader reader("notes.txt", uniner::PassageFormat::kAuto, {"disease", "drug"});
//   uniner::PassageInput p;
//   std::string problem;
//   while (reader.next(p, problem)) {
//     if (!problem.empty()) { warn(problem); continue; }  // "notes.txt:7: invalid UTF-8 ..."
//     use(p.id, p.text, p.types);
//   }
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <vector>

namespace uniner {

struct PassageInput {
  std::string id;
  std::string text;                // valid UTF-8, not empty
  std::vector<std::string> types;  // at least one; no newlines
};

enum class PassageFormat { kAuto, kText, kJsonl };

// Splits "a,b , c" into trimmed, non-empty types; throws InputError for an empty list or a type
// with a newline.
std::vector<std::string> parse_type_list(std::string_view list, const std::string& source);

class PassageReader {
 public:
  // `default_types` apply to records without their own "types". kAuto: JSONL when the path ends
  // in .jsonl/.json or the first non-blank line starts with '{', else plain text.
  PassageReader(const std::string& path, PassageFormat format,
                std::vector<std::string> default_types);
  ~PassageReader();
  PassageReader(const PassageReader&) = delete;  // one reader owns one stream
  PassageReader& operator=(const PassageReader&) = delete;

  // The next passage, or false at the end. A bad record (not JSON, invalid UTF-8, no text...) is
  // skipped and described in `problem` as "file:line: reason"; the call returns true with
  // `problem` set and `out` untouched so the caller can report it.
  bool next(PassageInput& out, std::string& problem);

  // Whether the input is read as JSON Lines (else plain text, one passage per line).
  bool jsonl() const { return jsonl_; }

 private:
  std::string path_;
  std::shared_ptr<std::istream> in_;
  bool jsonl_ = false;
  std::vector<std::string> default_types_;
  std::size_t line_ = 0;
  std::string peeked_;
  bool has_peeked_ = false;
};

}  // namespace uniner

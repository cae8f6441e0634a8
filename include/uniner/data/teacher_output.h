// Parsing a teacher LLM's answer: a Python-style list of (entity, type) tuples, as the data
// construction prompt asks for (docs/recipe.md section 1), in all the ways real models write it.
//
// Ownership: values in, new values out. Errors: none; both functions are pure, thread-safe and
// never throw (see each one for what it accepts).
//
//   std::string_view answer = R"(Sure! [("Paris", "city"), ('O\'Brien', 'person')])";
//   auto out = uniner::parse_teacher_output(answer);
//   // out.parsed == true; out.entities == {{"Paris", "city"}, {"O'Brien", "person"}}
//   auto missing = uniner::find_unlocated("Paris is lovely.", out.entities);  // {1}
//
// Rules (each one has a test in tests/unit/teacher_output_test.cpp):
//  1. A ``` code fence: its content is read first; when it holds no list, the whole answer is.
//  2. Prose before the list is skipped: the list starts at the first '[' whose next non-blank
//     character is '(' '[' '{' ']' or a quote, or at the first '(' followed by a quote when the
//     answer has tuples but no enclosing brackets (one tuple per line, say). Prose after the
//     list is ignored.
//  3. Elements are separated by commas and/or whitespace (newlines included).
//  4. A tuple is (a, b) or [a, b] (JSON arrays of arrays); a member is a "double" or 'single'
//     quoted string with backslash escapes (\" \' \\ \n \t \uXXXX \xHH), or a bare word
//     (Paris). A quote closes a string only when followed by optional blanks and , ) ] or the
//     end, so apostrophes and stray quotes inside a string are kept ('McDonald's').
//  5. Entity and type are trimmed; a tuple that is not exactly two strings (a 1- or 3-tuple, a
//     nested list, a None, a lone string, an object) is skipped and counted in `not_pairs`; a
//     pair with an empty member in `empty`; an exact repeat of an earlier pair in `duplicates`.
//     Bare numbering and "..." between elements are ignored without counting.
//  6. A missing closing ']' ends the list at the end of the text; a tuple cut off by the end of
//     the text (the teacher ran out of tokens) is dropped and counted in `truncated`; every
//     complete tuple before it is kept.
//  7. `parsed` is false when no list or tuple was found at all (the caller records a
//     parse_error); "[]" parses, with no entities.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace uniner {

// One (entity, type) pair of a teacher answer. With the "definition" prompt variant, `type` is
// the teacher's one-sentence definition.
struct TeacherEntity {
  std::string entity;  // the mention as the teacher wrote it
  std::string type;    // its entity type (or definition)
  bool operator==(const TeacherEntity&) const = default;
};

struct TeacherOutput {
  std::vector<TeacherEntity> entities;  // in answer order, duplicates removed
  bool parsed = false;                  // a list (or at least one tuple) was found
  std::size_t not_pairs = 0;            // elements skipped: not a pair of strings
  std::size_t empty = 0;                // pairs skipped: empty entity or type
  std::size_t duplicates = 0;           // pairs skipped: exact repeat of an earlier pair
  std::size_t truncated = 0;            // 1 when the last tuple was cut off by the end of text

  // Every element that was found but not kept.
  std::size_t skipped() const { return not_pairs + empty + duplicates + truncated; }
};

// Parses one raw teacher answer. Never throws; `answer` may be any bytes (invalid UTF-8 is
// carried through into the strings unchanged).
TeacherOutput parse_teacher_output(std::string_view answer);

// Indexes (into `entities`) of the entities that occur nowhere in `passage`, neither exactly
// nor case-insensitively (uniner::locate_all). An entity that is not valid UTF-8 counts as not
// found. `passage` must be valid UTF-8.
std::vector<std::size_t> find_unlocated(std::string_view passage,
                                        const std::vector<TeacherEntity>& entities);

}  // namespace uniner

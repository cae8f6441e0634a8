// Locating an answer string in its passage, to give entities offsets (code points and bytes).
//
// Ownership: plain values; the spans index into the caller's `haystack`. Errors: none;
// locate_all is pure, thread-safe and does not throw. Both strings must be valid UTF-8 (a
// precondition, not checked).
//
//   for (const uniner::TextSpan& s : uniner::locate_all("Paris and paris", "Paris"))
//     std::printf("%zu-%zu\n", s.start, s.end);  // "0-5" only: exact matches win over folded ones
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace uniner {

// A half-open range [start, end) in both units.
struct TextSpan {
  std::size_t start = 0;       // code points
  std::size_t end = 0;         // code points
  std::size_t byte_start = 0;  // bytes of the UTF-8 text
  std::size_t byte_end = 0;
  bool exact_case = true;  // false when only the case-insensitive search found it
};

// All non-overlapping occurrences of `needle` in `haystack`, left to right. Exact matches when
// there is at least one; otherwise case-insensitive ones (simple Unicode case folding, one code
// point for one, so offsets stay those of the passage). Empty or whitespace-only needles match
// nothing. Both strings must be valid UTF-8 (otherwise nothing is found). Linear time in both.
std::vector<TextSpan> locate_all(std::string_view haystack, std::string_view needle);

// For each needle, whether locate_all(haystack, needle) finds it (exactly or ignoring case), for
// many needles at once: one pass over the haystack (Aho-Corasick), linear in the sizes of the
// haystack and the needles however many there are.
std::vector<bool> locatable(std::string_view haystack,
                            const std::vector<std::string_view>& needles);

}  // namespace uniner

// Where a text may be cut: sentence ends, line breaks, word gaps. The one sentence splitter of the
// tree, shared by the passage splitter (data/) and the engine's long-text windows. Private to the
// layers above text/ (not a public header).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace uniner::text {

// Decodes the code point at s[i] (valid UTF-8); sets `len` to its byte length. A sequence cut
// by the end of `s` decodes as U+FFFD of length 1 (never past the end).
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len);

// Whitespace that separates words (Unicode White_Space); no-break spaces do not.
bool is_break_space(char32_t c);

// The index after the break spaces starting at i.
std::size_t skip_break_space(std::string_view s, std::size_t i);
// `s` without its trailing break spaces.
std::string_view trim_break_space_end(std::string_view s);
// i moved back to the start of the code point it is in.
std::size_t floor_code_point(std::string_view s, std::size_t i);

struct Boundary {
  std::size_t pos;  // a cut: the piece before it is text[0, pos)
  int tier;         // 1 sentence end, 2 line break, 3 word gap
};

// The boundaries in text[1, limit), classified:
//   1: after . ! ? or … (optionally followed by closing quotes or brackets) before whitespace,
//      after a CJK full stop 。！？ (no space needed), or at a blank line;
//   2: at a line break;  3: at any other whitespace.
// A boundary sits at the start of its whitespace run; the run is read up to `limit + margin`
// bytes (so that a streaming caller classifies the run at its window's end the same way).
std::vector<Boundary> boundaries(std::string_view text, std::size_t limit, std::size_t margin);

}  // namespace uniner::text

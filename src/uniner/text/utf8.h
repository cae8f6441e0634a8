// UTF-8 validation and conversion. Invalid input is reported with its byte offset, never crashes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace uniner {

struct Utf8Problem {
  std::size_t byte_offset = 0;  // offset of the first byte of the bad sequence
  std::string reason;           // e.g. "unexpected continuation byte 0x80"
};

// The first ill-formed sequence (overlong forms, surrogates and values above U+10FFFF are
// ill-formed, as in the Unicode standard), or nullopt when `s` is valid UTF-8.
std::optional<Utf8Problem> find_invalid_utf8(std::string_view s);

// Throws InputError("<what>: invalid UTF-8 at byte N: reason") when `s` is not valid UTF-8.
void require_utf8(std::string_view s, const std::string& what);

// Conversions; the input must be valid (checked by the functions above).
std::u32string utf8_to_u32(std::string_view s);
std::string u32_to_utf8(std::u32string_view s);
void append_utf8(std::string& out, char32_t c);

// The one UTF-8 repair routine of the tree. Appends the valid UTF-8 of `in` to `out`, each
// ill-formed sequence (a bad lead byte with the continuation bytes after it) replaced by one
// U+FFFD, and removes what it consumed from `in`. An incomplete sequence at the very end is left
// in `in` (more bytes may follow, streaming) unless `last`. Returns the number of replacements;
// `first_bad` gets the offset in `in` of the first one.
std::size_t append_valid_utf8(std::string& in, bool last, std::string& out, std::size_t& first_bad);

// `s` with every ill-formed sequence replaced by U+FFFD (model output cut inside a character):
// append_valid_utf8 on the whole text.
std::string to_valid_utf8(std::string_view s);

// Number of code points in valid UTF-8.
std::size_t count_code_points(std::string_view s);

}  // namespace uniner

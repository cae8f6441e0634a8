#include "text/sentences.h"

#include <unicode/uchar.h>

#include <algorithm>

namespace uniner::text {
namespace {

bool is_terminal(char32_t c) {
  return c == '.' || c == '!' || c == '?' || c == 0x2026;
}
bool is_closer(char32_t c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == 0x201D || c == 0x2019 ||
         c == 0xBB || c == 0x300D || c == 0x300F;
}
bool is_cjk_stop(char32_t c) {
  return c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

}  // namespace

// Decodes the code point at s[i] (valid UTF-8); sets len to its byte length.
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    len = 1;
    return c;
  }
  len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (i + len > s.size()) {  // truncated: treat the byte alone (never happens on valid input)
    len = 1;
    return 0xFFFD;
  }
  char32_t cp = c & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

// Whitespace that separates words; no-break spaces do not.
bool is_break_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  if (c == 0xA0 || c == 0x2007 || c == 0x202F) return false;
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

std::size_t skip_break_space(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    std::size_t len;
    if (!is_break_space(decode_at(s, i, len))) break;
    i += len;
  }
  return i;
}

std::string_view trim_break_space_end(std::string_view s) {
  // Walk back over whole code points that are spaces.
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t len;
    if (!is_break_space(decode_at(s, start, len))) break;
    end = start;
  }
  return s.substr(0, end);
}

std::size_t floor_code_point(std::string_view s, std::size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// The boundaries in text[1, limit), classified; text beyond limit is only looked at.
std::vector<Boundary> boundaries(std::string_view text, std::size_t limit, std::size_t margin) {
  std::vector<Boundary> out;
  char32_t prev_solid = 0;     // the last non-space code point seen
  bool sentence_tail = false;  // prev_solid ends a sentence (terminal + closers)
  std::size_t i = 0;
  while (i < limit) {
    std::size_t len;
    const char32_t c = decode_at(text, i, len);
    if (!is_break_space(c)) {
      if (is_terminal(c)) {
        sentence_tail = true;
      } else if (!(is_closer(c) && sentence_tail)) {
        sentence_tail = false;
      }
      prev_solid = c;
      i += len;
      if (is_cjk_stop(c) && i < limit) {
        std::size_t next_len;
        if (!is_break_space(decode_at(text, i, next_len))) out.push_back({i, 1});
      }
      continue;
    }
    // A run of spaces [i, j): one boundary at its start.
    const std::size_t start = i;
    int newlines = 0;
    const std::size_t scan_end = std::min(text.size(), limit + margin);  // same when streaming
    while (i < scan_end) {
      const char32_t s = decode_at(text, i, len);
      if (!is_break_space(s)) break;
      newlines += s == '\n';
      i += len;
    }
    if (start > 0) {
      const int tier = newlines >= 2 || sentence_tail || is_cjk_stop(prev_solid) ? 1
                       : newlines == 1                                           ? 2
                                                                                 : 3;
      out.push_back({start, tier});
    }
  }
  return out;
}

}  // namespace uniner::text

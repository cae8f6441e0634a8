#include "text/utf8.h"

#include <cstdio>

#include "uniner/error.h"

namespace uniner {

std::string where(const std::string& source, std::size_t line, const std::string& reason) {
  if (line == 0) return source + ": " + reason;
  return source + ":" + std::to_string(line) + ": " + reason;
}

namespace {

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

// Decodes one code point at s[i]; on success advances i. Returns false with a reason otherwise.
bool decode_one(std::string_view s, std::size_t& i, char32_t& out, std::string* reason) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    out = b0;
    ++i;
    return true;
  }
  std::size_t len;
  char32_t cp;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    if (reason) {
      *reason = (b0 & 0xC0) == 0x80 ? "unexpected continuation byte " + hex_byte(b0)
                                    : "invalid lead byte " + hex_byte(b0);
    }
    return false;
  }
  if (i + len > s.size()) {
    if (reason) *reason = "truncated sequence at end of input";
    return false;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      if (reason) *reason = "expected continuation byte, got " + hex_byte(b);
      return false;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min) {
    if (reason) *reason = "overlong encoding";
    return false;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    if (reason) *reason = "encoded surrogate";
    return false;
  }
  if (cp > 0x10FFFF) {
    if (reason) *reason = "code point above U+10FFFF";
    return false;
  }
  out = cp;
  i += len;
  return true;
}

}  // namespace

std::optional<Utf8Problem> find_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  char32_t cp;
  std::string reason;
  while (i < s.size()) {
    // Fast path over ASCII runs.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    if (!decode_one(s, i, cp, &reason)) return Utf8Problem{at, reason};
  }
  return std::nullopt;
}

void require_utf8(std::string_view s, const std::string& what) {
  if (auto bad = find_invalid_utf8(s)) {
    throw InputError(what + ": invalid UTF-8 at byte " + std::to_string(bad->byte_offset) + ": " +
                     bad->reason);
  }
}

std::u32string utf8_to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  std::size_t i = 0;
  char32_t cp;
  while (i < s.size()) {
    if (!decode_one(s, i, cp, nullptr)) {
      cp = 0xFFFD;  // callers validate first; never loop forever on bad input
      ++i;
    }
    out.push_back(cp);
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string u32_to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

// The one repair routine. Appends the valid UTF-8 of `in` to `out`, each ill-formed sequence
// replaced by U+FFFD. An incomplete sequence at the very end is left in `in` (more bytes may
// follow) unless `last`. Returns the number of replacements; `first_bad` gets the offset of the
// first one.
std::size_t append_valid_utf8(std::string& in, bool last, std::string& out,
                              std::size_t& first_bad) {
  std::size_t replaced = 0, i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > 1 && i + len > in.size() && !last) {
      bool prefix = c >= 0xC2 && c <= 0xF4;
      for (std::size_t k = i + 1; k < in.size(); ++k)
        prefix = prefix && (static_cast<unsigned char>(in[k]) & 0xC0) == 0x80;
      if (prefix) break;  // a sequence cut by the chunk boundary: wait for the rest
    }
    const std::string_view seq = std::string_view(in).substr(i, len);
    if (len > 1 && seq.size() == len && !find_invalid_utf8(seq)) {
      out.append(seq);
      i += len;
      continue;
    }
    if (replaced++ == 0) first_bad = i;
    out.append("\xEF\xBF\xBD");
    ++i;
    while (i < in.size() && (static_cast<unsigned char>(in[i]) & 0xC0) == 0x80) ++i;
  }
  in.erase(0, i);
  return replaced;
}

std::string to_valid_utf8(std::string_view s) {
  if (!find_invalid_utf8(s)) return std::string(s);
  std::string in(s), out;
  out.reserve(s.size() + 8);
  std::size_t first_bad = 0;
  append_valid_utf8(in, /*last=*/true, out, first_bad);
  return out;
}

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace uniner

#include "text/unicode.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <vector>

namespace uniner::text {

std::u32string python_lower(const std::u32string& s) {
  // Fast path: pure ASCII lowercases byte by byte.
  bool ascii = true;
  for (char32_t c : s) ascii = ascii && c < 0x80;
  if (ascii) {
    std::u32string out = s;
    for (auto& c : out)
      if (c >= 'A' && c <= 'Z') c += 32;
    return out;
  }
  std::vector<UChar> src;
  src.reserve(s.size() * 2);
  for (char32_t c : s) {
    if (c < 0x10000) {
      src.push_back(static_cast<UChar>(c));
    } else {
      src.push_back(static_cast<UChar>(0xD800 + ((c - 0x10000) >> 10)));
      src.push_back(static_cast<UChar>(0xDC00 + ((c - 0x10000) & 0x3FF)));
    }
  }
  std::vector<UChar> dst(src.size() * 3 + 4);
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = u_strToLower(dst.data(), static_cast<int32_t>(dst.size()), src.data(),
                           static_cast<int32_t>(src.size()), "", &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    dst.resize(static_cast<std::size_t>(n));
    err = U_ZERO_ERROR;
    n = u_strToLower(dst.data(), n, src.data(), static_cast<int32_t>(src.size()), "", &err);
  }
  std::u32string out;
  out.reserve(static_cast<std::size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    const char32_t u = dst[static_cast<std::size_t>(i)];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
      const char32_t lo = dst[static_cast<std::size_t>(i + 1)];
      out.push_back(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
      ++i;
    } else {
      out.push_back(u);
    }
  }
  return out;
}

bool python_is_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  const auto cp = static_cast<UChar32>(c);
  const auto bidi = u_charDirection(cp);
  return bidi == U_WHITE_SPACE_NEUTRAL || bidi == U_BLOCK_SEPARATOR ||
         bidi == U_SEGMENT_SEPARATOR || u_charType(cp) == U_SPACE_SEPARATOR;
}

bool python_is_word(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  const auto cp = static_cast<UChar32>(c);
  // isalpha(): categories Lu Ll Lt Lm Lo; isnumeric() (covers isdigit/isdecimal): Numeric_Type set.
  return u_isalpha(cp) || u_getIntPropertyValue(cp, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

char32_t simple_fold(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

}  // namespace uniner::text

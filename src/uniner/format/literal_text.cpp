#include "format/literal_text.h"

#include "text/utf8.h"

namespace uniner {
namespace {

bool hex(std::string_view s, std::size_t j, std::size_t digits, char32_t& cp) {
  if (j + digits > s.size()) return false;
  cp = 0;
  for (std::size_t i = j; i < j + digits; ++i) {
    const char h = s[i];
    cp <<= 4;
    if (h >= '0' && h <= '9')
      cp |= static_cast<char32_t>(h - '0');
    else if (h >= 'a' && h <= 'f')
      cp |= static_cast<char32_t>(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F')
      cp |= static_cast<char32_t>(h - 'A' + 10);
    else
      return false;
  }
  return true;
}

}  // namespace

std::size_t decode_escape(std::string_view s, std::size_t k, std::string& out) {
  switch (s[k]) {
    case 'n':
      out.push_back('\n');
      return k + 1;
    case 't':
      out.push_back('\t');
      return k + 1;
    case 'r':
      out.push_back('\r');
      return k + 1;
    case 'b':
      out.push_back('\b');
      return k + 1;
    case 'f':
      out.push_back('\f');
      return k + 1;
    case 'x': {
      char32_t cp = 0;
      if (!hex(s, k + 1, 2, cp)) break;
      append_utf8(out, cp);
      return k + 3;
    }
    case 'u': {
      char32_t cp = 0;
      if (!hex(s, k + 1, 4, cp)) break;
      std::size_t j = k + 5;
      if (cp >= 0xD800 && cp <= 0xDBFF && j + 1 < s.size() && s[j] == '\\' && s[j + 1] == 'u') {
        char32_t lo = 0;
        if (hex(s, j + 2, 4, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          j += 6;
        }
      }
      append_utf8(out, (cp >= 0xD800 && cp <= 0xDFFF) ? char32_t{0xFFFD} : cp);
      return j;
    }
    default:
      break;
  }
  out.push_back(s[k]);
  return k + 1;
}

bool code_fence_body(std::string_view s, std::string_view& body) {
  const std::size_t fence = s.find("```");
  if (fence == std::string_view::npos) return false;
  std::size_t start = s.find('\n', fence);
  start = start == std::string_view::npos ? s.size() : start + 1;
  const std::size_t end = s.find("```", start);
  body = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  return true;
}

}  // namespace uniner

#include "uniner/data/name_cleaning.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "text/utf8.h"
#include "uniner/error.h"

namespace uniner {
namespace {

bool is_space(char32_t c) {
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace

std::string clean_type(std::string_view type, TypeCase type_case) {
  std::string out;
  out.reserve(type.size());
  bool pending_space = false;
  if (is_ascii(type)) {
    for (char c : type) {
      if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) {
        pending_space = !out.empty();
        continue;
      }
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(type_case == TypeCase::kLower && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return out;
  }
  for (char32_t c : utf8_to_u32(type)) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    append_utf8(out, c);
  }
  if (type_case == TypeCase::kLower) {
    std::string lowered;
    icu::UnicodeString::fromUTF8(out).toLower(icu::Locale::getRoot()).toUTF8String(lowered);
    return lowered;
  }
  return out;
}

std::string clean_entity(std::string_view entity) {
  const std::u32string s = utf8_to_u32(entity);
  std::size_t begin = 0, end = s.size();
  while (begin < end && is_space(s[begin])) ++begin;
  while (end > begin && is_space(s[end - 1])) --end;
  if (begin == 0 && end == s.size()) return std::string(entity);
  return u32_to_utf8(std::u32string_view(s).substr(begin, end - begin));
}

}  // namespace uniner

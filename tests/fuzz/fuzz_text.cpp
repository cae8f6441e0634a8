// The text layer: UTF-8 validation and repair, the official normalization, Python's strip, and
// locating a string in a passage. Input: "<haystack>\0<needle>" (no '\0': the needle is the
// input's second half).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "uniner/text/locate.h"
#include "uniner/text/normalize.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  const bool valid = fuzz::valid_utf8(s);
  const std::string repaired = to_valid_utf8(s);
  FUZZ_CHECK(fuzz::valid_utf8(repaired));
  if (valid) {
    FUZZ_CHECK(repaired == s);
    FUZZ_CHECK(u32_to_utf8(utf8_to_u32(s)) == s);
    FUZZ_CHECK(count_code_points(s) == utf8_to_u32(s).size());
    const std::string n = normalize_answer(s);
    FUZZ_CHECK(fuzz::valid_utf8(n) && normalize_answer(n) == n);
    const std::string stripped = python_strip(s);
    FUZZ_CHECK(s.find(stripped) != std::string_view::npos && python_strip(stripped) == stripped);
  }

  std::size_t cut = s.find('\0');
  std::string_view hay, needle;
  if (cut == std::string_view::npos) {
    hay = s;
    needle = s.substr(s.size() / 2);
  } else {
    hay = s.substr(0, cut);
    needle = s.substr(cut + 1);
  }
  const auto spans = locate_all(hay, needle);
  const bool both_valid = fuzz::valid_utf8(hay) && fuzz::valid_utf8(needle);
  if (!both_valid) FUZZ_CHECK(spans.empty());
  const std::size_t points = both_valid ? count_code_points(hay) : 0;
  std::size_t prev_end = 0;
  for (const auto& sp : spans) {
    FUZZ_CHECK(sp.start < sp.end && sp.end <= points && sp.start >= prev_end);
    FUZZ_CHECK(sp.byte_start < sp.byte_end && sp.byte_end <= hay.size());
    FUZZ_CHECK(count_code_points(hay.substr(0, sp.byte_start)) == sp.start);
    FUZZ_CHECK(count_code_points(hay.substr(sp.byte_start, sp.byte_end - sp.byte_start)) ==
               sp.end - sp.start);
    if (sp.exact_case) FUZZ_CHECK(hay.substr(sp.byte_start, sp.byte_end - sp.byte_start) == needle);
    prev_end = sp.end;
  }
  // The many-needle form agrees with locate_all, alone and beside other needles.
  FUZZ_CHECK(locatable(hay, {needle})[0] == !spans.empty());
  const auto several = locatable(hay, {needle, hay, needle.substr(0, needle.size() / 2)});
  FUZZ_CHECK(several[0] == !spans.empty());
  FUZZ_CHECK(several[2] == !locate_all(hay, needle.substr(0, needle.size() / 2)).empty());
  if (!spans.empty() && spans.front().exact_case) {
    FUZZ_CHECK(hay.find(needle) == spans.front().byte_start);
  }
  return 0;
}

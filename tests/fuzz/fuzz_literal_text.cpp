// Literal-text decoding (format/literal_text): backslash escapes and code fences.
#include <cstddef>
#include <cstdint>
#include <string>

#include "format/literal_text.h"
#include "fuzz_util.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  std::string out;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k] != '\\' || k + 1 >= s.size()) continue;
    const std::size_t before = out.size();
    const std::size_t next = decode_escape(s, k + 1, out);
    FUZZ_CHECK(next > k + 1 && next <= s.size());
    FUZZ_CHECK(out.size() > before && out.size() - before <= 4);
    // Escapes that name a code point decode to valid UTF-8.
    if (s[k + 1] == 'u' || s[k + 1] == 'x') {
      const std::string_view added(out.data() + before, out.size() - before);
      if (next > k + 2) FUZZ_CHECK(fuzz::valid_utf8(added));
    }
  }
  std::string_view body;
  if (code_fence_body(s, body)) {
    FUZZ_CHECK(body.data() >= s.data() && body.data() + body.size() <= s.data() + s.size());
  } else {
    FUZZ_CHECK(s.find("```") == std::string_view::npos);
  }
  return 0;
}

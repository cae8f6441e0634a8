// The passage splitter (data/passage_splitter). Input: one byte of budget, then the text
// (repaired to valid UTF-8, as the corpus readers do). Invariants: passages are non-empty,
// trimmed, valid UTF-8, in document order, within the budget unless one code point; feeding in
// chunks gives the passages of one feed; a document's passages do not depend on the one before.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "support/fake_tokens.h"
#include "uniner/data/passage_splitter.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t max_tokens = 1 + data[0] % 48;
  const std::string text =
      to_valid_utf8(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  const TokenCounter count = fuzz::fake_token_count;
  const auto passages = split_passages(text, max_tokens, count);
  std::size_t from = 0;
  for (const auto& p : passages) {
    FUZZ_CHECK(!p.empty() && fuzz::valid_utf8(p));
    FUZZ_CHECK(p.front() != ' ' && p.back() != ' ' && p.back() != '\n');
    FUZZ_CHECK(count(p) <= max_tokens || count_code_points(p) == 1);
    const std::size_t at = text.find(p, from);
    FUZZ_CHECK(at != std::string::npos);
    from = at + p.size();
  }
  // Streaming in chunks cut at code-point boundaries, after another document.
  std::vector<std::string> streamed;
  PassageSplitter splitter(max_tokens, count, [&](std::string&& p) { streamed.push_back(p); });
  splitter.feed(text);  // a first document, so that the second starts after it
  splitter.finish();
  streamed.clear();
  std::size_t i = 0;
  const std::size_t step = 1 + data[0] / 48;
  while (i < text.size()) {
    std::size_t j = std::min(text.size(), i + step * 7);
    while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
    splitter.feed(std::string_view(text).substr(i, j - i));
    i = j;
  }
  splitter.finish();
  FUZZ_CHECK(streamed == passages);
  return 0;
}

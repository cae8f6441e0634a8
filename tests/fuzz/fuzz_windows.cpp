// The engine's long-text windows (engine/windows), with a stand-in token counter. Input: one byte
// of budget and overlap, then the text (repaired to valid UTF-8). Invariants: windows are
// non-empty, trimmed, in order, strictly advancing, inside the text, each starting at a
// code-point boundary; no window repeats or lies inside the one before.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/windows.h"
#include "fuzz_util.h"
#include "support/fake_tokens.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t max_tokens = 1 + data[0] % 32;
  const std::size_t overlap = data[0] / 32;
  const std::string text =
      to_valid_utf8(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  const auto windows = engine::split_windows(text, max_tokens, overlap, fuzz::fake_token_count);
  FUZZ_CHECK(!windows.empty() || text.empty());
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const auto& w = windows[k];
    FUZZ_CHECK(w.byte_start <= w.byte_end && w.byte_end <= text.size());
    FUZZ_CHECK(
        fuzz::valid_utf8(std::string_view(text).substr(w.byte_start, w.byte_end - w.byte_start)));
    if (k) {
      const auto& prev = windows[k - 1];
      FUZZ_CHECK(w.byte_start >= prev.byte_start && w.byte_end > prev.byte_end);
    }
  }
  return 0;
}

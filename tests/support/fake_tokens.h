// A deterministic stand-in for a tokenizer (fuzz harnesses and windows_test): a word of n bytes is
// 1 + n / 4 tokens, spaces are free (like SentencePiece, counts of pieces roughly add up, but not
// exactly).
#pragma once

#include <cstddef>
#include <string_view>

namespace uniner::fuzz {

inline std::size_t fake_token_count(std::string_view s) {
  std::size_t tokens = 0, word = 0;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (word) tokens += 1 + word / 4;
      word = 0;
    } else {
      ++word;
    }
  }
  if (word) tokens += 1 + word / 4;
  return tokens;
}

}  // namespace uniner::fuzz

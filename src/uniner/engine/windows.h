// Splitting a long passage into overlapping windows that each fit a token budget. Private to
// engine/ (it only needs a token counter, so tests drive it with the real vocabulary).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace uniner::engine {

struct Window {
  std::size_t byte_start = 0;  // [byte_start, byte_end) of the passage, trimmed of whitespace
  std::size_t byte_end = 0;
};

using TokenCounter = std::function<std::size_t(std::string_view)>;

// Windows of at most `max_tokens` tokens each, cut at sentence ends or line breaks (the sentence
// splitter of text/sentences.h, shared with the passage splitter), else at whitespace, else inside
// a word at a UTF-8 character boundary; consecutive windows overlap by whole sentences (or words)
// worth at most `overlap_tokens`. A text within the budget is one window; the list is never empty.
// The work is linear in the text: each unit is counted once and every window advances by at
// least one unit.
std::vector<Window> split_windows(std::string_view text, std::size_t max_tokens,
                                  std::size_t overlap_tokens, const TokenCounter& count_tokens);

}  // namespace uniner::engine

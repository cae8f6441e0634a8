// Cutting a document into passages of at most N tokens, streaming: the document is fed in chunks
// of any size and passages come out as soon as they are final, so memory stays bounded by a few
// passages whatever the document's length.
//
// Where a passage ends, in order of preference (the longest passage that fits wins within a
// tier; a lower tier is used only when no cut of the tier above fits):
//   1. a sentence end: . ! ? or … (optionally followed by closing quotes or brackets) before
//      whitespace, a CJK full stop 。！？, or a blank line;
//   2. a line break;
//   3. any whitespace;
//   4. a hard cut between two code points (a passage always has at least one code point).
// Passages are trimmed of surrounding whitespace; whitespace inside is kept as written.
//
// Ownership: a PassageSplitter owns its callbacks and the pending text; what they capture (a
// Vocab) must outlive it; one thread at a time. Errors: the constructor throws InputError when
// max_tokens is 0; otherwise only what the callbacks throw. Text must be valid UTF-8.
//
//   auto count = [&](std::string_view s) { return vocab.count_tokens(s); };
//   std::vector<std::string> out;
//   uniner::PassageSplitter splitter(256, count, [&](std::string&& p) { out.push_back(p); });
//   splitter.feed(chunk1);
//   splitter.feed(chunk2);
//   splitter.finish();  // a whole document at once: uniner::split_passages(doc, 256, count)
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace uniner {

// Tokens of a plain text, e.g. uniner::Vocab::count_tokens.
using TokenCounter = std::function<std::size_t(std::string_view)>;

class PassageSplitter {
 public:
  // max_tokens must be >= 1. `emit` receives each passage, in document order.
  PassageSplitter(std::size_t max_tokens, TokenCounter count_tokens,
                  std::function<void(std::string&&)> emit);

  // Appends text; `chunk` must be valid UTF-8 and end on a code-point boundary.
  void feed(std::string_view chunk);
  // Ends the document: emits what is left. The splitter can then take the next document.
  void finish();

 private:
  void cut(bool at_end);
  std::size_t max_tokens_;
  TokenCounter count_;
  std::function<void(std::string&&)> emit_;
  std::string buffer_;
  std::size_t lookahead_;  // bytes of text examined for one passage; doubles when too small
};

// The whole document at once.
std::vector<std::string> split_passages(std::string_view document, std::size_t max_tokens,
                                        const TokenCounter& count_tokens);

}  // namespace uniner

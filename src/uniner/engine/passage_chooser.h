// Answers restricted to text of the passage (ExtractOptions::constrain = kPassage). Private to
// engine/.
//
// The answer must be a JSON list of strings, each a substring of the passage (its exact bytes;
// the characters JSON cannot hold raw are written as \" \\ \n \t \r \b \f, and \/ is accepted):
//   answer := " "? "[" ( "]" | item ( "," " "? item )* "]" )     then an end-of-generation token
//   item   := '"' one or more passage characters, contiguous in the passage '"'
// enforced by masking: each step takes the best-logit token (lowest id on ties) whose piece keeps
// the answer a valid prefix of that language; end of generation only after the closing "]".
// With a token budget (max_new_tokens) the chooser also keeps room to close the list, so an
// answer that reaches the budget still ends in "]" (assuming the vocabulary has single-byte
// tokens, as byte-fallback SentencePiece and byte-level BPE vocabularies do).
//
// Cost: the best token is tried first (greedy's own choice, one pass over the logits); only when
// it is not allowed are the allowed tokens enumerated, by walking a trie of every piece together
// with the answer's grammar and the passage's suffix automaton, so the work is the number of
// allowed piece prefixes, not the vocabulary. PieceTable is built once per vocabulary and shared;
// a PassageConstraint once per window, shared by the window's types.
//
//   auto pieces = engine::PieceTable::of(vocab);
//   auto window = std::make_shared<const engine::PassageConstraint>(pieces, "Paris is lovely.");
//   auto chooser = engine::make_passage_chooser(window, /*max_tokens=*/256);  // one per answer
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/substring_index.h"
#include "engine/token_choice.h"

namespace uniner {
class Vocab;
}

namespace uniner::engine {

// Every token's piece (the bytes it adds to an answer, as Extractor::answer_text renders it) in a
// byte trie, and the end-of-generation tokens.
class PieceTable {
 public:
  // pieces[t]: token t's text ("" for control tokens, which an answer never contains);
  // end[t]: whether generation stops at t.
  PieceTable(std::vector<std::string> pieces, const std::vector<bool>& end);
  static std::shared_ptr<const PieceTable> of(const Vocab& vocab);

  std::size_t size() const { return pieces_.size(); }
  const std::string& piece(TokenId t) const { return pieces_[static_cast<std::size_t>(t)]; }
  bool is_end(TokenId t) const { return end_[static_cast<std::size_t>(t)]; }
  const std::vector<TokenId>& end_tokens() const { return end_tokens_; }

  struct Node {
    std::vector<std::pair<unsigned char, int>> children;
    std::vector<TokenId> tokens;  // tokens whose piece ends here
  };
  const std::vector<Node>& nodes() const { return nodes_; }  // nodes()[0] is the root

 private:
  std::vector<std::string> pieces_;
  std::vector<bool> end_;
  std::vector<TokenId> end_tokens_;
  std::vector<Node> nodes_;
};

// Where an answer is in its grammar.
struct AnswerState {
  enum Phase : std::uint8_t {
    kStart,       // nothing yet
    kStartSpace,  // one leading space
    kOpen,        // after "["
    kItem,        // inside a string
    kEscape,      // after a backslash inside a string
    kAfterItem,   // after a closing quote
    kComma,       // after ","
    kCommaSpace,  // after ", "
    kClosed,      // after "]": only the end of generation
  };
  Phase phase = kStart;
  std::uint8_t utf8_need = 0;  // continuation bytes of the item's last character still to come
  bool empty_item = true;
  int sub = SubstringIndex::kRoot;  // the item's content in the passage's suffix automaton
};

// One window's text, indexed, and the pieces; shared by the choosers of its answers.
class PassageConstraint {
 public:
  PassageConstraint(std::shared_ptr<const PieceTable> pieces, std::string_view passage);

  // One byte of answer text: false when it leaves the language (`s` is then unspecified).
  bool step(AnswerState& s, unsigned char c) const;
  // Tokens (single-byte pieces) that surely complete the list from `s`, an upper bound.
  static int close_cost(const AnswerState& s);

  const PieceTable& pieces() const { return *pieces_; }

 private:
  bool content(AnswerState& s, unsigned char c) const;
  std::shared_ptr<const PieceTable> pieces_;
  SubstringIndex index_;
};

// The chooser of one answer in `window`; max_tokens: the answer's token budget (0 = none).
std::unique_ptr<TokenChooser> make_passage_chooser(std::shared_ptr<const PassageConstraint> window,
                                                   int max_tokens);

}  // namespace uniner::engine

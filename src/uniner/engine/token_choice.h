// How an answer loop picks each token: one chooser per answer sequence. Private to engine/.
//
// The decode loops (generate_shared, generate_naive) hand each sequence's logits to its chooser
// and tell it which token was appended; they do not know which rule a chooser follows. Greedy
// (the highest logit, the lowest id on ties: the original's decoding) is the default; a
// constrained chooser (engine/passage_chooser.h) masks tokens. A chooser is made per sequence by
// the job's ChooserMaker and lives as long as the sequence; it is used on the decode thread only.
//
//   auto chooser = engine::make_chooser(job.chooser);  // greedy when job.chooser is empty
//   TokenId t = chooser->choose(logits, n_vocab);
//   if (!is_end(t)) { answer.push_back(t); chooser->accept(t); }
#pragma once

#include <functional>
#include <memory>

#include "uniner/engine/vocab.h"

namespace uniner::engine {

class TokenChooser {
 public:
  virtual ~TokenChooser() = default;
  // The next token from this step's logits (n_vocab floats); an end-of-generation token ends the
  // answer.
  virtual TokenId choose(const float* logits, int n_vocab) = 0;
  // `token` (returned by choose, not an end of generation) was appended to the answer.
  virtual void accept(TokenId token) = 0;
};

// Makes the chooser of one answer sequence; empty: greedy.
using ChooserMaker = std::function<std::unique_ptr<TokenChooser>()>;

// The greedy choice: the highest logit, the lowest id on ties.
TokenId argmax_token(const float* logits, int n_vocab);

class GreedyChooser final : public TokenChooser {
 public:
  TokenId choose(const float* logits, int n_vocab) override {
    return argmax_token(logits, n_vocab);
  }
  void accept(TokenId) override {}
};

inline std::unique_ptr<TokenChooser> make_chooser(const ChooserMaker& maker) {
  if (maker) return maker();
  return std::make_unique<GreedyChooser>();
}

}  // namespace uniner::engine

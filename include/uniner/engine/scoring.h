// The raw next-token logits of a model over a token sequence, for checking a model against
// another implementation (the trainer's tests compare its libtorch model with llama.cpp here)
// and for scoring texts.
//
// Ownership: the result is a plain vector; the Model is borrowed for the call. Threads: uses its
// own llama.cpp context, so several threads may score with one Model. Errors: InputError for an
// empty sequence or a token id outside the vocabulary; Error when llama.cpp cannot make a
// context for the sequence or fails to evaluate it.
//
//   auto model = uniner::Model::load("tiny.gguf");
//   auto ids = model.vocab().tokenize("Paris is lovely.", /*add_bos=*/true, false);
//   std::vector<float> logits = uniner::sequence_logits(model, ids);
//   std::size_t n_vocab = model.vocab().size();
//   float next_after_first = logits[0 * n_vocab + ids[1]];  // row i: the logits at position i
#pragma once

#include <span>
#include <vector>

#include "uniner/engine/model.h"

namespace uniner {

// The fp32 logits at every position of `tokens` (positions 0..n-1, one sequence, from a fresh
// context with an f32 KV cache: no cache rounding), row-major [n_tokens][vocabulary size]. Uses
// the model's thread count (ModelOptions::threads).
std::vector<float> sequence_logits(const Model& model, std::span<const TokenId> tokens);

}  // namespace uniner

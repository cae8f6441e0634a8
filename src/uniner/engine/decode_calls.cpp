// The llama.cpp calls every decode loop makes: decode, logits, greedy choice.
#include <string>

#include "engine/generator.h"
#include "uniner/error.h"

namespace uniner::engine {

TokenId argmax_token(const float* logits, int n_vocab) {
  int best = 0;
  for (int i = 1; i < n_vocab; ++i)
    if (logits[i] > logits[best]) best = i;
  return best;
}

const float* logits_at(llama_context* ctx, int32_t i) {
  const float* logits = llama_get_logits_ith(ctx, i);
  if (logits == nullptr) {
    throw Error("llama.cpp returned no logits for batch index " + std::to_string(i) +
                " (llama_get_logits_ith gave a null pointer): the batch did not request them or "
                "the decode failed");
  }
  return logits;
}

TokenId greedy_token(llama_context* ctx, int32_t i, int n_vocab) {
  return argmax_token(logits_at(ctx, i), n_vocab);
}

void throw_decode_error(int32_t rc) {
  throw Error(
      "llama_decode failed (code " + std::to_string(rc) +
      (rc == 1 ? ": no KV slot: the context is too small for the sequences in flight" : "") + ")");
}

void decode_or_throw(llama_context* ctx, const llama_batch& batch) {
  if (const int32_t rc = llama_decode(ctx, batch); rc != 0) throw_decode_error(rc);
}

}  // namespace uniner::engine

// The floor of extraction cost, for benchmarks: decoding only the unique tokens of a run (each
// passage prefix once, each question and its answer once) as large batches, with no token waiting
// for the one before it.
#pragma once

#include <vector>

#include "uniner/engine/model.h"

namespace uniner {

struct FloorJob {
  std::vector<TokenId> prefix;                      // BOS ... </s>
  std::vector<std::vector<TokenId>> continuations;  // per type: query tokens + answer tokens
  std::vector<std::size_t> query_sizes;             // per type: tokens of the query part
};

// Seconds to decode `jobs` in one context made with the model's options. Logits are computed where
// a real run computes them: the last query token and every answer token.
double decode_floor_seconds(const Model& model, const std::vector<FloorJob>& jobs);

}  // namespace uniner

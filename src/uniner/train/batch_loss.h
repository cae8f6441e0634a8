// A micro-batch as tensors and the masked next-token loss over it. Private to train/.
#pragma once

#include <torch/types.h>

#include <vector>

#include "train/examples.h"
#include "train/student.h"

namespace uniner::train {

struct Batch {
  torch::Tensor tokens;   // [B, T] int64, right-padded with 0
  torch::Tensor labels;   // [B, T] int64: the target at each position (the token itself)
  torch::Tensor trained;  // [B, T] bool: whether the loss is taken on predicting that token
  double real_tokens = 0; // tokens that are not padding
  double targets = 0;     // trained positions that have a preceding token
};

Batch make_batch(const std::vector<Example>& examples);

// Summed cross-entropy of predicting labels[:, t] from tokens[:, :t] at every trained t >= 1.
// Logits are computed only at those positions: the output matrix is most of a small student's
// cost and the answers are a fraction of the tokens. Masked positions never reach the loss.
torch::Tensor loss_sum(const Student& student, const Batch& batch);

}  // namespace uniner::train

// Low-rank adapters on a student's projections (LoRA): W x becomes W x + (alpha / rank) B (A x),
// with W frozen, A [rank, in] drawn uniform in +-1/sqrt(in) (PEFT's Kaiming init) and B [out,
// rank] zero, so training starts from the base model exactly. Saved and loaded as llama.cpp's
// adapter GGUF (engine/lora_file.h), merged into W for a full model. Private to train/.
#pragma once

#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

#include "engine/model_file.h"
#include "uniner/train/train.h"

namespace uniner::train {

struct LoraPair {
  torch::Tensor a, b;  // [rank, in], [out, rank]; require grad
};

class LoraAdapters {
 public:
  // One pair per targeted matrix of `specs` (attn_q/k/v/output; with kAttentionMlp also
  // ffn_gate/up/down), deterministic in `seed`.
  LoraAdapters(const std::vector<engine::TensorSpec>& specs, int rank, float alpha,
               LoraTargets targets, std::uint64_t seed);

  // The pair of a base matrix (its GGUF name), or null when it is not adapted.
  const LoraPair* find(const std::string& weight_name) const;
  double scale() const { return static_cast<double>(alpha_) / rank_; }
  std::vector<torch::Tensor> parameters() const;

  // llama.cpp's adapter GGUF for a base of architecture `arch`.
  void save(const std::string& path, const std::string& arch) const;
  // Reads the adapters from such a file; InputError when its tensors, rank or alpha differ.
  void load(const std::string& path);

 private:
  int rank_;
  float alpha_;
  std::map<std::string, LoraPair> pairs_;  // by base weight name
};

}  // namespace uniner::train

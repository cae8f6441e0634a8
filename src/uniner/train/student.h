// The student in libtorch: the GGUF's own LLaMA-family network (architectures llama and qwen2),
// computing what llama.cpp computes on the same file. Parameters are the GGUF tensors one for
// one (same names, same row-major shapes), so loading and saving is a copy. Private to train/.
#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "engine/model_file.h"

namespace uniner::train {

class Student {
 public:
  explicit Student(engine::ModelShape shape);

  // Reads every tensor from `file` (its shape must equal this one's).
  void load(const engine::ModelFile& file);
  // Writes the weights as a GGUF with the tokenizer keys of `tokenizer_from`.
  void save(const std::string& path, const std::string& tokenizer_from,
            const PromptTemplate& prompt, engine::WeightType type) const;

  const engine::ModelShape& shape() const { return shape_; }
  // In model_tensors(shape) order, each requiring grad.
  const std::vector<torch::Tensor>& parameters() const { return params_; }
  const std::vector<engine::TensorSpec>& specs() const { return specs_; }

  // Hidden states before the final norm: tokens [B, T] (int64) -> [B, T, dim]. Causal attention;
  // right padding never reaches a real position.
  torch::Tensor hidden(const torch::Tensor& tokens) const;
  // Final norm and output projection of some hidden rows: [N, dim] -> logits [N, vocab].
  torch::Tensor logits(const torch::Tensor& hidden_rows) const;

 private:
  struct Layer {
    torch::Tensor attn_norm, wq, wk, wv, wo, bq, bk, bv, ffn_norm, gate, up, down;
  };
  torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& w) const;
  torch::Tensor rope(const torch::Tensor& x, const torch::Tensor& cos,
                     const torch::Tensor& sin) const;  // x: [B, T, heads, head_dim]

  engine::ModelShape shape_;
  std::vector<engine::TensorSpec> specs_;
  std::vector<torch::Tensor> params_;
  torch::Tensor embed_, out_norm_, output_;  // output_ is embed_ when tied
  std::vector<Layer> layers_;
  torch::Tensor inv_freq_;  // [head_dim / 2]
};

}  // namespace uniner::train

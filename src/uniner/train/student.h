// The student in libtorch: the GGUF's own LLaMA-family network (architectures llama and qwen2),
// computing what llama.cpp computes on the same file. Parameters are the GGUF tensors one for
// one (same names, same row-major shapes), so loading and saving is a copy. Private to train/.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/model_file.h"
#include "train/lora.h"

namespace uniner::train {

class Student {
 public:
  explicit Student(engine::ModelShape shape);
  ~Student();

  // Reads every tensor from `file` (its shape must equal this one's).
  void load(const engine::ModelFile& file);
  // Writes the weights as a GGUF with the tokenizer keys of `tokenizer_from` (with LoRA: the
  // adapters merged into the base matrices).
  void save(const std::string& path, const std::string& tokenizer_from,
            const PromptTemplate& prompt, engine::WeightType type) const;

  // LoRA: freezes the base weights and adds adapters (lora.h); trainable() becomes theirs.
  void add_lora(int rank, float alpha, LoraTargets targets, std::uint64_t seed);
  const LoraAdapters* lora() const { return lora_.get(); }

  // What a checkpoint holds in `dir`: model.gguf (F32), or adapter.gguf with LoRA.
  void save_checkpoint_weights(const std::string& dir, const std::string& tokenizer_from,
                               const PromptTemplate& prompt) const;
  void load_checkpoint_weights(const std::string& dir);

  const engine::ModelShape& shape() const { return shape_; }
  // The tensors the optimizer updates: every weight, or the LoRA adapters only.
  std::vector<torch::Tensor> trainable() const;
  const std::vector<engine::TensorSpec>& specs() const { return specs_; }

  // Hidden states before the final norm: tokens [B, T] (int64) -> [B, T, dim]. Causal attention;
  // right padding never reaches a real position.
  torch::Tensor hidden(const torch::Tensor& tokens) const;
  // Final norm and output projection of some hidden rows: [N, dim] -> logits [N, vocab].
  torch::Tensor logits(const torch::Tensor& hidden_rows) const;

 private:
  struct Layer {
    torch::Tensor attn_norm, wq, wk, wv, wo, bq, bk, bv, ffn_norm, gate, up, down;
    std::string prefix;  // blk.N.
  };
  // x W^T + bias, plus the LoRA term when `name` (the weight's GGUF name) is adapted.
  torch::Tensor project(const torch::Tensor& x, const torch::Tensor& w, const std::string& name,
                        const torch::Tensor& bias = {}) const;
  torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& w) const;
  torch::Tensor rope(const torch::Tensor& x, const torch::Tensor& cos,
                     const torch::Tensor& sin) const;  // x: [B, T, heads, head_dim]

  engine::ModelShape shape_;
  std::vector<engine::TensorSpec> specs_;
  std::vector<torch::Tensor> params_;
  torch::Tensor embed_, out_norm_, output_;  // output_ is embed_ when tied
  std::vector<Layer> layers_;
  torch::Tensor inv_freq_;  // [head_dim / 2]
  std::unique_ptr<LoraAdapters> lora_;
};

}  // namespace uniner::train

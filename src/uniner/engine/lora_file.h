// LoRA adapters in llama.cpp's adapter GGUF (what its convert_lora_to_gguf.py writes and
// llama_adapter_lora_init loads): general.type "adapter", adapter.type "lora",
// adapter.lora.alpha, and for each adapted matrix W [out, in] of the base (GGUF name N) the pair
// N.lora_a [rank, in] and N.lora_b [out, rank] (torch order; F32). llama.cpp adds
// scale * alpha / rank * B (A x) to W x. Private to the library (engine/ and train/).
//
// Errors: write_lora_file throws Error when the file cannot be written (written under a
// temporary name and renamed when complete); read_lora_file throws InputError for a file that is
// not such an adapter (naming the file and what is wrong).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/model_file.h"

namespace uniner::engine {

struct LoraTensor {
  std::string name;                 // e.g. blk.0.attn_q.weight.lora_a
  std::vector<std::int64_t> shape;  // torch order
  std::vector<float> data;
};

struct LoraFile {
  std::string arch;  // the base model's architecture (llama.cpp refuses another)
  float alpha = 0;
  std::vector<LoraTensor> tensors;
};

void write_lora_file(const std::string& path, const std::string& arch, float alpha,
                     std::span<const TensorData> tensors);
LoraFile read_lora_file(const std::string& path);

}  // namespace uniner::engine

// A Hugging Face model folder as import-hf reads it: config.json (LlamaForCausalLM or
// Qwen2ForCausalLM) and the weights, as safetensors (one file, or shards listed by
// model.safetensors.index.json) or PyTorch .bin (one pytorch_model.bin, or shards listed by
// pytorch_model.bin.index.json). Private to engine/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/hf_tensor.h"
#include "engine/model_file.h"

namespace uniner::engine {

struct HfConfig {
  ModelShape shape;  // arch "llama" or "qwen2", sizes, eps, rope base, context, tied output
  std::string architecture;  // "LlamaForCausalLM" or "Qwen2ForCausalLM"
  // <type>_token_id of config.json, where given (what gguf-py's SpecialVocab reads there).
  std::optional<std::int64_t> bos, eos, unk, sep, pad;
};

// config.json of `dir`. InputError naming the file and the key: a missing or mistyped required
// key (hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, rms_norm_eps,
// vocab_size), another architecture, rope scaling, or sizes that do not fit together.
HfConfig read_hf_config(const std::string& dir);

struct HfWeights {
  HfTensorMap tensors;  // every tensor of every weight file, by name
  std::string format;   // "safetensors" or "PyTorch .bin"
  std::size_t files = 0;
};

// The weight files of `dir`, indexed (no data read). InputError when there are none, a listed
// shard is missing, a shard lacks a tensor its index names, or a name appears in two files.
HfWeights read_hf_weights(const std::string& dir);

}  // namespace uniner::engine

// Writing a random-initialized LLaMA or Qwen2 model as GGUF, with the tokenizer of another GGUF
// and the conversation template as uniner.* metadata (the released models' system sentence, the
// vocabulary's end-of-sequence text as the separator). Tests and benchmarks use it to get a real
// model of any shape; training from scratch starts from it.
//
// Ownership: plain values; the file at out_path is the only result (written under a temporary
// name and renamed when complete). Errors: init_model throws InputError for a bad shape (a size
// <= 0, dim not divisible by heads, an odd head size, heads not a multiple of kv_heads) or a
// vocabulary file that cannot be read as GGUF or has no end-of-sequence token; Error when the
// output cannot be written (a full disk, a missing folder) or memory runs out. One tensor at a
// time is held in memory.
//
//   uniner::InitModelOptions o;  // a tiny random LLaMA, for tests
//   o.vocab_path = "ggml-vocab-llama-spm.gguf";
//   o.out_path = "tiny.gguf";
//   o.arch = uniner::ModelArch::kQwen2;  // q/k/v biases; or kLlama (the default)
//   o.type = uniner::FloatType::kBF16;   // storage of the matrices
//   uniner::init_model(o);
//   auto model = uniner::Model::load("tiny.gguf");  // model.h
#pragma once

#include <cstdint>
#include <string>

namespace uniner {

// The transformer layout: LLaMA, or Qwen2 (LLaMA with biases on the q, k and v projections).
enum class ModelArch { kLlama, kQwen2 };

// How the matrices of a written model are stored (norms and biases are always f32).
enum class FloatType { kF32, kF16, kBF16 };

struct InitModelOptions {
  std::string vocab_path;  // GGUF whose tokenizer is copied (e.g. ggml-vocab-llama-spm.gguf)
  std::string out_path;    // where the model is written
  ModelArch arch = ModelArch::kLlama;
  int dim = 64;            // embedding size
  int layers = 2;          // transformer blocks
  int heads = 4;           // attention heads (dim must be divisible by heads)
  int kv_heads = 0;        // key/value heads for grouped-query attention; 0 = heads
  int ff = 172;            // feed-forward hidden size
  int ctx = 2048;          // trained context length written into the metadata
  float rope_base = 10000.0f;  // rotary frequency base
  float norm_eps = 1e-6f;      // RMSNorm epsilon
  bool tied_output = false;    // no output matrix: the logits use the token embeddings
  std::uint64_t seed = 0;  // the same seed and shape give the same file
  // Standard deviation of the normal init (matrices and biases); 0 = 1/sqrt(dim). LLaMA's fixed
  // 0.02 equals that near dim 2500; at a small student's dim it leaves attention almost uniform
  // and training from scratch needs many times more steps (docs/training.md).
  float init_std = 0.0f;
  FloatType type = FloatType::kF32;  // storage of the matrices
  // For benchmarks and tests of answer scheduling: > 0 makes the end-of-sequence token likely,
  // so that greedy answers end after a few tokens as a real model's do instead of running to
  // max_new_tokens. Every token's embedding gets a constant first channel and the EOS row of the
  // output matrix weighs it by this much (larger: shorter answers). Not with tied_output.
  float end_bias = 0.0f;
};

// Throws InputError for bad shapes or a vocabulary file that cannot be read, Error on I/O.
void init_model(const InitModelOptions& options);

}  // namespace uniner

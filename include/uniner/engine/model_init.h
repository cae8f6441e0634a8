// Writing a random-initialized LLaMA model as GGUF, with the tokenizer of another GGUF. Tests and
// benchmarks use it to get a real model of any shape; training from scratch starts from it.
//
// Ownership: plain values; the file at out_path is the only result. Errors: init_model throws
// InputError for a bad shape (a size <= 0, dim not divisible by heads, an odd head size, heads
// not a multiple of kv_heads) or a vocabulary file that cannot be read as GGUF; Error when the
// output cannot be written or memory runs out.
//
//   uniner::InitModelOptions o;  // a tiny random LLaMA, for tests
//   o.vocab_path = "ggml-vocab-llama-spm.gguf";
//   o.out_path = "tiny.gguf";
//   uniner::init_model(o);
//   auto model = uniner::Model::load("tiny.gguf");  // model.h
#pragma once

#include <cstdint>
#include <string>

namespace uniner {

struct InitModelOptions {
  std::string vocab_path;  // GGUF whose tokenizer is copied (e.g. ggml-vocab-llama-spm.gguf)
  std::string out_path;    // where the model is written
  int dim = 64;            // embedding size
  int layers = 2;          // transformer blocks
  int heads = 4;           // attention heads (dim must be divisible by heads)
  int kv_heads = 0;        // key/value heads for grouped-query attention; 0 = heads
  int ff = 172;            // feed-forward hidden size
  int ctx = 2048;          // trained context length written into the metadata
  std::uint64_t seed = 0;  // the same seed and shape give the same file
  float init_std = 0.02f;  // standard deviation of the normal weight init
  bool f16 = false;        // store matrices as f16 (half the size) instead of f32
};

// Throws InputError for bad shapes or a vocabulary file that cannot be read, Error on I/O.
void init_model(const InitModelOptions& options);

}  // namespace uniner

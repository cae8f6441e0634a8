// init_model: random weights in the order of model_tensors(), written by write_model_file.
#include "uniner/engine/model_init.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <random>

#include "engine/gguf_keys.h"
#include "engine/model_file.h"
#include "uniner/error.h"

namespace uniner {
namespace {

void check_shape(const InitModelOptions& o, int kv_heads) {
  const auto bad = [](const std::string& why) { return InputError("init-model: " + why); };
  if (o.dim <= 0 || o.layers <= 0 || o.heads <= 0 || o.ff <= 0 || o.ctx <= 0) {
    throw bad("dim, layers, heads, ff and ctx must be positive (got dim " + std::to_string(o.dim) +
              ", layers " + std::to_string(o.layers) + ", heads " + std::to_string(o.heads) +
              ", ff " + std::to_string(o.ff) + ", ctx " + std::to_string(o.ctx) + ")");
  }
  if (o.dim % o.heads != 0)
    throw bad("dim " + std::to_string(o.dim) + " must be divisible by heads " +
              std::to_string(o.heads));
  if ((o.dim / o.heads) % 2 != 0) throw bad("the head size (dim / heads) must be even for RoPE");
  if (kv_heads <= 0 || o.heads % kv_heads != 0)
    throw bad("heads " + std::to_string(o.heads) + " must be a multiple of kv_heads " +
              std::to_string(kv_heads));
  if (!(o.norm_eps > 0) || !(o.rope_base > 0) || !(o.init_std >= 0) || !(o.end_bias >= 0)) {
    throw bad(
        "the norm epsilon and rope base must be positive, the init std and end bias not negative");
  }
  if (o.end_bias > 0 && o.tied_output) throw bad("an end bias needs an output matrix (not tied)");
}

}  // namespace

void init_model(const InitModelOptions& o) {
  const int kv_heads = o.kv_heads > 0 ? o.kv_heads : o.heads;
  check_shape(o, kv_heads);
  const engine::GgufKeys vocab = engine::GgufKeys::open(o.vocab_path);

  engine::ModelWriteOptions w;
  w.tokenizer_from = o.vocab_path;
  w.name = "uniner-random-init";
  w.type = o.type;
  w.prompt.separator = engine::eos_text(vocab);  // the system sentence: the released models'
  engine::ModelShape& s = w.shape;
  s.arch = o.arch == ModelArch::kQwen2 ? "qwen2" : "llama";
  s.vocab_size = vocab.array_size("tokenizer.ggml.tokens");
  s.dim = o.dim, s.layers = o.layers, s.heads = o.heads, s.kv_heads = kv_heads, s.ff = o.ff;
  s.context = o.ctx, s.norm_eps = o.norm_eps, s.rope_base = o.rope_base;
  s.tied_output = o.tied_output;
  s.qkv_bias = o.arch == ModelArch::kQwen2;

  // Norms are ones; every other tensor is drawn in file order, row-major (for the llama layout
  // the same values for a seed as before biases and tied outputs existed), one at a time.
  std::mt19937_64 rng(o.seed);
  const float init_std = o.init_std > 0 ? o.init_std : 1.0f / std::sqrt(static_cast<float>(o.dim));
  std::normal_distribution<float> normal(0.0f, init_std);
  const std::int64_t eos = vocab.integer("tokenizer.ggml.eos_token_id");
  engine::write_model_file(o.out_path, w, [&](const engine::TensorSpec& spec, float* dst) {
    const bool norm = spec.name.find("norm.weight") != std::string::npos;
    for (std::int64_t i = 0; i < spec.numel(); ++i) dst[i] = norm ? 1.0f : normal(rng);
    if (o.end_bias <= 0) return;
    // Channel 0 of the residual stream is the input token's own value in [0, 1) (a hash of its
    // id): no layer writes to it (row 0 of the projections into the stream is zero), and only
    // the EOS row of the output reads it strongly. So feeding some tokens makes EOS the next
    // choice: answers end after a few tokens, at lengths that vary with what was generated.
    const auto ends_with = [&](std::string_view tail) {
      return spec.name.size() >= tail.size() &&
             spec.name.compare(spec.name.size() - tail.size(), tail.size(), tail) == 0;
    };
    if (spec.name == "token_embd.weight") {
      for (std::int64_t t = 0; t < s.vocab_size; ++t) {
        dst[t * s.dim] = static_cast<float>((static_cast<std::uint64_t>(t) * 2654435761u) % 1000u) /
                         1000.0f;
      }
    } else if (ends_with("attn_output.weight") || ends_with("ffn_down.weight")) {
      std::fill(dst, dst + spec.shape[1], 0.0f);
    } else if (spec.name == "output.weight") {
      dst[eos * s.dim] = o.end_bias;
    }
  });
}

}  // namespace uniner

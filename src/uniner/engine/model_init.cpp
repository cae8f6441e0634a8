#include "uniner/engine/model_init.h"

#include <ggml.h>
#include <gguf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner {
namespace {

struct GgufDeleter {
  void operator()(gguf_context* g) const { gguf_free(g); }
};
struct GgmlDeleter {
  void operator()(ggml_context* g) const { ggml_free(g); }
};

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
}

}  // namespace

void init_model(const InitModelOptions& o) {
  const int kv_heads = o.kv_heads > 0 ? o.kv_heads : o.heads;
  check_shape(o, kv_heads);
  engine::ensure_backend();

  gguf_init_params vp{/*no_alloc=*/true, /*ctx=*/nullptr};
  std::unique_ptr<gguf_context, GgufDeleter> vocab(gguf_init_from_file(o.vocab_path.c_str(), vp));
  if (!vocab) throw InputError(o.vocab_path + ": cannot read as GGUF (missing or corrupt)");
  const int64_t tokens_key = gguf_find_key(vocab.get(), "tokenizer.ggml.tokens");
  if (tokens_key < 0) throw InputError(o.vocab_path + ": GGUF has no tokenizer.ggml.tokens");
  const auto n_vocab = static_cast<int64_t>(gguf_get_arr_n(vocab.get(), tokens_key));

  std::unique_ptr<gguf_context, GgufDeleter> out(gguf_init_empty());
  gguf_set_kv(out.get(), vocab.get());  // tokenizer.* and general.* of the vocabulary
  const int head_dim = o.dim / o.heads;
  gguf_set_val_str(out.get(), "general.architecture", "llama");
  gguf_set_val_str(out.get(), "general.name", "uniner-random-init");
  gguf_set_val_u32(out.get(), "general.file_type", o.f16 ? 1 : 0);
  gguf_set_val_u32(out.get(), "llama.vocab_size", static_cast<uint32_t>(n_vocab));
  gguf_set_val_u32(out.get(), "llama.context_length", static_cast<uint32_t>(o.ctx));
  gguf_set_val_u32(out.get(), "llama.embedding_length", static_cast<uint32_t>(o.dim));
  gguf_set_val_u32(out.get(), "llama.block_count", static_cast<uint32_t>(o.layers));
  gguf_set_val_u32(out.get(), "llama.feed_forward_length", static_cast<uint32_t>(o.ff));
  gguf_set_val_u32(out.get(), "llama.attention.head_count", static_cast<uint32_t>(o.heads));
  gguf_set_val_u32(out.get(), "llama.attention.head_count_kv", static_cast<uint32_t>(kv_heads));
  gguf_set_val_u32(out.get(), "llama.rope.dimension_count", static_cast<uint32_t>(head_dim));
  gguf_set_val_f32(out.get(), "llama.attention.layer_norm_rms_epsilon", 1e-6f);
  gguf_set_val_f32(out.get(), "llama.rope.freq_base", 10000.0f);

  struct Spec {
    std::string name;
    int64_t ne0, ne1;  // ne1 == 0: a vector (a norm, initialized to ones)
  };
  std::vector<Spec> specs = {{"token_embd.weight", o.dim, n_vocab}};
  for (int l = 0; l < o.layers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    const int64_t kv = static_cast<int64_t>(kv_heads) * head_dim;
    specs.push_back({b + "attn_norm.weight", o.dim, 0});
    specs.push_back({b + "attn_q.weight", o.dim, o.dim});
    specs.push_back({b + "attn_k.weight", o.dim, kv});
    specs.push_back({b + "attn_v.weight", o.dim, kv});
    specs.push_back({b + "attn_output.weight", o.dim, o.dim});
    specs.push_back({b + "ffn_norm.weight", o.dim, 0});
    specs.push_back({b + "ffn_gate.weight", o.dim, o.ff});
    specs.push_back({b + "ffn_down.weight", o.ff, o.dim});
    specs.push_back({b + "ffn_up.weight", o.dim, o.ff});
  }
  specs.push_back({"output_norm.weight", o.dim, 0});
  specs.push_back({"output.weight", o.dim, n_vocab});

  std::size_t bytes = 0;
  for (const auto& s : specs) {
    const std::size_t n = static_cast<std::size_t>(s.ne0 * std::max<int64_t>(s.ne1, 1));
    bytes += n * (s.ne1 && o.f16 ? 2 : 4) + ggml_tensor_overhead() + 64;
  }
  ggml_init_params gp{bytes + 1024 * 1024, nullptr, /*no_alloc=*/false};
  std::unique_ptr<ggml_context, GgmlDeleter> ctx(ggml_init(gp));
  if (!ctx) throw Error("init-model: out of memory for " + std::to_string(bytes) + " bytes");

  std::mt19937_64 rng(o.seed);
  std::normal_distribution<float> normal(0.0f, o.init_std);
  std::vector<float> row;
  for (const auto& s : specs) {
    ggml_tensor* t;
    if (s.ne1 == 0) {
      t = ggml_new_tensor_1d(ctx.get(), GGML_TYPE_F32, s.ne0);
      auto* data = static_cast<float*>(t->data);
      for (int64_t i = 0; i < s.ne0; ++i) data[i] = 1.0f;
    } else {
      t = ggml_new_tensor_2d(ctx.get(), o.f16 ? GGML_TYPE_F16 : GGML_TYPE_F32, s.ne0, s.ne1);
      row.resize(static_cast<std::size_t>(s.ne0));
      for (int64_t r = 0; r < s.ne1; ++r) {
        for (auto& x : row) x = normal(rng);
        if (o.f16) {
          ggml_fp32_to_fp16_row(row.data(), static_cast<ggml_fp16_t*>(t->data) + r * s.ne0, s.ne0);
        } else {
          std::copy(row.begin(), row.end(), static_cast<float*>(t->data) + r * s.ne0);
        }
      }
    }
    ggml_set_name(t, s.name.c_str());
    gguf_add_tensor(out.get(), t);
  }
  // gguf_write_to_file() ignores fclose(): a full disk would pass unseen. Every step is checked.
  FILE* file = std::fopen(o.out_path.c_str(), "wb");
  if (file == nullptr) {
    throw Error(o.out_path + ": cannot open for writing: " + std::strerror(errno));
  }
  errno = 0;
  bool ok = gguf_write_to_file_ptr(out.get(), file, /*only_meta=*/false);
  ok = std::fflush(file) == 0 && ok;
  int err = errno;
  ok = std::fclose(file) == 0 && ok;
  if (err == 0) err = errno;
  if (!ok) {
    throw Error(o.out_path + ": write failed: " + (err ? std::strerror(err) : "I/O error"));
  }
}

}  // namespace uniner

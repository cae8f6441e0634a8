// Tensor names and the q/k row order between the HF and GGUF layouts (hf_layout.h).
#include "engine/hf_layout.h"

#include <algorithm>
#include <cstring>

#include "uniner/error.h"

namespace uniner::engine {
namespace {

struct Pair {
  const char* gguf;
  const char* hf;
};
constexpr Pair kGlobal[] = {
    {"token_embd.weight", "model.embed_tokens.weight"},
    {"output_norm.weight", "model.norm.weight"},
    {"output.weight", "lm_head.weight"},
};
constexpr Pair kBlock[] = {
    {"attn_norm.weight", "input_layernorm.weight"},
    {"attn_q.weight", "self_attn.q_proj.weight"},
    {"attn_q.bias", "self_attn.q_proj.bias"},
    {"attn_k.weight", "self_attn.k_proj.weight"},
    {"attn_k.bias", "self_attn.k_proj.bias"},
    {"attn_v.weight", "self_attn.v_proj.weight"},
    {"attn_v.bias", "self_attn.v_proj.bias"},
    {"attn_output.weight", "self_attn.o_proj.weight"},
    {"ffn_norm.weight", "post_attention_layernorm.weight"},
    {"ffn_gate.weight", "mlp.gate_proj.weight"},
    {"ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn_down.weight", "mlp.down_proj.weight"},
};

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

}  // namespace

std::string hf_name(const std::string& g) {
  for (const auto& p : kGlobal) {
    if (g == p.gguf) return p.hf;
  }
  if (g.rfind("blk.", 0) == 0) {
    const auto dot = g.find('.', 4);
    if (dot != std::string::npos) {
      const std::string layer = g.substr(4, dot - 4), rest = g.substr(dot + 1);
      for (const auto& p : kBlock) {
        if (rest == p.gguf) return "model.layers." + layer + "." + p.hf;
      }
    }
  }
  throw InputError("tensor " + g + " has no Hugging Face name in this version");
}

std::int64_t permuted_heads(const ModelShape& s, const std::string& g) {
  if (s.arch != "llama") return 0;
  if (ends_with(g, ".attn_q.weight") || ends_with(g, ".attn_q.bias")) return s.heads;
  if (ends_with(g, ".attn_k.weight") || ends_with(g, ".attn_k.bias")) return s.kv_heads;
  return 0;
}

namespace {

// GGUF row (h, i, j) = h*d + 2*i + j holds HF row h*d + j*(d/2) + i: llama.cpp's
// w.reshape(heads, 2, d/2, cols).swapaxes(1, 2).
std::int64_t hf_row(std::int64_t r, std::int64_t head_dim) {
  const std::int64_t h = r / head_dim, in = r % head_dim;
  return h * head_dim + (in % 2) * (head_dim / 2) + in / 2;
}

}  // namespace

void permute_rows_to_gguf(const float* hf, float* gguf, std::int64_t heads, std::int64_t rows,
                          std::int64_t cols) {
  const std::int64_t d = rows / heads;
  for (std::int64_t r = 0; r < rows; ++r) {
    std::copy_n(hf + hf_row(r, d) * cols, cols, gguf + r * cols);
  }
}

void permute_rows_to_hf(const float* gguf, float* hf, std::int64_t heads, std::int64_t rows,
                        std::int64_t cols) {
  const std::int64_t d = rows / heads;
  for (std::int64_t r = 0; r < rows; ++r) {
    std::copy_n(gguf + r * cols, cols, hf + hf_row(r, d) * cols);
  }
}

}  // namespace uniner::engine

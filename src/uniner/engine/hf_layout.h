// How the Hugging Face layout of a LLaMA/Qwen2 differs from GGUF's: tensor names
// (model.layers.N.self_attn.q_proj.weight <-> blk.N.attn_q.weight) and, for llama only, the order
// of the q and k rows. HF's LLaMA applies rotary embeddings to the two halves of each head
// (rotate_half); GGUF's llama rotates adjacent pairs, so llama.cpp's converter permutes the rows
// of q and k (LlamaModel.permute). Qwen2 runs NEOX-style RoPE in llama.cpp, which is rotate_half:
// its rows stay as they are. Private to engine/.
#pragma once

#include <cstdint>
#include <string>

#include "engine/model_file.h"

namespace uniner::engine {

// The HF name of a GGUF tensor name of model_tensors(); InputError for a name it does not know.
std::string hf_name(const std::string& gguf_name);

// Whether a tensor's rows are permuted between the layouts (llama q/k weights, and biases), and
// by how many heads (q: heads, k: kv_heads); 0 when not permuted.
std::int64_t permuted_heads(const ModelShape& shape, const std::string& gguf_name);

// Row r of a GGUF q/k tensor is row hf_row(r) of the HF one (`rows` = heads * head_dim).
// to_gguf: dst[r] = src[hf_row(r)]; to_hf: dst[hf_row(r)] = src[r]. `cols`: values per row.
void permute_rows_to_gguf(const float* hf, float* gguf, std::int64_t heads, std::int64_t rows,
                          std::int64_t cols);
void permute_rows_to_hf(const float* gguf, float* hf, std::int64_t heads, std::int64_t rows,
                        std::int64_t cols);

}  // namespace uniner::engine

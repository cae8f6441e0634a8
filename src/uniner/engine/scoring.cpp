#include "uniner/engine/scoring.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "engine/model_impl.h"
#include "uniner/error.h"

namespace uniner {

std::vector<float> sequence_logits(const Model& model, std::span<const TokenId> tokens) {
  const auto& impl = engine::model_impl(model);
  const auto n_vocab = static_cast<std::int64_t>(model.vocab().size());
  if (tokens.empty()) throw InputError("no tokens to score");
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= n_vocab) {
      throw InputError("token " + std::to_string(tokens[i]) + " at position " + std::to_string(i) +
                       " is outside the vocabulary of " + std::to_string(n_vocab) + " tokens");
    }
  }
  const auto n = static_cast<std::uint32_t>(tokens.size());
  auto cp = llama_context_default_params();
  const int threads = impl.options.threads > 0
                          ? impl.options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cp.n_ctx = std::max<std::uint32_t>(n, 64);
  cp.n_batch = n;
  cp.n_ubatch = std::min<std::uint32_t>(n, 512);
  cp.n_seq_max = 1;
  cp.n_threads = threads;
  cp.n_threads_batch = threads;
  cp.type_k = GGML_TYPE_F32;  // the logits of the weights, not of a rounded cache
  cp.type_v = GGML_TYPE_F32;
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  cp.no_perf = true;
  engine::ContextPtr ctx(llama_init_from_model(impl.model.get(), cp));
  if (!ctx) {
    throw Error(impl.path + ": cannot create a llama.cpp context for " + std::to_string(n) +
                " tokens");
  }
  engine::Batch batch(static_cast<int>(n), 1);
  for (std::uint32_t i = 0; i < n; ++i) batch.add(tokens[i], static_cast<llama_pos>(i), 0, true);
  if (const int rc = llama_decode(ctx.get(), batch.get()); rc != 0) {
    throw Error(impl.path + ": llama.cpp failed to evaluate " + std::to_string(n) +
                " tokens (code " + std::to_string(rc) + ")");
  }
  std::vector<float> out(static_cast<std::size_t>(n) * static_cast<std::size_t>(n_vocab));
  for (std::uint32_t i = 0; i < n; ++i) {
    const float* row = llama_get_logits_ith(ctx.get(), static_cast<int32_t>(i));
    if (row == nullptr) throw Error(impl.path + ": llama.cpp returned no logits");
    std::memcpy(out.data() + static_cast<std::size_t>(i) * n_vocab, row, n_vocab * sizeof(float));
  }
  return out;
}

}  // namespace uniner

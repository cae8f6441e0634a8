// Generation of many answers over one llama.cpp context. Private to engine/.
//
// A job is one passage prefix (BOS + system + passage turn, ending at the first "</s>") and the
// queries asked about it ("USER: What describes T in the text? ASSISTANT:"), already tokenized.
// generate_shared() decodes each prefix once (and the tokens all prefixes and all of a job's
// queries have in common once), copies it to one sequence per query (llama_memory_seq_cp), and
// decodes the queries and then the answers of all live sequences of all admitted passages together,
// one batch per step; new passages are admitted as soon as sequence ids and KV cells free up.
// generate_naive() is the original's method and the reference: every (prefix + query) decoded from
// scratch, one at a time. Both give the same answers. Each answer's tokens are picked by its own
// TokenChooser (engine/token_choice.h), made by the job's `chooser`: greedy by default.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "engine/llama_handles.h"
#include "engine/token_choice.h"
#include "uniner/engine/vocab.h"

namespace uniner::engine {

struct GenJob {
  std::size_t tag = 0;                        // the caller's handle, returned in the result
  std::vector<TokenId> prefix;                // BOS ... </s>
  std::vector<std::vector<TokenId>> queries;  // one per type, no BOS
  // Optional, per query: logits are computed from this token index on (default: the last token
  // only). The floor benchmark asks for the logits a real run computes for its answer tokens.
  std::vector<std::size_t> logits_from;
  // Makes the token chooser of each of the job's answers; empty: greedy (the original's).
  ChooserMaker chooser;
};

struct GenResult {
  std::size_t tag = 0;
  std::vector<std::vector<TokenId>> answers;  // per query: generated tokens, EOS excluded
};

struct GenOptions {
  int max_new_tokens = 256;    // answer tokens per query, EOS not counted; 0 = prefill only
  std::size_t max_active = 0;  // jobs decoded together (shared mode); 0 = as many as fit
  // Shared mode: tokens every job's prefix is likely to start with (the template before the
  // passage). Decoded once per run into a sequence of its own; each job copies the part its prefix
  // really shares (the longest common token prefix) instead of decoding it.
  std::vector<TokenId> root;
  // Shared mode: the longest common token prefix of a job's queries ("USER: What describes") is
  // decoded once with the prefix instead of once per query.
  bool share_query_heads = true;
};

// Pulls the next job; returns false when there is none left.
using JobSource = std::function<bool(GenJob&)>;
using ResultSink = std::function<void(GenResult&&)>;

// KV cells and sequence ids a job needs when alone in the context.
std::size_t cells_needed(const GenJob& job, int max_new_tokens);

// Each job must fit the context alone (cells_needed <= n_ctx, queries <= n_seq_max); the
// extractor guarantees it. Throws Error when llama_decode fails.
void generate_shared(llama_context* ctx, const GenOptions& options, const JobSource& next,
                     const ResultSink& done);
void generate_naive(llama_context* ctx, const GenOptions& options, const JobSource& next,
                    const ResultSink& done);

// llama_decode, throwing Error with its code on failure.
void decode_or_throw(llama_context* ctx, const llama_batch& batch);

// The logits of batch index `i` of the last decode. Throws Error when llama.cpp has none for it
// (llama_get_logits_ith returned a null pointer).
const float* logits_at(llama_context* ctx, int32_t i);

// The greedy choice from the logits of batch index `i` of the last decode (logits_at's errors).
TokenId greedy_token(llama_context* ctx, int32_t i, int n_vocab);

}  // namespace uniner::engine

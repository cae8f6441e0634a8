// Generation of many answers over one llama.cpp context. Private to engine/.
//
// A job is one passage prefix (BOS + system + passage turn, ending at the first "</s>") and the
// queries asked about it ("USER: What describes T in the text? ASSISTANT:"), already tokenized.
// Scheduler (shared mode) decodes each prefix once (and the tokens all prefixes and all of a
// job's queries have in common once), copies it to one sequence per query (llama_memory_seq_cp),
// and decodes the queries and then the answers of all live sequences of all admitted jobs
// together, one batch per step. Jobs are admitted while sequence ids and KV cells are likely to
// suffice: a job reserves its prompt plus a short expected answer per query, not max_new_tokens,
// and answers grow on demand. When the cache is full after all (llama_decode returns 1 and
// leaves the cache as it was), the youngest job is evicted: its cells are freed and it is
// requeued, to run again from its start once a sequence has ended. A sequence's cells are freed
// as soon as it ends. Jobs can arrive while others decode, and each result is delivered as soon
// as its job is complete.
//
// generate_naive() is the original's method and the reference: every (prefix + query) decoded
// from scratch, one at a time. Both give the same answers. Each answer's tokens are picked by its
// own TokenChooser (engine/token_choice.h), made by the job's `chooser`: greedy by default.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
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
  int max_new_tokens = -1;  // answer tokens per query, EOS not counted; < 0: GenOptions'
  // Set by another thread to stop the job: its sequences end at the next step and its result
  // comes back with `cancelled`.
  std::shared_ptr<const std::atomic<bool>> cancelled;
};

struct GenResult {
  std::size_t tag = 0;
  std::vector<std::vector<TokenId>> answers;  // per query: generated tokens, EOS excluded
  bool cancelled = false;                     // stopped early: answers are incomplete
};

struct GenOptions {
  int max_new_tokens = 256;    // default answer tokens per query, EOS not counted; 0 = prefill
  std::size_t max_active = 0;  // jobs decoded together (shared mode); 0 = as many as fit
  // Shared mode: tokens every job's prefix is likely to start with (the template before the
  // passage). Decoded once into a sequence of its own and kept for the scheduler's life; each job
  // copies the part its prefix really shares (the longest common token prefix) instead of
  // decoding it.
  std::vector<TokenId> root;
  // Shared mode: the longest common token prefix of a job's queries ("USER: What describes") is
  // decoded once with the prefix instead of once per query.
  bool share_query_heads = true;
};

// What a JobSource says.
enum class Pull {
  kJob,   // the job was filled in
  kWait,  // nothing now, more may come: keep decoding what is in flight
  kEnd,   // nothing more, ever: finish what is in flight and return
};

// Pulls the next job. `idle`: nothing is in flight, so the source may block until it has a job
// or knows there will be none (kWait while idle makes the scheduler ask again).
using JobSource = std::function<Pull(GenJob&, bool idle)>;
using ResultSink = std::function<void(GenResult&&)>;
// Called once per decode step, before the batch is built (to sweep cancelled work).
using StepHook = std::function<void()>;

// Counters of a scheduler, readable from any thread.
struct GenCounters {
  std::atomic<std::size_t> jobs = 0;       // jobs admitted now
  std::atomic<std::size_t> sequences = 0;  // answer sequences in flight now
  std::atomic<std::size_t> cells_used = 0;
  std::atomic<std::size_t> cells_total = 0;
  std::atomic<std::uint64_t> tokens_decoded = 0;
  std::atomic<std::uint64_t> tokens_generated = 0;
  std::atomic<std::uint64_t> evictions = 0;
  std::atomic<std::uint64_t> decode_microseconds = 0;
};

// Shared mode. One per context, kept across runs so that the root stays decoded. Each job must
// fit the context alone (its prompt plus max_new_tokens per query within cells_for_jobs(), its
// queries within sequences_for_jobs()); the extractor guarantees it.
class Scheduler {
 public:
  Scheduler(llama_context* ctx, GenOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs until the source says kEnd and every admitted job is delivered. Throws Error when
  // llama_decode fails for another reason than a full cache; the scheduler is then reset.
  void run(const JobSource& next, const ResultSink& done, const StepHook& on_step = {});

  // What one job may use when alone: the context less the root's cells and sequence.
  std::size_t cells_for_jobs() const;
  std::size_t sequences_for_jobs() const;
  const GenCounters& counters() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

void generate_naive(llama_context* ctx, const GenOptions& options, const JobSource& next,
                    const ResultSink& done, const StepHook& on_step = {});

// llama_decode, throwing Error with its code on failure.
void decode_or_throw(llama_context* ctx, const llama_batch& batch);
[[noreturn]] void throw_decode_error(int32_t rc);

// The logits of batch index `i` of the last decode. Throws Error when llama.cpp has none for it
// (llama_get_logits_ith returned a null pointer).
const float* logits_at(llama_context* ctx, int32_t i);

// The greedy choice from the logits of batch index `i` of the last decode (logits_at's errors).
TokenId greedy_token(llama_context* ctx, int32_t i, int n_vocab);

}  // namespace uniner::engine

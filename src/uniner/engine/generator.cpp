#include "engine/generator.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "uniner/error.h"

namespace uniner::engine {

namespace {

// One query's sequence.
struct Sequence {
  enum class Stage { kWaitPrefix, kQuery, kGenerate, kDone };
  llama_seq_id id = -1;
  Stage stage = Stage::kWaitPrefix;
  llama_pos pos = 0;                      // position of the next token fed
  std::size_t fed = 0;                    // query tokens fed so far
  std::size_t own_cells = 0;              // cells holding this sequence's own tokens
  TokenId next = 0;                       // the token to feed in kGenerate
  int out = -1;                           // batch index of this step's logits, or -1
  std::unique_ptr<TokenChooser> chooser;  // picks this sequence's answer tokens
};

// One admitted job.
struct Active {
  GenJob job;  // prefix extended by the queries' common head; queries without it
  GenResult result;
  std::vector<Sequence> seqs;
  int max_new = 0;
  std::size_t prefix_fed = 0;  // prefix tokens in the KV cache (copied from the root or decoded)
  std::size_t from_root = 0;   // of which copied from the root (cells it does not own)
  std::size_t live = 0;
};

// Tokens of one sequence (or of a job's prefix, q < 0) in this step's batch.
struct Planned {
  Active* job;
  int q;
  std::size_t n;
  int out;  // batch index of the logits wanted, or -1
};

// Moves the longest common token prefix of the queries into the prefix (each query keeps at
// least its last token, whose logits start the answer). A second call finds no common head.
void share_query_head(GenJob& job) {
  if (job.queries.size() < 2) return;
  std::size_t head = job.queries[0].size() - 1;
  for (const auto& q : job.queries) {
    std::size_t k = 0;
    while (k < head && k < q.size() - 1 && q[k] == job.queries[0][k]) ++k;
    head = k;
  }
  if (head == 0) return;
  job.prefix.insert(job.prefix.end(), job.queries[0].begin(), job.queries[0].begin() + head);
  for (auto& q : job.queries) q.erase(q.begin(), q.begin() + head);
  for (auto& from : job.logits_from) from = from >= head ? from - head : 0;
}

bool is_cancelled(const GenJob& job) {
  return job.cancelled && job.cancelled->load(std::memory_order_relaxed);
}

}  // namespace

struct Scheduler::State {
  llama_context* ctx;
  llama_memory_t mem;
  const llama_vocab* vocab;
  int n_vocab;
  GenOptions options;
  std::size_t n_ctx;
  std::vector<llama_seq_id> free_ids;
  llama_seq_id root_seq = -1;
  bool root_ready = false;
  std::size_t used = 0;  // KV cells in use (the root's included)
  std::deque<std::unique_ptr<Active>> active;  // in admission order: the youngest last
  std::deque<GenJob> requeued;                 // evicted jobs, first in line
  bool admission_blocked = false;  // after an eviction, until a sequence ends
  double answer_tokens = 0;        // over finished answers, EOS counted: the expected length
  double answers = 0;
  Batch batch;
  GenCounters counters;

  State(llama_context* c, GenOptions o)
      : ctx(c),
        mem(llama_get_memory(c)),
        vocab(llama_model_get_vocab(llama_get_model(c))),
        n_vocab(llama_vocab_n_tokens(vocab)),
        options(std::move(o)),
        n_ctx(llama_n_ctx(c)),
        batch(static_cast<int>(llama_n_batch(c)), 1) {
    counters.cells_total = n_ctx;
    reset();
  }

  // Back to an empty cache: every sequence id free, the root to be decoded again.
  void reset() {
    llama_memory_clear(mem, /*data=*/false);
    active.clear();
    requeued.clear();
    free_ids.clear();
    const auto n_seq = static_cast<int>(llama_n_seq_max(ctx));
    for (int s = n_seq - 1; s >= 0; --s) free_ids.push_back(s);
    root_seq = -1;
    root_ready = false;
    used = 0;
    admission_blocked = false;
    const auto& root = options.root;
    if (!root.empty() && free_ids.size() >= 2 && root.size() + 1 < n_ctx) {
      root_seq = free_ids.back();
      free_ids.pop_back();
    }
    publish();
  }

  std::size_t root_cells() const { return root_seq >= 0 ? options.root.size() : 0; }

  // The root sequence: tokens shared by every job's prefix, decoded once and kept.
  void decode_root() {
    if (root_ready || root_seq < 0) return;
    const auto& root = options.root;
    for (std::size_t i = 0; i < root.size();) {
      batch.clear();
      for (; i < root.size() && batch.size() < batch.capacity(); ++i) {
        batch.add(root[i], static_cast<llama_pos>(i), root_seq, false);
      }
      if (const int32_t rc = timed_decode(); rc != 0) throw_decode_error(rc);
    }
    used += root.size();
    root_ready = true;
  }

  int max_new_of(const GenJob& job) const {
    return job.max_new_tokens >= 0 ? job.max_new_tokens : options.max_new_tokens;
  }

  // Answer tokens a sequence is expected to take: twice the mean so far (EOS counted), at least
  // 4, at most the job's limit; 16 before any answer has ended.
  std::size_t expected_answer(int max_new) const {
    const double guess = answers > 0 ? 2 * answer_tokens / answers + 1 : 16;
    return static_cast<std::size_t>(std::clamp(guess, std::min(4.0, double(max_new)),
                                                static_cast<double>(max_new)));
  }

  std::size_t prefix_shared_with_root(const GenJob& job) const {
    if (root_seq < 0) return 0;
    const auto& root = options.root;
    std::size_t k = 0;
    while (k < root.size() && k + 1 < job.prefix.size() && job.prefix[k] == root[k]) ++k;
    return k;
  }

  // Cells a job is expected to hold at its largest: its prompt plus expected answers, or what
  // its answers already hold when longer.
  std::size_t commitment(const Active& a) const {
    std::size_t n = a.job.prefix.size() - a.from_root;
    const std::size_t expect = expected_answer(a.max_new);
    for (std::size_t q = 0; q < a.seqs.size(); ++q) {
      const auto& s = a.seqs[q];
      if (s.stage == Sequence::Stage::kDone) continue;
      n += a.job.queries[q].size() +
           std::max(expect, a.result.answers[q].size() + 1);  // +1: the token being fed
    }
    return n;
  }

  std::size_t commitment(const GenJob& job) const {
    const std::size_t expect = expected_answer(max_new_of(job));
    std::size_t n = job.prefix.size() - prefix_shared_with_root(job);
    for (const auto& q : job.queries) n += q.size() + expect;
    return n;
  }

  bool can_admit(const GenJob& job) const {
    if (admission_blocked) return false;
    if (options.max_active && active.size() >= options.max_active) return false;
    if (job.queries.size() > free_ids.size()) return false;
    std::size_t committed = root_cells();
    for (const auto& a : active) committed += commitment(*a);
    return committed + commitment(job) <= n_ctx;
  }

  void admit(GenJob&& job) {
    if (options.share_query_heads) share_query_head(job);
    auto a = std::make_unique<Active>();
    a->max_new = max_new_of(job);
    a->result.tag = job.tag;
    a->result.answers.resize(job.queries.size());
    a->seqs.resize(job.queries.size());
    for (auto& s : a->seqs) {
      s.id = free_ids.back();
      free_ids.pop_back();
      s.chooser = make_chooser(job.chooser);
    }
    a->live = a->seqs.size();
    if (const std::size_t k = prefix_shared_with_root(job); k > 0) {
      // Copy what the prefix shares with the root instead of decoding it: the cells are shared.
      llama_memory_seq_cp(mem, root_seq, a->seqs[0].id, 0, static_cast<llama_pos>(k));
      a->prefix_fed = a->from_root = k;
    }
    a->job = std::move(job);
    active.push_back(std::move(a));
  }

  void end_sequence(Active& a, Sequence& s, bool finished_answer) {
    if (finished_answer) {
      answer_tokens += static_cast<double>(a.result.answers[&s - a.seqs.data()].size() + 1);
      answers += 1;
    }
    s.stage = Sequence::Stage::kDone;
    llama_memory_seq_rm(mem, s.id, -1, -1);
    free_ids.push_back(s.id);
    used -= s.own_cells;
    s.own_cells = 0;
    --a.live;
    admission_blocked = false;
    if (a.live == 0) used -= a.prefix_fed - a.from_root;  // no sequence refers to the prefix
  }

  // Frees the youngest job's cells and puts it first in line, to start over.
  void evict_youngest() {
    auto& a = *active.back();
    for (auto& s : a.seqs) {
      if (s.stage != Sequence::Stage::kDone) end_sequence(a, s, false);
    }
    requeued.push_front(std::move(a.job));
    active.pop_back();
    admission_blocked = true;
    ++counters.evictions;
  }

  void cancel_requested() {
    for (auto& a : active) {
      if (!is_cancelled(a->job)) continue;
      a->result.cancelled = true;
      for (auto& s : a->seqs) {
        if (s.stage != Sequence::Stage::kDone) end_sequence(*a, s, false);
      }
    }
  }

  // llama_decode of the batch, its time counted.
  int32_t timed_decode() {
    const auto start = std::chrono::steady_clock::now();
    const int32_t rc = llama_decode(ctx, batch.get());
    counters.decode_microseconds += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                              start)
            .count());
    return rc;
  }

  // Plans one batch without changing any state: answer tokens first, then queries, then
  // prefixes (the oldest jobs first in each group).
  std::vector<Planned> plan() {
    batch.clear();
    std::vector<Planned> planned;
    const int cap = batch.capacity();
    for (auto& a : active) {
      for (std::size_t q = 0; q < a->seqs.size() && batch.size() < cap; ++q) {
        auto& s = a->seqs[q];
        if (s.stage != Sequence::Stage::kGenerate) continue;
        planned.push_back({a.get(), static_cast<int>(q), 1, batch.add(s.next, s.pos, s.id, true)});
      }
    }
    for (auto& a : active) {
      for (std::size_t q = 0; q < a->seqs.size() && batch.size() < cap; ++q) {
        auto& s = a->seqs[q];
        if (s.stage != Sequence::Stage::kQuery) continue;
        const auto& tokens = a->job.queries[q];
        const std::size_t logits_from =
            q < a->job.logits_from.size() ? a->job.logits_from[q] : tokens.size() - 1;
        Planned p{a.get(), static_cast<int>(q), 0, -1};
        for (std::size_t i = s.fed; i < tokens.size() && batch.size() < cap; ++i, ++p.n) {
          const bool last = i + 1 == tokens.size();
          const int at = batch.add(tokens[i], s.pos + static_cast<llama_pos>(p.n), s.id,
                                   last || i >= logits_from);
          if (last) p.out = at;
        }
        planned.push_back(p);
      }
    }
    for (auto& a : active) {
      const auto& prefix = a->job.prefix;
      Planned p{a.get(), -1, 0, -1};
      for (std::size_t i = a->prefix_fed; i < prefix.size() && batch.size() < cap; ++i, ++p.n) {
        batch.add(prefix[i], static_cast<llama_pos>(i), a->seqs[0].id, false);
      }
      if (p.n > 0) planned.push_back(p);
    }
    return planned;
  }

  // One decode step; false when the cache was full and the youngest job was evicted instead.
  bool step(const ResultSink& done) {
    auto planned = plan();
    if (batch.size() == 0) throw Error("internal: empty decode step");
    const int32_t rc = timed_decode();
    if (rc == 1 && active.size() > 1) {  // the cache is as it was before the call
      evict_youngest();
      return false;
    }
    if (rc != 0) throw_decode_error(rc);
    counters.tokens_decoded += static_cast<std::uint64_t>(batch.size());
    used += static_cast<std::size_t>(batch.size());

    for (const auto& p : planned) {  // commit what was fed
      Active& a = *p.job;
      if (p.q < 0) {
        a.prefix_fed += p.n;
        continue;
      }
      auto& s = a.seqs[static_cast<std::size_t>(p.q)];
      s.own_cells += p.n;
      s.pos += static_cast<llama_pos>(p.n);
      if (s.stage == Sequence::Stage::kQuery) s.fed += p.n;
      s.out = p.out;
    }
    for (const auto& p : planned) {
      if (p.q < 0 || p.out < 0) continue;
      Active& a = *p.job;
      auto& s = a.seqs[static_cast<std::size_t>(p.q)];
      if (a.max_new == 0) {  // prefill only: no answer
        end_sequence(a, s, false);
        continue;
      }
      const TokenId t = s.chooser->choose(logits_at(ctx, p.out), n_vocab);
      auto& answer = a.result.answers[static_cast<std::size_t>(p.q)];
      if (llama_vocab_is_eog(vocab, t)) {
        end_sequence(a, s, true);
        continue;
      }
      answer.push_back(t);
      ++counters.tokens_generated;
      s.chooser->accept(t);
      if (static_cast<int>(answer.size()) >= a.max_new) {
        end_sequence(a, s, true);
        continue;
      }
      s.stage = Sequence::Stage::kGenerate;  // feeds t at s.pos next step
      s.next = t;
    }
    for (auto& a : active) {
      // A completed prefix is shared with every query's sequence.
      if (a->prefix_fed == a->job.prefix.size() &&
          a->seqs[0].stage == Sequence::Stage::kWaitPrefix) {
        const auto pos = static_cast<llama_pos>(a->job.prefix.size());
        for (std::size_t q = 0; q < a->seqs.size(); ++q) {
          if (q > 0) llama_memory_seq_cp(mem, a->seqs[0].id, a->seqs[q].id, -1, -1);
          a->seqs[q].stage = Sequence::Stage::kQuery;
          a->seqs[q].pos = pos;
        }
      }
    }
    finish_done(done);
    return true;
  }

  void finish_done(const ResultSink& done) {
    for (auto it = active.begin(); it != active.end();) {
      if ((*it)->live == 0) {
        GenResult r = std::move((*it)->result);
        it = active.erase(it);
        done(std::move(r));
      } else {
        ++it;
      }
    }
  }

  void publish() {
    std::size_t seqs = 0;
    for (const auto& a : active) seqs += a->live;
    counters.jobs = active.size();
    counters.sequences = seqs;
    counters.cells_used = used;
  }

  void run(const JobSource& next, const ResultSink& done, const StepHook& on_step) {
    decode_root();
    bool source_open = true;
    std::optional<GenJob> pending;
    while (true) {
      // Admit as many jobs as are likely to fit.
      while (true) {
        if (!pending && !requeued.empty()) {
          pending = std::move(requeued.front());
          requeued.pop_front();
        }
        if (!pending && source_open) {
          GenJob job;
          const Pull r = next(job, active.empty());
          if (r == Pull::kJob) {
            pending = std::move(job);
          } else if (r == Pull::kEnd) {
            source_open = false;
          } else if (active.empty()) {
            continue;  // the source had nothing yet: ask again
          }
        }
        if (!pending) break;
        if (pending->queries.empty() || is_cancelled(*pending)) {  // done at once
          done(GenResult{pending->tag, {}, is_cancelled(*pending)});
          pending.reset();
          continue;
        }
        if (!can_admit(*pending)) {
          if (active.empty()) {  // alone it is admitted whatever the estimate says
            if (pending->queries.size() > free_ids.size()) {
              throw Error("a job needs " + std::to_string(pending->queries.size()) +
                          " sequences: more than the context has");
            }
            admission_blocked = false;
            admit(std::move(*pending));
            pending.reset();
          }
          break;
        }
        admit(std::move(*pending));
        pending.reset();
      }
      if (on_step) on_step();
      cancel_requested();
      finish_done(done);
      publish();
      if (active.empty()) {
        if (!pending && requeued.empty() && !source_open) return;
        continue;
      }
      step(done);
      publish();
    }
  }
};

Scheduler::Scheduler(llama_context* ctx, GenOptions options)
    : state_(std::make_unique<State>(ctx, std::move(options))) {}
Scheduler::~Scheduler() = default;

void Scheduler::run(const JobSource& next, const ResultSink& done, const StepHook& on_step) {
  try {
    state_->run(next, done, on_step);
  } catch (...) {
    state_->reset();
    throw;
  }
}

std::size_t Scheduler::cells_for_jobs() const {
  return state_->n_ctx - state_->root_cells();
}

std::size_t Scheduler::sequences_for_jobs() const {
  return llama_n_seq_max(state_->ctx) - (state_->root_seq >= 0 ? 1 : 0);
}

const GenCounters& Scheduler::counters() const {
  return state_->counters;
}

}  // namespace uniner::engine

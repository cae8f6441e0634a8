#include "engine/generator.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "uniner/error.h"

namespace uniner::engine {

TokenId argmax_token(const float* logits, int n_vocab) {
  int best = 0;
  for (int i = 1; i < n_vocab; ++i)
    if (logits[i] > logits[best]) best = i;
  return best;
}

const float* logits_at(llama_context* ctx, int32_t i) {
  const float* logits = llama_get_logits_ith(ctx, i);
  if (logits == nullptr) {
    throw Error("llama.cpp returned no logits for batch index " + std::to_string(i) +
                " (llama_get_logits_ith gave a null pointer): the batch did not request them or "
                "the decode failed");
  }
  return logits;
}

TokenId greedy_token(llama_context* ctx, int32_t i, int n_vocab) {
  return argmax_token(logits_at(ctx, i), n_vocab);
}

std::size_t cells_needed(const GenJob& job, int max_new_tokens) {
  std::size_t n = job.prefix.size();
  for (const auto& q : job.queries) n += q.size() + static_cast<std::size_t>(max_new_tokens);
  return n;
}

void decode_or_throw(llama_context* ctx, const llama_batch& batch) {
  const int32_t rc = llama_decode(ctx, batch);
  if (rc != 0) {
    throw Error(
        "llama_decode failed (code " + std::to_string(rc) +
        (rc == 1 ? ": no KV slot: the context is too small for the sequences in flight" : "") +
        ")");
  }
}

namespace {

// One query's sequence.
struct Sequence {
  enum class Stage { kWaitPrefix, kQuery, kGenerate, kDone };
  llama_seq_id id = -1;
  Stage stage = Stage::kWaitPrefix;
  llama_pos pos = 0;                      // position of the next token fed
  std::size_t fed = 0;                    // query tokens fed so far
  TokenId next = 0;                       // the token to feed in kGenerate
  int out = -1;                           // batch index of this step's logits, or -1
  std::unique_ptr<TokenChooser> chooser;  // picks this sequence's answer tokens
};

// One admitted job.
struct Active {
  GenJob job;  // prefix extended by the queries' common head; queries without it
  GenResult result;
  std::vector<Sequence> seqs;
  std::size_t prefix_fed = 0;  // prefix tokens in the KV cache (copied from the root or decoded)
  std::size_t live = 0;
  std::size_t reserved = 0;  // KV cells reserved for it
};

class SharedScheduler {
 public:
  SharedScheduler(llama_context* ctx, const GenOptions& options)
      : ctx_(ctx),
        mem_(llama_get_memory(ctx)),
        vocab_(llama_model_get_vocab(llama_get_model(ctx))),
        n_vocab_(llama_vocab_n_tokens(vocab_)),
        options_(options),
        free_cells_(llama_n_ctx(ctx)),
        batch_(static_cast<int>(llama_n_batch(ctx)), 1) {
    const auto n_seq = static_cast<int>(llama_n_seq_max(ctx));
    for (int s = n_seq - 1; s >= 0; --s) free_ids_.push_back(s);
  }

  void run(const JobSource& next, const ResultSink& done) {
    llama_memory_clear(mem_, /*data=*/false);
    decode_root();
    bool source_open = true;
    std::optional<GenJob> pending;
    while (true) {
      // Admit as many jobs as sequence ids and cells allow.
      while (true) {
        if (!pending && source_open) {
          GenJob job;
          if (next(job))
            pending = std::move(job);
          else
            source_open = false;
        }
        if (!pending) break;
        if (pending->queries.empty()) {  // nothing to ask: done at once
          done(GenResult{pending->tag, {}});
          pending.reset();
          continue;
        }
        const std::size_t cells = cells_needed(*pending, options_.max_new_tokens);
        const bool at_limit = options_.max_active && active_.size() >= options_.max_active;
        if (at_limit || pending->queries.size() > free_ids_.size() || cells > free_cells_) {
          if (active_.empty()) {
            throw Error("a job needs " + std::to_string(cells) + " KV cells and " +
                        std::to_string(pending->queries.size()) +
                        " sequences: more than the context has");
          }
          break;
        }
        admit(std::move(*pending), cells);
        pending.reset();
      }
      if (active_.empty()) return;
      step();
      finish_done(done);
    }
  }

 private:
  // The root sequence: tokens shared by every job's prefix, decoded once and kept for the run.
  void decode_root() {
    const auto& root = options_.root;
    if (root.empty() || free_ids_.size() < 2 || root.size() + 1 >= free_cells_) return;
    root_seq_ = free_ids_.back();
    free_ids_.pop_back();
    free_cells_ -= root.size();
    for (std::size_t i = 0; i < root.size();) {
      batch_.clear();
      for (; i < root.size() && batch_.size() < batch_.capacity(); ++i) {
        batch_.add(root[i], static_cast<llama_pos>(i), root_seq_, false);
      }
      decode_or_throw(ctx_, batch_.get());
    }
  }

  // Moves the longest common token prefix of the queries into the prefix (each query keeps at
  // least its last token, whose logits start the answer).
  void share_query_head(GenJob& job) const {
    if (!options_.share_query_heads || job.queries.size() < 2) return;
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

  void admit(GenJob&& job, std::size_t cells) {
    share_query_head(job);
    auto a = std::make_unique<Active>();
    a->result.tag = job.tag;
    a->result.answers.resize(job.queries.size());
    a->seqs.resize(job.queries.size());
    for (auto& s : a->seqs) {
      s.id = free_ids_.back();
      free_ids_.pop_back();
      s.chooser = make_chooser(job.chooser);
    }
    a->live = a->seqs.size();
    a->reserved = cells;
    free_cells_ -= cells;
    if (root_seq_ >= 0) {  // copy what the prefix shares with the root instead of decoding it
      const auto& root = options_.root;
      std::size_t k = 0;
      while (k < root.size() && k + 1 < job.prefix.size() && job.prefix[k] == root[k]) ++k;
      if (k > 0) {
        llama_memory_seq_cp(mem_, root_seq_, a->seqs[0].id, 0, static_cast<llama_pos>(k));
        a->prefix_fed = k;
      }
    }
    a->job = std::move(job);
    active_.push_back(std::move(a));
  }

  // Builds and decodes one batch: answer tokens first, then queries, then prefixes.
  void step() {
    batch_.clear();
    const int cap = batch_.capacity();
    for (auto& a : active_) {
      for (auto& s : a->seqs) {
        s.out = -1;
        if (s.stage == Sequence::Stage::kGenerate && batch_.size() < cap) {
          s.out = batch_.add(s.next, s.pos++, s.id, true);
        }
      }
    }
    for (auto& a : active_) {
      for (std::size_t q = 0; q < a->seqs.size(); ++q) {
        auto& s = a->seqs[q];
        if (s.stage != Sequence::Stage::kQuery) continue;
        const auto& tokens = a->job.queries[q];
        const std::size_t logits_from =
            q < a->job.logits_from.size() ? a->job.logits_from[q] : tokens.size() - 1;
        while (s.fed < tokens.size() && batch_.size() < cap) {
          const bool last = s.fed + 1 == tokens.size();
          const int i = batch_.add(tokens[s.fed], s.pos, s.id, last || s.fed >= logits_from);
          if (last) s.out = i;
          ++s.fed, ++s.pos;
        }
      }
    }
    for (auto& a : active_) {
      const auto& prefix = a->job.prefix;
      while (a->prefix_fed < prefix.size() && batch_.size() < cap) {
        batch_.add(prefix[a->prefix_fed], static_cast<llama_pos>(a->prefix_fed), a->seqs[0].id,
                   false);
        ++a->prefix_fed;
      }
    }
    if (batch_.size() == 0) throw Error("internal: empty decode step");
    decode_or_throw(ctx_, batch_.get());

    for (auto& a : active_) {
      for (std::size_t q = 0; q < a->seqs.size(); ++q) {
        auto& s = a->seqs[q];
        if (s.out < 0) continue;
        if (options_.max_new_tokens == 0) {  // prefill only: no answer
          end_sequence(*a, s);
          continue;
        }
        const TokenId t = s.chooser->choose(logits_at(ctx_, s.out), n_vocab_);
        auto& answer = a->result.answers[q];
        if (llama_vocab_is_eog(vocab_, t)) {
          end_sequence(*a, s);
          continue;
        }
        answer.push_back(t);
        s.chooser->accept(t);
        if (static_cast<int>(answer.size()) >= options_.max_new_tokens) {
          end_sequence(*a, s);
          continue;
        }
        s.stage = Sequence::Stage::kGenerate;  // feeds t at s.pos next step
        s.next = t;
      }
      // A completed prefix is shared with every query's sequence.
      if (a->prefix_fed == a->job.prefix.size() &&
          a->seqs[0].stage == Sequence::Stage::kWaitPrefix) {
        const auto p = static_cast<llama_pos>(a->job.prefix.size());
        for (std::size_t q = 0; q < a->seqs.size(); ++q) {
          if (q > 0) llama_memory_seq_cp(mem_, a->seqs[0].id, a->seqs[q].id, -1, -1);
          a->seqs[q].stage = Sequence::Stage::kQuery;
          a->seqs[q].pos = p;
        }
      }
    }
  }

  void end_sequence(Active& a, Sequence& s) {
    s.stage = Sequence::Stage::kDone;
    llama_memory_seq_rm(mem_, s.id, -1, -1);
    free_ids_.push_back(s.id);
    --a.live;
  }

  void finish_done(const ResultSink& done) {
    for (auto it = active_.begin(); it != active_.end();) {
      if ((*it)->live == 0) {
        free_cells_ += (*it)->reserved;
        done(std::move((*it)->result));
        it = active_.erase(it);
      } else {
        ++it;
      }
    }
  }

  llama_context* ctx_;
  llama_memory_t mem_;
  const llama_vocab* vocab_;
  int n_vocab_;
  GenOptions options_;
  std::size_t free_cells_;
  std::vector<llama_seq_id> free_ids_;
  llama_seq_id root_seq_ = -1;
  std::deque<std::unique_ptr<Active>> active_;
  Batch batch_;
};

}  // namespace

void generate_shared(llama_context* ctx, const GenOptions& options, const JobSource& next,
                     const ResultSink& done) {
  SharedScheduler(ctx, options).run(next, done);
}

}  // namespace uniner::engine

#include "engine/passage_engine.h"

#include <algorithm>
#include <deque>
#include <set>
#include <unordered_map>

#include "engine/model_impl.h"
#include "engine/passage_chooser.h"
#include "engine/prompt_tokens.h"
#include "engine/windows.h"
#include "text/utf8.h"
#include "uniner/engine/extraction_service.h"
#include "uniner/error.h"
#include "uniner/text/normalize.h"

namespace uniner::engine {

namespace {

// One passage on its way through the model.
struct Pending {
  PassageTask task;
  PassageResult result;
  ParserMode parser = ParserMode::kLenient;
  std::vector<Window> windows;
  std::vector<std::vector<std::string>> answers;  // [type][window]
  std::size_t jobs_left = 0;
  bool cancelled = false;
};

struct JobInfo {
  Pending* passage;
  std::size_t window;
  std::vector<std::size_t> types;  // indexes into passage->task.input.types
};

std::size_t code_points_before(std::string_view text, std::size_t byte) {
  return count_code_points(text.substr(0, byte));
}

// The entities of a passage whose answers are all in: found ones (every occurrence of each
// answer item in its window) in document order, then unfound ones in answer order.
void assemble(Pending& p) {
  const std::string& text = p.task.input.text;
  const auto& types = p.task.input.types;
  struct Found {
    std::size_t type_index;
    Entity entity;
  };
  std::vector<Found> found;
  std::set<std::tuple<std::size_t, std::size_t, std::size_t>> seen_spans;  // type, start, end
  std::set<std::pair<std::size_t, std::string>> found_items;
  std::vector<std::pair<std::size_t, std::string>> unfound;
  for (std::size_t w = 0; w < p.windows.size(); ++w) {
    const auto& win = p.windows[w];
    const std::string_view wtext =
        std::string_view(text).substr(win.byte_start, win.byte_end - win.byte_start);
    const std::size_t cp0 = code_points_before(text, win.byte_start);
    for (std::size_t t = 0; t < types.size(); ++t) {
      for (auto& item : parse_answer(p.answers[t][w], p.parser)) {
        const auto spans = locate_all(wtext, item);
        if (spans.empty()) {
          unfound.emplace_back(t, std::move(item));
          continue;
        }
        found_items.emplace(t, item);
        for (auto s : spans) {
          s.start += cp0, s.end += cp0, s.byte_start += win.byte_start,
              s.byte_end += win.byte_start;
          if (!seen_spans.emplace(t, s.byte_start, s.byte_end).second) continue;
          Entity e{text.substr(s.byte_start, s.byte_end - s.byte_start), types[t], true, s};
          found.push_back({t, std::move(e)});
        }
      }
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.entity.span.byte_start, a.entity.span.byte_end, a.type_index) <
           std::tie(b.entity.span.byte_start, b.entity.span.byte_end, b.type_index);
  });
  for (auto& f : found) p.result.entities.push_back(std::move(f.entity));
  std::set<std::pair<std::size_t, std::string>> reported;
  for (auto& [t, item] : unfound) {
    if (found_items.count({t, item}) || !reported.emplace(t, item).second) continue;
    p.result.entities.push_back(Entity{item, types[t], false, {}});
  }
  for (std::size_t t = 0; t < types.size(); ++t) {
    p.result.raw.emplace_back(types[t], std::move(p.answers[t]));
  }
}

}  // namespace

struct PassageEngine::Impl {
  ExtractOptions options;
  ContextPtr ctx;
  const Vocab& vocab;
  PromptTemplate prompt;  // the model's, with the system sentence the options ask for
  std::unordered_map<std::string, std::vector<TokenId>> query_cache;
  std::shared_ptr<const PieceTable> pieces;  // set when answers are constrained
  GenOptions gen;
  std::unique_ptr<Scheduler> scheduler;  // shared mode

  // Jobs made and not yet handed to the decode loop, and what each job answers.
  std::deque<GenJob> jobs;
  std::unordered_map<std::size_t, JobInfo> job_info;
  std::unordered_map<std::uint64_t, std::unique_ptr<Pending>> in_flight;  // by task tag
  std::size_t next_job_tag = 0;
  ExtractProgress counts;

  Impl(const Model& m, ExtractOptions o)
      : options(o), ctx(model_impl(m).new_context()), vocab(m.vocab()), prompt(m.prompt_template()) {
    if (options.system) prompt.system = system_message(*options.system);
    if (options.constrain == AnswerConstraint::kPassage) pieces = PieceTable::of(vocab);
    gen.max_new_tokens = options.max_new_tokens;
    gen.max_active = options.batch_passages ? 0 : 1;
    if (options.mode == DecodeMode::kShared) {
      if (llama_n_seq_max(ctx.get()) > 1) {
        // The template before the passage: what every prefix starts with.
        const auto a = prefix_tokens("a"), b = prefix_tokens("b");
        std::size_t k = 0;
        while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
        gen.root.assign(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k));
      }
      scheduler = std::make_unique<Scheduler>(ctx.get(), gen);
    }
  }

  // What one job may use when alone.
  std::size_t job_cells() const {
    return scheduler ? scheduler->cells_for_jobs() : llama_n_ctx(ctx.get());
  }
  std::size_t job_sequences() const {
    return scheduler ? scheduler->sequences_for_jobs() : llama_n_seq_max(ctx.get());
  }

  // The token choosers of a window's answers: empty (greedy) unless answers are constrained.
  ChooserMaker chooser_for(std::string_view window_text, int max_new) const {
    if (!pieces) return {};
    auto window = std::make_shared<const PassageConstraint>(pieces, window_text);
    return [window, max_new] { return make_passage_chooser(window, max_new); };
  }

  const std::vector<TokenId>& query_tokens(const std::string& type) {
    auto it = query_cache.find(type);
    if (it == query_cache.end()) {
      if (query_cache.size() > 100000) query_cache.clear();  // bounded over huge type sets
      it = query_cache.emplace(type, uniner::query_tokens(vocab, type)).first;
    }
    return it->second;
  }

  std::vector<TokenId> prefix_tokens(std::string_view text) const {
    return uniner::prefix_tokens(vocab, text, prompt);
  }

  // Splits a passage into windows and jobs; returns an error instead when it cannot be
  // processed (no job is queued then).
  std::string prepare(Pending& p) {
    const PassageInput& in = p.task.input;
    if (std::string why = validate_passage(in); !why.empty()) return why;
    const int max_new =
        p.task.max_new_tokens >= 0 ? p.task.max_new_tokens : options.max_new_tokens;
    if (max_new < 1) return "max_new_tokens must be at least 1, got " + std::to_string(max_new);
    const std::string& text = in.text;
    std::size_t longest_query = 0;
    for (const auto& t : in.types) longest_query = std::max(longest_query, query_tokens(t).size());
    const std::size_t overhead = prefix_tokens("").size() + longest_query;
    p.windows = {Window{0, text.size()}};
    if (options.max_passage_tokens > 0) {
      const auto limit = static_cast<std::size_t>(options.max_passage_tokens);
      if (overhead + 8 > limit) {
        return "the prompt without text already takes " + std::to_string(overhead) +
               " tokens, over the passage token limit " + std::to_string(limit) +
               ": raise the limit or shorten the types";
      }
      const TokenCounter count = [&](std::string_view s) { return vocab.count_tokens(s); };
      p.windows = split_windows(text, limit - overhead,
                                static_cast<std::size_t>(options.window_overlap_tokens), count);
    }
    p.result.windows = p.windows.size();
    p.answers.assign(in.types.size(), std::vector<std::string>(p.windows.size()));
    const std::size_t n_ctx = job_cells(), n_seq = job_sequences();
    std::vector<GenJob> made;
    std::vector<JobInfo> infos;
    for (std::size_t w = 0; w < p.windows.size(); ++w) {
      const auto& win = p.windows[w];
      const auto window_text =
          std::string_view(text).substr(win.byte_start, win.byte_end - win.byte_start);
      const auto prefix = prefix_tokens(window_text);
      const ChooserMaker chooser = chooser_for(window_text, max_new);
      // Group the types into jobs that fit the context alone.
      GenJob job;
      JobInfo info{&p, w, {}};
      std::size_t cells = prefix.size();
      const auto push = [&] {
        job.prefix = prefix;
        job.chooser = chooser;
        job.max_new_tokens = max_new;
        job.cancelled = p.task.cancelled;
        made.push_back(std::move(job));
        infos.push_back(std::move(info));
        job = {};
        info = JobInfo{&p, w, {}};
        cells = prefix.size();
      };
      for (std::size_t t = 0; t < in.types.size(); ++t) {
        const auto& q = query_tokens(in.types[t]);
        const std::size_t need = q.size() + static_cast<std::size_t>(max_new);
        if (prefix.size() + need > n_ctx) {
          return "a prompt of " + std::to_string(prefix.size() + q.size()) + " tokens plus " +
                 std::to_string(max_new) + " new tokens does not fit the context of " +
                 std::to_string(n_ctx);
        }
        if (!info.types.empty() && (cells + need > n_ctx || info.types.size() == n_seq)) push();
        job.queries.push_back(q);
        info.types.push_back(t);
        cells += need;
      }
      push();
    }
    counts.queries_total += p.windows.size() * in.types.size();
    for (std::size_t i = 0; i < made.size(); ++i) {
      made[i].tag = next_job_tag++;
      job_info.emplace(made[i].tag, std::move(infos[i]));
      jobs.push_back(std::move(made[i]));
    }
    p.jobs_left = made.size();
    return {};
  }

  void deliver(Pending& p, const PassageSink& done) {
    if (p.cancelled) {
      p.result.error = kCancelledError;
    } else if (p.result.error.empty()) {
      assemble(p);
    }
    const std::uint64_t tag = p.task.tag;
    PassageResult r = std::move(p.result);
    in_flight.erase(tag);
    ++counts.passages_done;
    done(tag, std::move(r));
  }

  // A job's answers are in: the passage is delivered when it was its last job.
  void job_done(GenResult&& r, const PassageSink& done) {
    auto it = job_info.find(r.tag);
    JobInfo info = std::move(it->second);
    job_info.erase(it);
    Pending& p = *info.passage;
    p.cancelled = p.cancelled || r.cancelled;
    for (std::size_t k = 0; k < info.types.size() && k < r.answers.size(); ++k) {
      p.answers[info.types[k]][info.window] = answer_text(r.answers[k]);
      counts.tokens_generated += r.answers[k].size();
      ++counts.queries_done;
    }
    if (--p.jobs_left == 0) deliver(p, done);
  }

  // Jobs of cancelled passages that have not reached the decode loop come back cancelled.
  void sweep_cancelled(const PassageSink& done) {
    for (auto it = jobs.begin(); it != jobs.end();) {
      if (it->cancelled && it->cancelled->load()) {
        GenResult r{it->tag, {}, true};
        it = jobs.erase(it);
        job_done(std::move(r), done);
      } else {
        ++it;
      }
    }
  }

  std::string answer_text(const std::vector<TokenId>& tokens) const {
    // The original: vLLM's output text (special tokens skipped), then
    // get_response(): text.split('ASSISTANT:')[-1].strip().
    std::string text;
    for (TokenId t : tokens) text += vocab.piece(t, /*render_special=*/false);
    text = to_valid_utf8(text);
    const std::size_t marker = text.rfind("ASSISTANT:");
    if (marker != std::string::npos) text.erase(0, marker + 10);
    return python_strip(text);
  }

  void run(const PassageSource& next, const PassageSink& done, const PassageHooks& hooks) {
    bool source_open = true;
    const JobSource source = [&](GenJob& out, bool idle) {
      while (jobs.empty() && source_open) {
        auto p = std::make_unique<Pending>();
        const Pull pulled = next(p->task, idle && in_flight.empty());
        if (pulled == Pull::kEnd) source_open = false;
        if (pulled != Pull::kJob) break;
        p->result.id = p->task.input.id;
        p->result.text = p->task.input.text;
        p->parser = p->task.parser.value_or(options.parser);
        Pending& ref = *p;
        in_flight.emplace(p->task.tag, std::move(p));
        if (std::string why = prepare(ref); !why.empty()) {
          ref.result.error = std::move(why);
          deliver(ref, done);
        }
      }
      if (jobs.empty()) return source_open ? Pull::kWait : Pull::kEnd;
      out = std::move(jobs.front());
      jobs.pop_front();
      return Pull::kJob;
    };
    const ResultSink sink = [&](GenResult&& r) {
      job_done(std::move(r), done);
      if (hooks.on_answers) hooks.on_answers();
    };
    const StepHook step = [&] {
      sweep_cancelled(done);
      if (hooks.on_step) hooks.on_step();
    };
    try {
      if (scheduler) {
        scheduler->run(source, sink, step);
      } else {
        generate_naive(ctx.get(), gen, source, sink, step);
      }
    } catch (...) {
      jobs.clear();
      job_info.clear();
      in_flight.clear();
      throw;
    }
  }
};

PassageEngine::PassageEngine(const Model& model, ExtractOptions options) {
  if (options.max_new_tokens < 1)
    throw InputError("max_new_tokens must be at least 1, got " +
                     std::to_string(options.max_new_tokens));
  if (options.max_passage_tokens < 0 || options.window_overlap_tokens < 0) {
    throw InputError("max_passage_tokens and window_overlap_tokens must not be negative, got " +
                     std::to_string(options.max_passage_tokens) + " and " +
                     std::to_string(options.window_overlap_tokens));
  }
  impl_ = std::make_unique<Impl>(model, options);
}

PassageEngine::~PassageEngine() = default;

void PassageEngine::run(const PassageSource& next, const PassageSink& done,
                        const PassageHooks& hooks) {
  impl_->run(next, done, hooks);
}

ExtractProgress PassageEngine::progress() const {
  ExtractProgress p = impl_->counts;
  p.passages_in_flight = impl_->in_flight.size();
  if (impl_->scheduler) {
    const GenCounters& c = impl_->scheduler->counters();
    p.sequences = c.sequences;
    p.kv_cells_used = c.cells_used;
    p.kv_cells_total = c.cells_total;
    p.evictions = c.evictions;
  }
  return p;
}

const GenCounters* PassageEngine::counters() const {
  return impl_->scheduler ? &impl_->scheduler->counters() : nullptr;
}

const ExtractOptions& PassageEngine::options() const {
  return impl_->options;
}

std::string PassageEngine::answer_text(const std::vector<TokenId>& tokens) const {
  return impl_->answer_text(tokens);
}

}  // namespace uniner::engine

#include "uniner/engine/extractor.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/generator.h"
#include "engine/model_impl.h"
#include "engine/passage_chooser.h"
#include "engine/prompt_tokens.h"
#include "engine/windows.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/text/normalize.h"

namespace uniner {

std::string validate_passage(const PassageInput& p) {
  if (auto bad = find_invalid_utf8(p.text)) {
    return "text: invalid UTF-8 at byte " + std::to_string(bad->byte_offset) + ": " + bad->reason;
  }
  if (p.text.find_first_not_of(" \t\r\n") == std::string::npos) return "empty text";
  if (p.types.empty()) return "no entity types";
  for (const auto& t : p.types) {
    if (t.find_first_not_of(" \t") == std::string::npos) return "an entity type is empty";
    if (t.find_first_of("\r\n") != std::string::npos) {
      return "entity type '" + t + "' contains a newline (the prompt is one line)";
    }
    if (auto bad = find_invalid_utf8(t)) return "entity type: invalid UTF-8";
  }
  return {};
}

struct Extractor::Impl {
  ExtractOptions options;
  engine::ContextPtr ctx;
  const Vocab& vocab;
  PromptTemplate prompt;  // the model's, with the system sentence the options ask for
  std::unordered_map<std::string, std::vector<TokenId>> query_cache;
  std::shared_ptr<const engine::PieceTable> pieces;  // set when answers are constrained

  Impl(const Model& m, ExtractOptions o)
      : options(o),
        ctx(engine::model_impl(m).new_context()),
        vocab(m.vocab()),
        prompt(m.prompt_template()) {
    if (options.system) prompt.system = system_message(*options.system);
    if (options.constrain == AnswerConstraint::kPassage) pieces = engine::PieceTable::of(vocab);
  }

  // The token choosers of a window's answers: empty (greedy) unless answers are constrained.
  engine::ChooserMaker chooser_for(std::string_view window_text) const {
    if (!pieces) return {};
    auto window = std::make_shared<const engine::PassageConstraint>(pieces, window_text);
    return [window, max = options.max_new_tokens] {
      return engine::make_passage_chooser(window, max);
    };
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
};

namespace {

// One passage on its way through the model.
struct Pending {
  PassageInput input;
  PassageResult result;
  std::vector<engine::Window> windows;
  std::vector<std::vector<std::string>> answers;  // [type][window]
  std::size_t jobs_left = 0;
  bool ready = false;
};

struct JobInfo {
  Pending* passage;
  std::size_t window;
  std::vector<std::size_t> types;  // indexes into passage->input.types
};

std::size_t code_points_before(std::string_view text, std::size_t byte) {
  return count_code_points(text.substr(0, byte));
}

void assemble(Pending& p, ParserMode parser) {
  const std::string& text = p.input.text;
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
    for (std::size_t t = 0; t < p.input.types.size(); ++t) {
      for (auto& item : parse_answer(p.answers[t][w], parser)) {
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
          Entity e{text.substr(s.byte_start, s.byte_end - s.byte_start), p.input.types[t], true, s};
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
    p.result.entities.push_back(Entity{item, p.input.types[t], false, {}});
  }
  for (std::size_t t = 0; t < p.input.types.size(); ++t) {
    p.result.raw.emplace_back(p.input.types[t], std::move(p.answers[t]));
  }
  p.ready = true;
}

}  // namespace

Extractor::Extractor(const Model& model, ExtractOptions options)
    : impl_(std::make_unique<Impl>(model, options)) {
  if (options.max_new_tokens < 1)
    throw InputError("max_new_tokens must be at least 1, got " +
                     std::to_string(options.max_new_tokens));
  if (options.max_passage_tokens < 0 || options.window_overlap_tokens < 0) {
    throw InputError("max_passage_tokens and window_overlap_tokens must not be negative, got " +
                     std::to_string(options.max_passage_tokens) + " and " +
                     std::to_string(options.window_overlap_tokens));
  }
}
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;
Extractor::~Extractor() = default;

std::string Extractor::answer_text(const std::vector<TokenId>& tokens) const {
  // The original: vLLM's output text (special tokens skipped), then
  // get_response(): text.split('ASSISTANT:')[-1].strip().
  std::string text;
  for (TokenId t : tokens) text += impl_->vocab.piece(t, /*render_special=*/false);
  text = to_valid_utf8(text);
  const std::size_t marker = text.rfind("ASSISTANT:");
  if (marker != std::string::npos) text.erase(0, marker + 10);
  return python_strip(text);
}

void Extractor::run(const std::function<bool(PassageInput&)>& next,
                    const std::function<void(PassageResult&&)>& emit,
                    const std::function<void(const ExtractProgress&)>& progress) {
  Impl& im = *impl_;
  const auto& opt = im.options;
  engine::GenOptions gen;
  gen.max_new_tokens = opt.max_new_tokens;
  gen.max_active = opt.batch_passages ? 0 : 1;
  if (opt.mode == DecodeMode::kShared && llama_n_seq_max(im.ctx.get()) > 1) {
    // The template before the passage: what every prefix starts with.
    const auto a = im.prefix_tokens("a"), b = im.prefix_tokens("b");
    std::size_t k = 0;
    while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
    gen.root.assign(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k));
  }
  // What one job may use when alone: the context less the root's cells and sequence.
  const std::size_t n_ctx = llama_n_ctx(im.ctx.get()) - gen.root.size();
  const std::size_t n_seq = llama_n_seq_max(im.ctx.get()) - (gen.root.empty() ? 0 : 1);
  std::deque<std::unique_ptr<Pending>> order;  // input order, for in-order emission
  std::deque<engine::GenJob> jobs;
  std::map<std::size_t, JobInfo> job_info;
  std::size_t next_tag = 0;
  ExtractProgress prog;
  bool source_open = true;

  const auto flush = [&] {
    while (!order.empty() && order.front()->ready) {
      emit(std::move(order.front()->result));
      order.pop_front();
      ++prog.passages_done;
      if (progress) progress(prog);
    }
  };

  // Splits a passage into windows and jobs; sets an error instead when it cannot be processed.
  const auto prepare = [&](Pending& p) {
    p.result.id = p.input.id;
    p.result.text = p.input.text;
    if (std::string why = validate_passage(p.input); !why.empty()) {
      p.result.error = why;
      p.ready = true;
      return;
    }
    const std::string& text = p.input.text;
    std::size_t longest_query = 0;
    for (const auto& t : p.input.types)
      longest_query = std::max(longest_query, im.query_tokens(t).size());
    const std::size_t overhead = im.prefix_tokens("").size() + longest_query;
    p.windows = {engine::Window{0, text.size()}};
    if (opt.max_passage_tokens > 0) {
      const auto limit = static_cast<std::size_t>(opt.max_passage_tokens);
      if (overhead + 8 > limit) {
        p.result.error = "the prompt without text already takes " + std::to_string(overhead) +
                         " tokens, over the passage token limit " + std::to_string(limit) +
                         ": raise the limit or shorten the types";
        p.ready = true;
        return;
      }
      const engine::TokenCounter count = [&](std::string_view s) {
        return im.vocab.count_tokens(s);
      };
      p.windows = engine::split_windows(text, limit - overhead,
                                        static_cast<std::size_t>(opt.window_overlap_tokens), count);
    }
    p.result.windows = p.windows.size();
    prog.queries_total += p.windows.size() * p.input.types.size();
    p.answers.assign(p.input.types.size(), std::vector<std::string>(p.windows.size()));
    for (std::size_t w = 0; w < p.windows.size(); ++w) {
      const auto& win = p.windows[w];
      const auto window_text =
          std::string_view(text).substr(win.byte_start, win.byte_end - win.byte_start);
      auto prefix = im.prefix_tokens(window_text);
      const engine::ChooserMaker chooser = im.chooser_for(window_text);
      // Group the types into jobs that fit the context alone.
      engine::GenJob job;
      JobInfo info{&p, w, {}};
      std::size_t cells = prefix.size();
      const auto push = [&] {
        job.tag = next_tag++;
        job.prefix = prefix;
        job.chooser = chooser;
        job_info.emplace(job.tag, std::move(info));
        jobs.push_back(std::move(job));
        ++p.jobs_left;
        job = {};
        info = JobInfo{&p, w, {}};
        cells = prefix.size();
      };
      for (std::size_t t = 0; t < p.input.types.size(); ++t) {
        const auto& q = im.query_tokens(p.input.types[t]);
        const std::size_t need = q.size() + static_cast<std::size_t>(opt.max_new_tokens);
        if (prefix.size() + need > n_ctx) {
          p.result.error = "a prompt of " + std::to_string(prefix.size() + q.size()) +
                           " tokens plus " + std::to_string(opt.max_new_tokens) +
                           " new tokens does not fit the context of " + std::to_string(n_ctx);
          // Drop the jobs queued for this passage.
          while (p.jobs_left > 0) {
            job_info.erase(jobs.back().tag);
            jobs.pop_back();
            --p.jobs_left;
          }
          p.ready = true;
          return;
        }
        if (!info.types.empty() && (cells + need > n_ctx || info.types.size() == n_seq)) push();
        job.queries.push_back(q);
        info.types.push_back(t);
        cells += need;
      }
      push();
    }
  };

  const engine::JobSource source = [&](engine::GenJob& out) {
    while (jobs.empty() && source_open) {
      auto p = std::make_unique<Pending>();
      if (!next(p->input)) {
        source_open = false;
        break;
      }
      prepare(*p);
      order.push_back(std::move(p));
      flush();
    }
    if (jobs.empty()) return false;
    out = std::move(jobs.front());
    jobs.pop_front();
    return true;
  };

  const engine::ResultSink sink = [&](engine::GenResult&& r) {
    auto it = job_info.find(r.tag);
    JobInfo info = std::move(it->second);
    job_info.erase(it);
    for (std::size_t k = 0; k < info.types.size(); ++k) {
      info.passage->answers[info.types[k]][info.window] = answer_text(r.answers[k]);
      prog.tokens_generated += r.answers[k].size();
      ++prog.queries_done;
    }
    const std::size_t emitted = prog.passages_done;
    if (--info.passage->jobs_left == 0) assemble(*info.passage, opt.parser);
    flush();
    if (progress && prog.passages_done == emitted) progress(prog);
  };

  if (opt.mode == DecodeMode::kNaive) {
    engine::generate_naive(im.ctx.get(), gen, source, sink);
  } else {
    engine::generate_shared(im.ctx.get(), gen, source, sink);
  }
  flush();
}

ExtractRecord to_extract_record(const PassageResult& r, bool byte_offsets) {
  ExtractRecord out;
  out.id = r.id;
  out.text = r.text;
  for (const auto& e : r.entities) {
    ExtractRecord::Entity x{e.text, e.type, std::nullopt, std::nullopt, e.found};
    if (e.found) {
      x.start = byte_offsets ? e.span.byte_start : e.span.start;
      x.end = byte_offsets ? e.span.byte_end : e.span.end;
    }
    out.entities.push_back(std::move(x));
  }
  out.raw = r.raw;
  out.windows = r.windows;
  out.error = r.error;
  return out;
}

PassageResult Extractor::extract(const PassageInput& passage) {
  bool given = false;
  PassageResult out;
  run([&](PassageInput& p) { return given ? false : (p = passage, given = true); },
      [&](PassageResult&& r) { out = std::move(r); });
  return out;
}

}  // namespace uniner

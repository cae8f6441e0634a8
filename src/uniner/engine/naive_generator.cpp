// The original's method, kept as the baseline and the reference: every (prefix + query) prompt is
// decoded from scratch in an empty context, then answered one token per llama_decode call.
#include "engine/generator.h"
#include "uniner/error.h"

namespace uniner::engine {

void generate_naive(llama_context* ctx, const GenOptions& options, const JobSource& next,
                    const ResultSink& done, const StepHook& on_step) {
  llama_memory_t mem = llama_get_memory(ctx);
  const llama_vocab* vocab = llama_model_get_vocab(llama_get_model(ctx));
  const int n_vocab = llama_vocab_n_tokens(vocab);
  const int cap = static_cast<int>(llama_n_batch(ctx));
  Batch batch(cap, 1);

  while (true) {
    GenJob job;
    if (on_step) on_step();
    const Pull pulled = next(job, /*idle=*/true);
    if (pulled == Pull::kEnd) return;
    if (pulled == Pull::kWait) continue;
    const int max_new = job.max_new_tokens >= 0 ? job.max_new_tokens : options.max_new_tokens;
    const auto cancelled = [&] { return job.cancelled && job.cancelled->load(); };
    GenResult result{job.tag, std::vector<std::vector<TokenId>>(job.queries.size())};
    for (std::size_t q = 0; q < job.queries.size() && !cancelled(); ++q) {
      llama_memory_clear(mem, /*data=*/false);  // metadata only: no memset of the whole cache
      std::vector<TokenId> prompt = job.prefix;
      prompt.insert(prompt.end(), job.queries[q].begin(), job.queries[q].end());
      if (prompt.size() + static_cast<std::size_t>(max_new) > llama_n_ctx(ctx)) {
        throw Error("a prompt of " + std::to_string(prompt.size()) +
                    " tokens does not fit the context");
      }
      int last = -1;
      for (std::size_t i = 0; i < prompt.size();) {
        batch.clear();
        for (; i < prompt.size() && batch.size() < cap; ++i) {
          last = batch.add(prompt[i], static_cast<llama_pos>(i), 0, i + 1 == prompt.size());
        }
        decode_or_throw(ctx, batch.get());
      }
      auto& answer = result.answers[q];
      auto pos = static_cast<llama_pos>(prompt.size());
      const auto chooser = make_chooser(job.chooser);
      while (true) {
        const TokenId t = chooser->choose(logits_at(ctx, last), n_vocab);
        if (llama_vocab_is_eog(vocab, t)) break;
        answer.push_back(t);
        chooser->accept(t);
        if (static_cast<int>(answer.size()) >= max_new || cancelled()) break;
        batch.clear();
        last = batch.add(t, pos++, 0, true);
        decode_or_throw(ctx, batch.get());
      }
    }
    result.cancelled = cancelled();
    done(std::move(result));
  }
}

}  // namespace uniner::engine

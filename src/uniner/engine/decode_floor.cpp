#include "engine/decode_floor.h"

#include <chrono>

#include "engine/generator.h"
#include "engine/model_impl.h"

namespace uniner {

double decode_floor_seconds(const Model& model, const std::vector<FloorJob>& jobs) {
  auto ctx = engine::model_impl(model).new_context();
  std::size_t i = 0, tag = 0;
  const engine::JobSource next = [&](engine::GenJob& job, bool) {
    if (i == jobs.size()) return engine::Pull::kEnd;
    job.tag = tag++;
    job.prefix = jobs[i].prefix;
    job.queries = jobs[i].continuations;
    for (std::size_t q : jobs[i].query_sizes) job.logits_from.push_back(q - 1);
    ++i;
    return engine::Pull::kJob;
  };
  const auto start = std::chrono::steady_clock::now();
  // max_new_tokens 0: every continuation is prefilled in full batches and nothing is sampled.
  // Every question in full (no sharing of common heads): the floor as the benchmark defines it.
  engine::GenOptions options;
  options.max_new_tokens = 0;
  options.share_query_heads = false;
  engine::Scheduler(ctx.get(), options).run(next, [](engine::GenResult&&) {});
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace uniner

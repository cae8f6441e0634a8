// Passages in, results out, in the order they complete. Private to engine/.
//
// PassageEngine turns each passage into generation jobs (one per window and group of types that
// fits the context), hands them to the decode loop (engine/generator.h), and assembles each
// passage's answers into entities with offsets as soon as its last job is done. Extractor
// (in-order results, one caller) and ExtractionService (requests from many threads) are both thin
// layers over it. One thread at a time; the context and the scheduler's root are kept between
// runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/generator.h"
#include "uniner/engine/extractor.h"

namespace uniner::engine {

// One passage with its own settings.
struct PassageTask {
  std::uint64_t tag = 0;  // the caller's handle, returned with the result
  PassageInput input;
  int max_new_tokens = -1;  // < 0: the engine's ExtractOptions
  std::optional<ParserMode> parser;
  std::shared_ptr<const std::atomic<bool>> cancelled;  // may be null
};

using PassageSource = std::function<Pull(PassageTask&, bool idle)>;
using PassageSink = std::function<void(std::uint64_t tag, PassageResult&&)>;

struct PassageHooks {
  std::function<void()> on_step;     // once per decode step (or per pull when nothing decodes)
  std::function<void()> on_answers;  // after each group of answers comes back
};

class PassageEngine {
 public:
  // Throws InputError for bad options and Error when the context cannot be created.
  PassageEngine(const Model& model, ExtractOptions options);
  ~PassageEngine();

  // Pulls passages until `next` says kEnd, and hands each result to `done` as soon as it is
  // complete (invalid or cancelled passages at once, with `error` set). Throws Error when
  // llama.cpp fails; the passages in flight are then lost (the caller reports them).
  void run(const PassageSource& next, const PassageSink& done, const PassageHooks& hooks = {});

  // Counts since construction, and the decode loop's state now (sequences, cells). Same thread
  // as run().
  ExtractProgress progress() const;
  // The decode loop's counters, readable from any thread; null in naive mode.
  const GenCounters* counters() const;
  const ExtractOptions& options() const;
  std::string answer_text(const std::vector<TokenId>& tokens) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner::engine

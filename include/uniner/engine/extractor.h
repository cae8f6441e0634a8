// Entity extraction with a UniNER model: passages and entity types in, entities with offsets out.
//
// Prompts, tokens and greedy decoding are the original's, so answers equal the original's token
// for token; by default the passage is decoded once and shared by all of its types, and many
// passages are decoded together (see docs/extraction.md). Optionally (`constrain`), answers are
// restricted to a JSON list of strings taken from the passage's text.
//
// Ownership: Extractor is a move-only handle that owns its llama.cpp context and borrows its
// Model, which must outlive it. Threads: one thread at a time per Extractor; several Extractors
// may share one Model. run() calls `next`, `emit` and `progress` on the calling thread.
// Errors: the constructor throws InputError for bad options (max_new_tokens < 1, a negative
// window size) and Error when the context cannot be created; run() and extract() throw Error
// when llama.cpp fails. A passage that cannot be processed (invalid UTF-8, no types, too long
// for the context) never throws: its result has `error` set.
//
//   auto model = uniner::Model::load("UniNER-7B-type.Q4_K_M.gguf");
//   uniner::Extractor extractor(model, {});  // `model` must outlive `extractor`
//   auto result = extractor.extract({"doc1", "Aspirin is made by Bayer.", {"drug", "company"}});
//   for (const auto& e : result.entities) { /* e.text, e.type, e.found, e.span.start */ }
//   std::cout << uniner::to_json_line(uniner::to_extract_record(result)) << '\n';
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "uniner/engine/model.h"
#include "uniner/format/answer_parser.h"
#include "uniner/format/conversation.h"
#include "uniner/format/extract_record.h"
#include "uniner/format/passage_reader.h"
#include "uniner/text/locate.h"

namespace uniner {

enum class DecodeMode {
  kShared,  // prefix decoded once per passage, all types and passages batched (default)
  kNaive,   // the original: every (passage, type) prompt from scratch, one at a time
};

enum class AnswerConstraint {
  kNone,     // greedy decoding, unconstrained: the original's answers exactly (default)
  kPassage,  // a JSON list of strings, each a substring of the passage (window) text: tokens
             // that would leave that are masked at every step (docs/extraction.md)
};

struct ExtractOptions {
  DecodeMode mode = DecodeMode::kShared;     // how prompts are decoded (answers are the same)
  int max_new_tokens = 256;                  // answer tokens per (passage, type), EOS not counted
  ParserMode parser = ParserMode::kLenient;  // how answers become entity strings
  std::optional<SystemText> system;          // unset: the model's own template (Model::
                                             // prompt_template); set: the original's sentence
  int max_passage_tokens = 512;              // longer prompts are split into windows; 0 = never
  int window_overlap_tokens = 64;            // overlap between consecutive windows
  bool batch_passages = true;                // decode many passages together (shared mode);
                                             // false isolates prefix sharing, for benchmarks
  AnswerConstraint constrain = AnswerConstraint::kNone;  // what answers may contain
};

struct Entity {
  std::string text;  // the passage's own text at the span when found, else the answer item
  std::string type;
  bool found = false;  // false: the model named it but it is not in the passage
  TextSpan span;       // document offsets (code points and bytes); meaningful when found
};

struct PassageResult {
  std::string id;
  std::string text;
  std::vector<Entity> entities;  // found ones in document order, then unfound in answer order
  // Raw answers per type, in the order of the input types: one per window.
  std::vector<std::pair<std::string, std::vector<std::string>>> raw;
  std::size_t windows = 1;
  std::string error;  // non-empty: the passage was not processed, and why
};

// Reported after every passage emitted and every batch of answers (a long passage with many
// windows reports as its answers come in, before it is done).
struct ExtractProgress {
  std::size_t passages_done = 0;
  std::size_t queries_done = 0;   // (window, type) answers
  std::size_t queries_total = 0;  // (window, type) questions of the passages read so far
  std::size_t tokens_generated = 0;
  // The decode loop now: passages read and not yet complete, answer sequences being decoded,
  // KV cells in use of the context's, and jobs restarted because the cache was full.
  std::size_t passages_in_flight = 0;
  std::size_t sequences = 0;
  std::size_t kv_cells_used = 0;
  std::size_t kv_cells_total = 0;
  std::size_t evictions = 0;
};

// The output record of a result (format/extract_record.h): offsets in code points, or in bytes
// when `byte_offsets`.
ExtractRecord to_extract_record(const PassageResult& result, bool byte_offsets = false);

// Checks one passage the way the extractor does; returns the reason it cannot be processed, or
// an empty string.
std::string validate_passage(const PassageInput& passage);

class Extractor {
 public:
  // The model must outlive the extractor. Creates its own llama.cpp context.
  Extractor(const Model& model, ExtractOptions options);
  Extractor(Extractor&&) noexcept;
  Extractor& operator=(Extractor&&) noexcept;
  ~Extractor();

  // Streams passages through the model: pulls them from `next` until it returns false and hands
  // each result to `emit` in input order. A passage that cannot be processed is emitted with
  // `error` set; it never stops the run. Throws Error when llama.cpp fails.
  void run(const std::function<bool(PassageInput&)>& next,
           const std::function<void(PassageResult&&)>& emit,
           const std::function<void(const ExtractProgress&)>& progress = {});

  PassageResult extract(const PassageInput& passage);

  // The answer text of generated tokens, as the original computes it: the detokenized text
  // (special tokens skipped), after its last "ASSISTANT:", with Python's strip().
  std::string answer_text(const std::vector<TokenId>& tokens) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner

// `uniner passages`: a raw corpus to passages of at most N tokens, exact duplicates removed,
// optionally a reproducible random sample, written as JSON Lines {"id", "text"}.
//
// Inputs are plain-text files (each file is one document; blank lines are preferred cut points)
// or JSON Lines (each record's text field is one document). Everything streams: memory holds one
// document's pending text, 8-16 bytes per distinct passage for de-duplication (a 64-bit hash),
// and the sample when `sample` is set (reservoir sampling, so at most N passages).
//
// Ownership: `out` is borrowed for the call and stays the caller's; `count_tokens` and the
// callbacks are called on the calling thread. Errors: make_passages throws InputError for no
// input, an input that cannot be opened, max_tokens 0 and, when strict, a bad record or invalid
// UTF-8 ("file:line: reason"); Error on a read error or a failed write to `out`.
//
//   uniner::PassagesOptions o;  // 256 tokens, all passages
//   o.sample = 50000;
//   auto vocab = uniner::Vocab::load("ggml-vocab-llama-spm.gguf");
//   std::ofstream out("passages.jsonl");
//   auto report = uniner::make_passages({"corpus.jsonl"}, out, o,
//                                       [&](std::string_view s) { return vocab.count_tokens(s); });
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "uniner/data/callbacks.h"
#include "uniner/data/passage_splitter.h"

namespace uniner {

enum class CorpusFormat {
  kAuto,   // JSON Lines when the name ends in .jsonl or .ndjson; plain text otherwise (and stdin)
  kText,   // plain UTF-8 text, one document per file
  kJsonl,  // one JSON object per line, the document in `field`
};

struct PassagesOptions {
  std::size_t max_tokens = 256;  // passage length limit, in tokens of the given counter
  CorpusFormat format = CorpusFormat::kAuto;  // how inputs are read
  std::string field = "text";                 // JSON Lines: the field that holds the document
  std::size_t sample = 0;              // keep a uniform random sample of this many; 0 keeps all
  std::uint64_t seed = 0;              // seed of the sample (same seed, same corpus: same output)
  std::string id_prefix = "passage_";  // ids are prefix + index of the passage among all kept
  bool strict = false;                 // a bad record or invalid UTF-8 stops the job (InputError)
};

struct PassagesReport {
  std::size_t documents = 0;     // documents read
  std::size_t bad_records = 0;   // JSON Lines records skipped (bad JSON, no text field...)
  std::size_t invalid_utf8 = 0;  // ill-formed byte sequences replaced by U+FFFD in text files
  std::size_t passages = 0;      // distinct passages produced
  std::size_t duplicates = 0;    // passages dropped as exact duplicates of an earlier one
  std::size_t written = 0;       // passages written (== passages unless sampled)
};

// Reads every input (files, directories (their regular files, recursively, in name order) or "-"
// for stdin) and writes the passages to `out` as JSON Lines. Passages are written in corpus order
// (a sample too), each with id = id_prefix + its index among all distinct passages.
// Throws InputError for an input that cannot be opened or, when strict, a bad record.
PassagesReport make_passages(const std::vector<std::string>& inputs, std::ostream& out,
                             const PassagesOptions& options, const TokenCounter& count_tokens,
                             const DataCallbacks& callbacks = {});

}  // namespace uniner

// The benchmark runner: a UniNER model over benchmark files in the original format, predictions
// per dataset, and the official scores per dataset, averaged over datasets and over domains, as
// the paper reports them (docs/benchmark.md).
//
// What run_bench does: reads every benchmark file (a JSON array of {"id", "conversations"}, one
// record per (sentence, type)), groups its records by passage so each passage is decoded once
// with all its types (format/benchmark_passages.h), writes the raw answers to
// <out_dir>/<dataset>.pred.jsonl ({"id", "prediction"}, what eval/benchmark_eval.h reads; a
// record whose passage could not be processed gets "prediction": "" and an "error" field), scores
// each file with the official metric, and writes <out_dir>/report.md, report.json and report.svg
// (report.h). Resumable per dataset: the predictions are appended passage by passage, each
// flushed and checked; a dataset whose file holds all of its records is not run again, and an
// interrupted one resumes after its last complete passage (a torn or partial last passage is cut
// off first), so the file ends byte-identical to an uninterrupted run. Resuming assumes the same
// model and decoding settings (report.json records them).
//
// Ownership: plain values; the model is loaded and released inside run_bench. Callbacks are
// called on the calling thread. Errors: InputError for a missing or malformed benchmark file
// (naming it), two files with the same stem, an empty file, a bad domain map (file:line), an
// output folder that is a file, a predictions file that is not this dataset's (naming it), bad
// model options or a bad model file; Error for I/O (a failed write names its file) and llama.cpp.
//
//   uniner::BenchOptions o;
//   o.data_paths = {"CrossNER_AI.json", "mit-movie.json"};
//   o.out_dir = "runs/uniner-7b";
//   o.model_path = "UniNER-7B-type.Q4_K_M.gguf";
//   uniner::BenchReport r = uniner::run_bench(o);  // also writes runs/uniner-7b/report.*
//   std::printf("average F1 %.1f\n", 100 * r.average.f1);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "uniner/engine/extractor.h"
#include "uniner/engine/model.h"
#include "uniner/eval/benchmark_eval.h"
#include "uniner/eval/metric.h"
#include "uniner/format/answer_parser.h"

namespace uniner {

struct BenchOptions {
  std::vector<std::string> data_paths;  // benchmark files; the dataset name is the file stem
  std::string domains_path;             // optional: "dataset domain" per line (report.h)
  std::string out_dir;                  // predictions and reports (created when missing)
  std::string model_path;               // a UniNER GGUF
  ModelOptions model;                   // threads, context, batch, parallel, GPU layers
  ExtractOptions extract;               // max_new_tokens, mode, system; windows are never used
                                        // (the original asks the whole sentence)
  ParserMode metric_parser = ParserMode::kOfficial;  // how answers are parsed when scored
  bool published = true;   // the paper's UniNER-7B F1 beside ours, for the datasets it covers
  bool overwrite = false;  // start every dataset over instead of resuming
};

enum class DatasetStatus {
  kRun,      // decoded from the start in this run
  kResumed,  // its predictions file held some passages; the rest were decoded in this run
  kSkipped,  // its predictions file was complete: not run again
};

struct BenchDataset {
  std::string name;              // the file stem, e.g. "CrossNER_AI"
  std::string path;              // the benchmark file
  std::string predictions_path;  // <out_dir>/<name>.pred.jsonl
  std::string domain;            // from the domain map; empty when not mapped
  std::size_t records = 0;       // (sentence, type) records
  std::size_t passages = 0;      // distinct sentences
  std::size_t records_before = 0;  // records already in the predictions file at the start
  std::size_t failed = 0;          // records whose passage could not be processed (scored as [])
  DatasetStatus status = DatasetStatus::kRun;
  double seconds = 0;                  // decoding time in this run
  DatasetReport eval;                  // the official metric on the predictions file
  std::optional<double> published_f1;  // the paper's UniNER-7B F1, in [0, 1]
};

struct DomainAverage {
  std::string domain;
  std::vector<std::string> datasets;
  Scores average;  // unweighted mean over its datasets
};

struct BenchModelInfo {
  std::string path;
  std::uint64_t size_bytes = 0;
  std::string description;  // llama.cpp's, e.g. "llama 7B Q4_K - Medium"
  std::string system;       // the template's system sentence (Model::prompt_template)
  std::string separator;    // the template's turn separator, e.g. "</s>"
  int trained_context = 0;
};

struct BenchReport {
  std::vector<BenchDataset> datasets;  // in the order given
  Scores average;                      // unweighted mean over datasets, as the paper reports
  std::vector<DomainAverage> domains;  // in order of first appearance; empty without a map
  BenchModelInfo model;
  BenchOptions options;  // the settings of this run (decoding, model options, parser)
  double seconds = 0;    // wall time of this run
  std::size_t tokens_generated = 0;  // in this run
};

struct BenchProgress {
  std::size_t records_done = 0;   // decoded in this run, over all datasets
  std::size_t records_total = 0;  // to decode in this run, over all datasets
  std::size_t tokens_generated = 0;
  std::string dataset;  // the one being decoded
};

struct BenchCallbacks {
  std::function<void(const BenchProgress&)> progress;
  std::function<void(const std::string&)> message;  // "CrossNER_AI: complete (N records), skipped"
  std::function<void(const std::string&)> warning;  // a passage that failed, an unmapped dataset
};

// Runs, resumes or skips each dataset, scores them and writes the reports. See the top comment.
BenchReport run_bench(const BenchOptions& options, const BenchCallbacks& callbacks = {});

}  // namespace uniner

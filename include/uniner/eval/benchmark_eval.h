// Scoring predictions against benchmark files, per dataset and averaged, as the paper reports.
//
// Ownership: plain values; gold files are streamed. Errors: evaluate_benchmarks throws
// InputError for a gold file that cannot be opened or is malformed, and for an id predicted
// twice (naming both lines of `predictions_path`); a gold record without a prediction scores as
// "[]" and a prediction of no gold record is listed in `unknown_ids`. report_json and
// report_table do not throw.
//
//   auto predictions = uniner::read_predictions("pred.jsonl");
//   auto report = uniner::evaluate_benchmarks({"CrossNER_AI.json", "mit-movie.json"},
//                                             predictions, "pred.jsonl");
//   std::cout << uniner::report_table(report);  // per dataset and the unweighted average
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "uniner/eval/metric.h"
#include "uniner/format/records.h"

namespace uniner {

struct DatasetReport {
  std::string name;         // the gold file's stem, e.g. "CrossNER_AI"
  std::size_t records = 0;  // gold records
  std::size_t missing = 0;  // gold records with no prediction (scored as "[]")
  Counts counts;
  Scores scores;
};

struct EvalReport {
  std::vector<DatasetReport> datasets;
  Scores average;                        // unweighted mean over datasets
  std::vector<std::string> unknown_ids;  // predictions whose id is in no gold file
};

// Scores `predictions` against each gold benchmark file. Throws InputError for malformed files
// and for an id predicted twice (naming both lines).
EvalReport evaluate_benchmarks(const std::vector<std::string>& gold_paths,
                               const std::vector<Prediction>& predictions,
                               const std::string& predictions_path,
                               ParserMode mode = ParserMode::kOfficial);

// {"datasets": [{"name", "records", "missing", "precision", "recall", "f1"}],
//  "average": {"precision", "recall", "f1"}, "unknown_predictions": N}
// As JSON text, indented by `indent` spaces (-1: one line).
std::string report_json(const EvalReport& report, int indent = 2);

// An aligned text table, scores in percent.
std::string report_table(const EvalReport& report);

}  // namespace uniner

// The predictions file of one dataset of the benchmark runner, written passage by passage and
// resumed (internal to benchmark/). The records of a passage group (format/benchmark_passages.h)
// are written together, for type t in order then record_ids[t] in order, groups in order, so a
// file holding K complete groups is exactly the first K groups' lines of an uninterrupted run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "uniner/format/benchmark_passages.h"

namespace uniner::bench {

struct PredictionScan {
  std::size_t groups_done = 0;    // leading groups the file holds completely
  std::size_t records_done = 0;   // their records
  std::size_t failed = 0;         // of those, records written with an "error" (no answer)
  std::uint64_t keep_bytes = 0;   // the file's size once a torn or partial last group is cut
  std::uint64_t file_bytes = 0;   // its size now
};

// Reads `path` (which may be missing: nothing done) against `groups`. Throws InputError naming
// `path` when a complete line is not a prediction or its id is not the next record of `groups`
// (the file is another dataset's, or damaged). Does not change the file.
PredictionScan scan_predictions(const std::string& path,
                                const std::vector<BenchmarkPassage>& groups,
                                const std::string& data_path);

// The lines of one group: its answers (raw[t] for type t) or, when `error` is set, an empty
// prediction with the error for each record.
std::string group_lines(const BenchmarkPassage& group, const std::vector<std::string>& answers,
                        const std::string& error);

}  // namespace uniner::bench

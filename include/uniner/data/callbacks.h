// Progress and warnings of the data tasks (passages, stats, build-data, convert). The library
// never prints: it reports through these callbacks and the caller decides what to show.
//
// Ownership: a task uses the callbacks only while it runs, and calls them on the calling thread;
// DataProgress::stage is valid during the call only. Errors: only types here; nothing throws.
//
//   uniner::DataCallbacks cb;  // either may stay empty
//   cb.warning = [](const std::string& m) { std::cerr << "warning: " << m << '\n'; };
//   cb.progress = [](const uniner::DataProgress& p) {
//     std::cerr << p.stage << ": " << p.done << '/' << p.total << '\r';
//   };
//   auto stats = uniner::compute_stats("annotations.jsonl", {}, cb);  // dataset_stats.h
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace uniner {

struct DataProgress {
  std::string_view stage;  // what is being counted, e.g. "records", "documents"
  std::size_t done = 0;    // items processed so far
  std::size_t total = 0;   // items expected in all, 0 when unknown
};

struct DataCallbacks {
  // Called every few thousand items and once at the end of a stage; may be empty.
  std::function<void(const DataProgress&)> progress;
  // One bad record that was skipped (non-strict mode): "file:line: reason"; may be empty.
  std::function<void(const std::string&)> warning;
};

}  // namespace uniner

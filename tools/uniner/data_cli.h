// What the data subcommands (passages, stats, build-data, convert, merge) share on the command
// line: printing the library's warnings (the first few, then a count) and its progress (a live line
// on a terminal, a plain line every few seconds otherwise), both on stderr.
#pragma once

#include <cstdio>
#include <string>

#include "progress_line.h"

#include "uniner/data/callbacks.h"

namespace uniner::cli {

class DataReporter {
 public:
  // `quiet`: no progress (warnings are still shown).
  explicit DataReporter(std::string command, bool quiet = false, std::size_t max_warnings = 20)
      : progress_(std::move(command)), quiet_(quiet), max_warnings_(max_warnings) {}

  DataCallbacks callbacks() {
    DataCallbacks cb;
    cb.warning = [this](const std::string& message) {
      if (warnings_++ < max_warnings_) progress_.message("warning: ", message);
    };
    cb.progress = [this](const DataProgress& p) {
      if (quiet_) return;
      const bool final = p.total != 0 && p.done == p.total;
      progress_.update(p.done, p.total, std::string(p.stage), {}, final);
    };
    return cb;
  }

  // Ends the progress line and reports warnings beyond the first few.
  void finish() {
    progress_.finish();
    if (warnings_ > max_warnings_) {
      std::fprintf(stderr, "uniner: warning: %zu more warnings not shown\n",
                   warnings_ - max_warnings_);
    }
  }

 private:
  ProgressLine progress_;
  bool quiet_;
  std::size_t max_warnings_;
  std::size_t warnings_ = 0;
};

}  // namespace uniner::cli

// What the data subcommands (passages, stats, build-data, convert, merge) share on the command
// line: printing the library's warnings (the first few, then a count) and its progress (a live line
// on a terminal, a plain line every few seconds otherwise), both on stderr.
#pragma once

#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <ostream>
#include <string>
#include <utility>

#include "progress_line.h"

#include "format/file_io.h"
#include "uniner/data/callbacks.h"
#include "uniner/error.h"

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

// Runs a library job that writes to `outputs` (null streams are skipped) and checks them all after
// it. A write that failed inside the job is reported with the output's name and the reason (the
// library cannot name the file it was handed as a stream). The progress line ends first either way.
template <class Job>
auto run_writing(DataReporter& reporter,
                 std::initializer_list<std::pair<std::ostream*, const std::string&>> outputs,
                 Job&& job) {
  try {
    auto result = job();
    reporter.finish();
    for (const auto& [out, path] : outputs)
      if (out != nullptr) check_written(*out, path);
    return result;
  } catch (const Error&) {
    const int err = errno;
    reporter.finish();
    for (const auto& [out, path] : outputs)
      if (out != nullptr && !*out) check_written(*out, path, err);
    throw;
  }
}

}  // namespace uniner::cli

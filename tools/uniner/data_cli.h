// What the data subcommands (passages, stats, build-data, convert) share on the command line:
// printing the library's warnings (the first few, then a count) and its progress (a live line
// on a terminal, a plain line every few seconds otherwise), both on stderr.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "uniner/data_events.h"

namespace uniner::cli {

class DataReporter {
 public:
  explicit DataReporter(std::string command, std::size_t max_warnings = 20)
      : command_(std::move(command)),
        max_warnings_(max_warnings),
        tty_(isatty(STDERR_FILENO) == 1),
        start_(Clock::now()),
        last_(start_) {}

  DataCallbacks callbacks() {
    DataCallbacks cb;
    cb.warning = [this](const std::string& message) {
      end_line();
      if (warnings_++ < max_warnings_) {
        std::fprintf(stderr, "uniner: warning: %s\n", message.c_str());
      }
    };
    cb.progress = [this](const DataProgress& p) { progress(p); };
    return cb;
  }

  // Ends the progress line and reports warnings beyond the first few.
  void finish() {
    end_line();
    if (warnings_ > max_warnings_) {
      std::fprintf(stderr, "uniner: warning: %zu more warnings not shown\n",
                   warnings_ - max_warnings_);
    }
  }

 private:
  using Clock = std::chrono::steady_clock;

  void progress(const DataProgress& p) {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double since = std::chrono::duration<double>(now - last_).count();
    const bool final = p.total != 0 && p.done == p.total;
    if (elapsed < 2.0 || (since < (tty_ ? 0.25 : 10.0) && !final) || (final && !shown_)) return;
    last_ = now;
    const double rate = p.done / std::max(elapsed, 1e-9);
    std::string line = command_ + ": " + std::to_string(p.done);
    if (p.total) line += "/" + std::to_string(p.total);
    line += " " + std::string(p.stage);
    char buf[96];
    std::snprintf(buf, sizeof buf, " (%.0f/s", rate);
    line += buf;
    if (p.total && p.done < p.total && rate > 0) {
      std::snprintf(buf, sizeof buf, ", ETA %.0fs", (p.total - p.done) / rate);
      line += buf;
    }
    line += ")";
    if (tty_) {
      std::fprintf(stderr, "\r%s\033[K", line.c_str());
      open_line_ = true;
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    shown_ = true;
  }

  void end_line() {
    if (open_line_) std::fputc('\n', stderr);
    open_line_ = false;
  }

  std::string command_;
  std::size_t max_warnings_;
  bool tty_;
  Clock::time_point start_, last_;
  std::size_t warnings_ = 0;
  bool open_line_ = false;
  bool shown_ = false;
};

}  // namespace uniner::cli

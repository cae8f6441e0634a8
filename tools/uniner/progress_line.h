// Progress on stderr: a live line (items, rate, ETA) on a terminal, a plain line every few seconds
// otherwise. Nothing is printed for jobs that end within two seconds.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

namespace uniner::cli {

class ProgressLine {
 public:
  ProgressLine(std::string name, std::string unit)
      : name_(std::move(name)), unit_(std::move(unit)), tty_(isatty(STDERR_FILENO) == 1) {}

  // `total` 0 = unknown.
  void update(std::size_t done, std::size_t total, const std::string& extra = {}) {
    const auto now = Clock::now();
    const double elapsed = seconds(start_, now);
    if (elapsed < 2.0 || seconds(last_, now) < (tty_ ? 0.25 : 10.0)) return;
    last_ = now;
    const double rate = static_cast<double>(done) / std::max(elapsed, 1e-9);
    char line[256];
    int n = std::snprintf(line, sizeof line, "%s: %zu", name_.c_str(), done);
    if (total) n += std::snprintf(line + n, sizeof line - n, "/%zu", total);
    n += std::snprintf(line + n, sizeof line - n, " %s, %.1f/s", unit_.c_str(), rate);
    if (total && done < total && rate > 0) {
      n += std::snprintf(line + n, sizeof line - n, ", ETA %.0fs", (total - done) / rate);
    }
    if (!extra.empty()) std::snprintf(line + n, sizeof line - n, ", %s", extra.c_str());
    std::fprintf(stderr, tty_ ? "\r%s\033[K" : "%s\n", line);
    shown_ = true;
  }

  void finish() {
    if (shown_ && tty_) std::fputc('\n', stderr);
    shown_ = false;
  }

  double elapsed() const { return seconds(start_, Clock::now()); }

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  }
  std::string name_, unit_;
  bool tty_;
  bool shown_ = false;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

}  // namespace uniner::cli

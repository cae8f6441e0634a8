// Progress and messages on stderr, for every long-running subcommand: on a terminal a redrawn
// line with a bar (items, percent, rate, ETA); otherwise a plain line every ten seconds. Nothing
// is drawn during the first two seconds, so quick jobs stay quiet.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

namespace uniner::cli {

class ProgressLine {
 public:
  explicit ProgressLine(std::string name)
      : name_(std::move(name)), tty_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressLine() { finish(); }

  // `done` of `total` (0 = unknown) `unit`s; `extra` is appended (e.g. "ok 5, failed 1").
  // `force` draws even inside the quiet first seconds or the ten-second interval (a final line).
  void update(std::size_t done, std::size_t total, const std::string& unit,
              const std::string& extra = {}, bool force = false) {
    const auto now = Clock::now();
    const double elapsed = seconds(start_, now);
    if (!force && (elapsed < 2.0 || seconds(last_, now) < (tty_ ? 0.25 : 10.0))) return;
    if (force && !drawn_ && !tty_ && elapsed < 2.0) return;
    last_ = now;
    const double rate = static_cast<double>(done) / std::max(elapsed, 1e-9);
    std::string line = name_ + ": ";
    char buf[160];
    if (tty_ && total) {
      constexpr std::size_t kWidth = 24;
      const std::size_t filled = std::min(kWidth, kWidth * done / total);
      line += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    }
    std::snprintf(buf, sizeof buf, "%zu", done);
    line += buf;
    if (total) {
      std::snprintf(buf, sizeof buf, "/%zu (%.1f%%)", total,
                    100.0 * static_cast<double>(done) / total);
      line += buf;
    }
    std::snprintf(buf, sizeof buf, " %s, %.1f/s", unit.c_str(), rate);
    line += buf;
    if (total && done < total && rate > 0)
      line += ", ETA " + duration(static_cast<double>(total - done) / rate);
    if (!extra.empty()) line += ", " + extra;
    if (tty_) {
      std::fprintf(stderr, "\r%s\033[K", line.c_str());
      open_ = true;
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    drawn_ = true;
    std::fflush(stderr);
  }

  // A message on its own line ("uniner: <prefix><text>"), above the progress line.
  void message(const std::string& prefix, const std::string& text) {
    end_line();
    std::fprintf(stderr, "uniner: %s%s\n", prefix.c_str(), text.c_str());
  }

  // Ends the redrawn line, if any.
  void finish() { end_line(); }

  double elapsed() const { return seconds(start_, Clock::now()); }

  static std::string duration(double s) {
    const long t = static_cast<long>(s + 0.5);
    char buf[32];
    if (t >= 3600)
      std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60)
      std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    else
      std::snprintf(buf, sizeof buf, "%lds", t);
    return buf;
  }

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  }
  void end_line() {
    if (open_) std::fputc('\n', stderr);
    open_ = false;
  }

  std::string name_;
  bool tty_;
  bool open_ = false;
  bool drawn_ = false;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

}  // namespace uniner::cli

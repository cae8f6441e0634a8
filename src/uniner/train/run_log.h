// The record of a training run: one JSON line per optimizer step and per dev evaluation, and the
// loss curve drawn from them as an SVG. A resumed run keeps the lines up to its checkpoint and
// appends after them. Private to train/ (torch-free).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace uniner::train {

struct StepRecord {
  long step = 0;
  int epoch = 0;
  double loss = 0;
  double lr = 0;
  double grad_norm = 0;
  double tokens = 0;  // tokens through the model so far
  double tokens_per_s = 0;
  double elapsed_s = 0;
  double comm_s = -1;  // distributed runs: seconds in the step's collectives (-1: not written)
};

class RunLog {
 public:
  // Opens `path`; keeps the lines of steps <= keep_through (0: starts empty).
  RunLog(std::string path, long keep_through);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  void step(const StepRecord& r);
  void dev(long step, double dev_loss);
  // Draws train loss (and dev loss points) against steps. Throws Error when it cannot be written.
  void write_chart(const std::string& svg_path) const;

 private:
  void line(const std::string& json);
  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<std::pair<long, double>> train_, dev_;
};

}  // namespace uniner::train

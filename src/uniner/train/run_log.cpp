#include "train/run_log.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "uniner/error.h"

namespace uniner::train {

RunLog::RunLog(std::string path, long keep_through) : path_(std::move(path)) {
  std::vector<std::string> kept;
  if (keep_through > 0) {
    std::ifstream in(path_);
    for (std::string l; std::getline(in, l);) {
      try {
        const auto j = nlohmann::json::parse(l);
        const long s = j.at("step").get<long>();
        if (s > keep_through) continue;
        if (j.contains("loss")) train_.emplace_back(s, j["loss"].get<double>());
        if (j.contains("dev_loss")) dev_.emplace_back(s, j["dev_loss"].get<double>());
        kept.push_back(l);
      } catch (const std::exception&) {  // a torn last line of a killed run
      }
    }
  }
  file_ = std::fopen(path_.c_str(), "w");
  if (file_ == nullptr) throw Error(path_ + ": cannot open for writing: " + std::strerror(errno));
  for (const auto& l : kept) line(l);
}

RunLog::~RunLog() {
  if (file_) std::fclose(file_);
}

void RunLog::line(const std::string& json) {
  if (std::fputs(json.c_str(), file_) < 0 || std::fputc('\n', file_) < 0 ||
      std::fflush(file_) != 0) {
    throw Error(path_ + ": write failed: " + std::strerror(errno));
  }
}

void RunLog::step(const StepRecord& r) {
  train_.emplace_back(r.step, r.loss);
  nlohmann::ordered_json j = {{"step", r.step},         {"epoch", r.epoch},
                              {"loss", r.loss},         {"lr", r.lr},
                              {"grad_norm", r.grad_norm}, {"tokens", r.tokens},
                              {"tokens_per_s", r.tokens_per_s}, {"elapsed_s", r.elapsed_s}};
  if (r.comm_s >= 0) j["comm_s"] = r.comm_s;
  line(j.dump());
}

void RunLog::dev(long step, double dev_loss) {
  dev_.emplace_back(step, dev_loss);
  line(nlohmann::ordered_json{{"step", step}, {"dev_loss", dev_loss}}.dump());
}

void RunLog::write_chart(const std::string& svg_path) const {
  constexpr double W = 640, H = 360, L = 56, R = 16, T = 28, B = 40;
  long max_step = 1;
  double top = 0;
  for (const auto* s : {&train_, &dev_})
    for (const auto& [step, loss] : *s) {
      max_step = std::max(max_step, step);
      if (std::isfinite(loss)) top = std::max(top, loss);
    }
  if (top <= 0) top = 1;
  const auto x = [&](long s) { return L + (W - L - R) * static_cast<double>(s) / max_step; };
  const auto y = [&](double v) { return T + (H - T - B) * (1.0 - std::min(v, top) / top); };
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << L << "\" y=\"18\">loss per trained token (train: line, dev: dots)</text>\n"
    << "<line x1=\"" << L << "\" y1=\"" << H - B << "\" x2=\"" << W - R << "\" y2=\"" << H - B
    << "\" stroke=\"black\"/>\n<line x1=\"" << L << "\" y1=\"" << T << "\" x2=\"" << L
    << "\" y2=\"" << H - B << "\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = top * i / 4;
    o << "<text x=\"" << L - 6 << "\" y=\"" << y(v) + 4 << "\" text-anchor=\"end\">";
    o.precision(2);
    o << v << "</text>\n";
    o.precision(1);
    o << "<text x=\"" << x(max_step * i / 4) << "\" y=\"" << H - B + 16
      << "\" text-anchor=\"middle\">" << max_step * i / 4 << "</text>\n";
  }
  o << "<text x=\"" << (W + L) / 2 << "\" y=\"" << H - 6
    << "\" text-anchor=\"middle\">optimizer step</text>\n";
  if (!train_.empty()) {
    o << "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"";
    for (const auto& [s, v] : train_)
      if (std::isfinite(v)) o << x(s) << ',' << y(v) << ' ';
    o << "\"/>\n";
  }
  for (const auto& [s, v] : dev_)
    if (std::isfinite(v))
      o << "<circle cx=\"" << x(s) << "\" cy=\"" << y(v) << "\" r=\"3.5\" fill=\"#d62728\"/>\n";
  o << "</svg>\n";
  std::ofstream out(svg_path, std::ios::binary);
  out << o.str();
  out.flush();
  if (!out) throw Error(svg_path + ": write failed");
}

}  // namespace uniner::train

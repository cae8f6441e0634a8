// report.svg: a horizontal bar chart of F1, written with a small text builder (no dependency).
#include <cstdio>
#include <string>
#include <vector>

#include "uniner/benchmark/report.h"

namespace uniner {
namespace {

// Text for SVG: XML special characters escaped, control characters dropped.
std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

class Svg {
 public:
  void rect(double x, double y, double w, double h, const char* fill) {
    body_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) +
             "\" height=\"" + num(h) + "\" fill=\"" + fill + "\"/>\n";
  }
  void line(double x1, double y1, double x2, double y2, const char* stroke) {
    body_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
             num(y2) + "\" stroke=\"" + stroke + "\"/>\n";
  }
  // anchor: "start", "middle" or "end"
  void text(double x, double y, const std::string& s, const char* anchor = "start",
            int size = 12, bool bold = false) {
    body_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" +
             std::to_string(size) + "\" text-anchor=\"" + anchor + "\"" +
             (bold ? " font-weight=\"bold\"" : "") + ">" + xml(s) + "</text>\n";
  }
  std::string finish(double width, double height) const {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" +
           num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
           "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" "
           "fill=\"white\"/>\n" +
           body_ + "</svg>\n";
  }

 private:
  std::string body_;
};

struct Row {
  std::string label;
  double f1 = 0;
  std::optional<double> paper;
  bool bold = false;
};

constexpr const char* kOurs = "#4878d0";
constexpr const char* kPaper = "#ee854a";

}  // namespace

std::string bench_svg(const BenchReport& r) {
  std::vector<Row> rows;
  bool any_paper = false;
  for (const auto& d : r.datasets) {
    rows.push_back({d.name, d.eval.scores.f1, r.options.published ? d.published_f1 : std::nullopt});
    any_paper = any_paper || rows.back().paper;
  }
  rows.push_back({"average (" + std::to_string(r.datasets.size()) + ")", r.average.f1, {}, true});
  for (const auto& dom : r.domains) rows.push_back({"domain: " + dom.domain, dom.average.f1, {}, true});

  constexpr double kLeft = 220, kBar = 460, kRight = 60, kTop = 64, kRow = 30;
  const double width = kLeft + kBar + kRight;
  const double height = kTop + kRow * static_cast<double>(rows.size()) + 30;
  Svg svg;
  svg.text(10, 22, "F1 (official metric), " + r.model.description, "start", 14, true);
  svg.rect(10, 34, 12, 10, kOurs);
  svg.text(26, 43, "this run", "start", 11);
  if (any_paper) {
    svg.rect(90, 34, 12, 10, kPaper);
    svg.text(106, 43, "UniNER-7B, published (zero-shot)", "start", 11);
  }
  const double bottom = kTop + kRow * static_cast<double>(rows.size());
  for (int tick = 0; tick <= 100; tick += 20) {
    const double x = kLeft + kBar * tick / 100.0;
    svg.line(x, kTop - 4, x, bottom, "#dddddd");
    svg.text(x, bottom + 16, std::to_string(tick), "middle", 10);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const double y = kTop + kRow * static_cast<double>(i);
    if (i == r.datasets.size()) svg.line(10, y - 2, width - 10, y - 2, "#888888");
    svg.text(kLeft - 8, y + 15, row.label, "end", 12, row.bold);
    const double h = row.paper ? 12 : 20;
    svg.rect(kLeft, y + 3, kBar * row.f1, h, kOurs);
    svg.text(kLeft + kBar * row.f1 + 4, y + 3 + h - 2, num(100 * row.f1), "start", 10);
    if (row.paper) {
      svg.rect(kLeft, y + 16, kBar * *row.paper, 9, kPaper);
      svg.text(kLeft + kBar * *row.paper + 4, y + 25, num(100 * *row.paper), "start", 9);
    }
  }
  return svg.finish(width, height);
}

}  // namespace uniner

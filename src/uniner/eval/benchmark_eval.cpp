#include "uniner/eval/benchmark_eval.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "uniner/error.h"

namespace uniner {

EvalReport evaluate_benchmarks(const std::vector<std::string>& gold_paths,
                               const std::vector<Prediction>& predictions,
                               const std::string& predictions_path, ParserMode mode) {
  std::unordered_map<std::string, const Prediction*> by_id;
  for (const auto& p : predictions) {
    auto [it, fresh] = by_id.emplace(p.id, &p);
    if (!fresh) {
      throw InputError(
          where(predictions_path, p.line,
                "id '" + p.id + "' already predicted on line " + std::to_string(it->second->line)));
    }
  }

  EvalReport report;
  std::unordered_set<std::string> gold_ids;
  std::vector<Scores> per_dataset;
  for (const auto& path : gold_paths) {
    DatasetReport d;
    d.name = std::filesystem::path(path).stem().string();
    read_conversations(path, [&](ConversationRecord&& r, std::size_t) {
      const BenchmarkRecord b = to_benchmark_record(r, path);
      gold_ids.insert(b.id);
      ++d.records;
      auto it = by_id.find(b.id);
      if (it == by_id.end()) ++d.missing;
      d.counts += official_counts(it == by_id.end() ? "[]" : it->second->prediction, b.gold, mode);
    });
    d.scores = scores_of(d.counts);
    per_dataset.push_back(d.scores);
    report.datasets.push_back(std::move(d));
  }
  report.average = average(per_dataset);
  for (const auto& p : predictions)
    if (!gold_ids.count(p.id)) report.unknown_ids.push_back(p.id);
  return report;
}

static nlohmann::json report_object(const EvalReport& report) {
  using nlohmann::json;
  json datasets = json::array();
  for (const auto& d : report.datasets) {
    datasets.push_back({{"name", d.name},
                        {"records", d.records},
                        {"missing", d.missing},
                        {"correct", d.counts.correct},
                        {"predicted", d.counts.predicted},
                        {"gold", d.counts.gold},
                        {"precision", d.scores.precision},
                        {"recall", d.scores.recall},
                        {"f1", d.scores.f1}});
  }
  return json{{"datasets", std::move(datasets)},
              {"average",
               {{"precision", report.average.precision},
                {"recall", report.average.recall},
                {"f1", report.average.f1}}},
              {"unknown_predictions", report.unknown_ids.size()}};
}

std::string report_table(const EvalReport& report) {
  std::size_t width = 7;  // "average"
  for (const auto& d : report.datasets) width = std::max(width, d.name.size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %8s %8s %10s %8s %8s\n", static_cast<int>(width),
                "dataset", "records", "missing", "precision", "recall", "f1");
  out += line;
  for (const auto& d : report.datasets) {
    std::snprintf(line, sizeof line, "%-*s %8zu %8zu %10.2f %8.2f %8.2f\n", static_cast<int>(width),
                  d.name.c_str(), d.records, d.missing, 100 * d.scores.precision,
                  100 * d.scores.recall, 100 * d.scores.f1);
    out += line;
  }
  if (report.datasets.size() > 1) {
    std::snprintf(line, sizeof line, "%-*s %8s %8s %10.2f %8.2f %8.2f\n", static_cast<int>(width),
                  "average", "", "", 100 * report.average.precision, 100 * report.average.recall,
                  100 * report.average.f1);
    out += line;
  }
  return out;
}

std::string report_json(const EvalReport& report, int indent) {
  // Dataset names come from file names, which need not be UTF-8: never throw on them.
  return report_object(report).dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace uniner

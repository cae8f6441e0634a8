// run_bench: read and group every benchmark file, find what each predictions file already holds,
// decode what is left passage by passage, then score and write the reports (runner.h).
#include "uniner/benchmark/runner.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "benchmark/prediction_file.h"
#include "format/file_io.h"
#include "uniner/benchmark/report.h"
#include "uniner/error.h"
#include "uniner/format/benchmark_passages.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Work {
  BenchDataset d;
  std::vector<BenchmarkPassage> groups;
  bench::PredictionScan scan;
};

// Writes a whole file through a temporary beside it, renamed when complete and checked: a
// report is either the old one or the new one, never half of one.
void write_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    auto out = open_output(tmp);
    *out << content;
    check_written(*out, tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw Error(path + ": write failed: " + ec.message());
}

void prepare_out_dir(const std::string& dir) {
  if (dir.empty()) throw InputError("no output folder given");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw InputError(dir + ": is not a folder (the output folder of the benchmark run)");
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the folder: " + ec.message());
}

std::vector<Work> read_datasets(const BenchOptions& o,
                                const std::map<std::string, std::string>& domain_of) {
  if (o.data_paths.empty()) throw InputError("no benchmark files given");
  std::vector<Work> work;
  std::set<std::string> names;
  for (const auto& path : o.data_paths) {
    Work w;
    w.d.path = path;
    w.d.name = fs::path(path).stem().string();
    if (!names.insert(w.d.name).second) {
      throw InputError(path + ": another benchmark file has the same name '" + w.d.name +
                       "' (a dataset is named by its file stem)");
    }
    const auto records = read_benchmark(path);
    if (records.empty()) throw InputError(path + ": holds no benchmark records");
    w.groups = group_by_passage(records);
    w.d.records = records.size();
    w.d.passages = w.groups.size();
    w.d.predictions_path = (fs::path(o.out_dir) / (w.d.name + ".pred.jsonl")).string();
    refuse_same_file(path, w.d.predictions_path);
    if (auto it = domain_of.find(w.d.name); it != domain_of.end()) w.d.domain = it->second;
    if (o.published) w.d.published_f1 = published_uniner_f1(w.d.name);
    work.push_back(std::move(w));
  }
  return work;
}

BenchModelInfo describe(const Model& model, const std::string& path) {
  BenchModelInfo m;
  m.path = path;
  std::error_code ec;
  m.size_bytes = fs::file_size(path, ec);
  m.description = model.description();
  m.system = model.prompt_template().system;
  m.separator = model.prompt_template().separator;
  m.trained_context = model.trained_context();
  return m;
}

// Decodes the groups of `w` after those its predictions file holds, appending each group's lines.
void run_dataset(Work& w, Extractor& extractor, const BenchOptions& o, const BenchCallbacks& cb,
                 BenchProgress& progress, std::size_t& tokens) {
  BenchDataset& d = w.d;
  if (!o.overwrite && w.scan.keep_bytes < w.scan.file_bytes) {
    fs::resize_file(d.predictions_path, w.scan.keep_bytes);
    if (cb.message) {
      cb.message(d.name + ": removed an incomplete last passage (" +
                 std::to_string(w.scan.file_bytes - w.scan.keep_bytes) + " bytes of " +
                 d.predictions_path + ") left by an interrupted run");
    }
  }
  if (cb.message) {
    cb.message(d.status == DatasetStatus::kResumed
                   ? d.name + ": resuming after " + std::to_string(d.records_before) + " of " +
                         std::to_string(d.records) + " records"
                   : d.name + ": " + std::to_string(d.records) + " records, " +
                         std::to_string(d.passages) + " passages");
  }
  auto out = open_output(d.predictions_path, /*append=*/!o.overwrite);
  const auto start = Clock::now();
  progress.dataset = d.name;
  const std::size_t tokens_before = tokens;
  std::size_t next = w.scan.groups_done;
  extractor.run(
      [&](PassageInput& p) {
        if (next >= w.groups.size()) return false;
        p = w.groups[next++].passage;
        return true;
      },
      [&](PassageResult&& r) {
        const BenchmarkPassage& g = w.groups[std::stoul(r.id)];
        std::vector<std::string> answers;
        for (const auto& [type, windows] : r.raw) answers.push_back(windows.front());
        *out << bench::group_lines(g, answers, r.error);
        check_written(*out, d.predictions_path);  // flushed: a kill loses at most this group
        progress.records_done += g.records();
        if (!r.error.empty()) {
          d.failed += g.records();
          if (cb.warning) {
            cb.warning(d.name + ": passage " + std::to_string(std::stoul(r.id) + 1) + " (" +
                       std::to_string(g.records()) + " records): " + r.error +
                       " (scored as [])");
          }
        }
        if (cb.progress) cb.progress(progress);
      },
      [&](const ExtractProgress& p) {
        tokens = tokens_before + p.tokens_generated;
        progress.tokens_generated = tokens;
        if (cb.progress) cb.progress(progress);
      });
  check_written(*out, d.predictions_path);
  d.seconds = since(start);
}

}  // namespace

BenchReport run_bench(const BenchOptions& o, const BenchCallbacks& cb) {
  const auto start = Clock::now();
  prepare_out_dir(o.out_dir);
  std::map<std::string, std::string> domain_of;
  if (!o.domains_path.empty()) {
    for (auto& [dataset, domain] : read_domain_map(o.domains_path)) domain_of[dataset] = domain;
  }
  std::vector<Work> work = read_datasets(o, domain_of);

  // What each predictions file holds, before anything is loaded or written.
  BenchProgress progress;
  for (auto& w : work) {
    if (!o.overwrite) w.scan = bench::scan_predictions(w.d.predictions_path, w.groups, w.d.path);
    w.d.records_before = w.scan.records_done;
    w.d.failed = w.scan.failed;
    if (w.scan.groups_done == w.groups.size()) {
      w.d.status = DatasetStatus::kSkipped;
      if (cb.message) {
        cb.message(w.d.name + ": complete (" + std::to_string(w.d.records) + " records in " +
                   w.d.predictions_path + "), skipped");
      }
    } else {
      w.d.status = w.scan.groups_done ? DatasetStatus::kResumed : DatasetStatus::kRun;
      progress.records_total += w.d.records - w.d.records_before;
    }
  }
  for (const auto& w : work) {
    if (!o.domains_path.empty() && w.d.domain.empty() && cb.warning) {
      cb.warning(w.d.name + ": not in the domain map " + o.domains_path +
                 ", so it counts in no domain average");
    }
  }

  BenchReport report;
  report.options = o;
  report.options.extract.max_passage_tokens = 0;  // the original asks the whole sentence
  const Model model = Model::load(o.model_path, o.model);
  report.model = describe(model, o.model_path);
  if (progress.records_total) {
    Extractor extractor(model, report.options.extract);
    for (auto& w : work) {
      if (w.d.status != DatasetStatus::kSkipped) {
        run_dataset(w, extractor, o, cb, progress, report.tokens_generated);
      }
    }
  }

  std::vector<Scores> all;
  std::map<std::string, std::size_t> domain_index;
  for (auto& w : work) {
    const auto predictions = read_predictions(w.d.predictions_path);
    const EvalReport e =
        evaluate_benchmarks({w.d.path}, predictions, w.d.predictions_path, o.metric_parser);
    w.d.eval = e.datasets.front();
    all.push_back(w.d.eval.scores);
    if (!w.d.domain.empty()) {
      auto [it, fresh] = domain_index.emplace(w.d.domain, report.domains.size());
      if (fresh) report.domains.push_back({w.d.domain, {}, {}});
      report.domains[it->second].datasets.push_back(w.d.name);
    }
    report.datasets.push_back(std::move(w.d));
  }
  report.average = average(all);
  for (auto& dom : report.domains) {
    std::vector<Scores> members;
    for (const auto& d : report.datasets)
      if (d.domain == dom.domain) members.push_back(d.eval.scores);
    dom.average = average(members);
  }
  report.seconds = since(start);

  const fs::path dir(o.out_dir);
  write_file((dir / "report.md").string(), bench_markdown(report));
  write_file((dir / "report.json").string(), bench_json(report) + "\n");
  write_file((dir / "report.svg").string(), bench_svg(report));
  return report;
}

}  // namespace uniner

// uniner bench: a model over benchmark files, predictions per dataset (resumed), the scores per
// dataset, averaged and per domain, as report.md, report.json and report.svg (benchmark/runner.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "flags.h"
#include "progress_line.h"
#include "uniner/benchmark/report.h"
#include "uniner/benchmark/runner.h"
#include "uniner/error.h"

namespace uniner::cli {

Runner add_bench_command(CLI::App& app) {
  struct Options {
    ModelFlags model;
    BenchOptions lib;
    bool quiet = false;
    bool no_published = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "bench", "Run a model over benchmark files: predictions, scores and a report per run");
  add_model_flags(cmd, o->model);
  cmd->add_option("--data", o->lib.data_paths,
                  "Benchmark JSON file(s) in the original format; dataset name = file stem")
      ->required();
  cmd->add_option("--domains", o->lib.domains_path,
                  "Dataset-to-domain map: 'dataset domain' per line (tab or spaces)");
  cmd->add_option("--out", o->lib.out_dir,
                  "Output folder: <dataset>.pred.jsonl, report.md, report.json, report.svg")
      ->required();
  cmd->add_option("--max-new-tokens", o->lib.extract.max_new_tokens, "Answer tokens per type")
      ->capture_default_str()
      ->check(positive_count());
  add_choice(cmd, "--mode", o->lib.extract.mode, kDecodeModes,
             "shared (prefix shared, batched) or naive (the original)");
  add_optional_choice(cmd, "--system", o->lib.extract.system, kSystemTexts,
                      "System sentence: text or paragraph (default: the model's own)");
  add_choice(cmd, "--constrain", o->lib.extract.constrain, kAnswerConstraints,
             "none (the original's answers) or passage (answers only quote the passage)");
  add_choice(cmd, "--parser", o->lib.metric_parser, kParserModes,
             "Answer parser of the metric: official or lenient");
  cmd->add_flag("--no-published", o->no_published,
                "Leave out the paper's UniNER-7B numbers from the report");
  cmd->add_flag("--overwrite", o->lib.overwrite,
                "Start every dataset over instead of resuming or skipping it");
  add_quiet(cmd, o->quiet);
  return [o] {
    BenchOptions lib = o->lib;
    lib.model_path = o->model.path;
    lib.model = o->model.options;
    lib.published = !o->no_published;
    if (lib.model.gpu_layers > 0 && !gpu_offload_supported()) {
      std::fprintf(stderr,
                   "uniner: warning: --gpu-layers %d ignored: this build of llama.cpp has no GPU "
                   "backend, everything runs on the CPU\n",
                   lib.model.gpu_layers);
    }
    ProgressLine line("bench");
    BenchCallbacks cb;
    cb.message = [&](const std::string& m) {
      line.finish();
      std::fprintf(stderr, "bench: %s\n", m.c_str());
    };
    cb.warning = [&](const std::string& m) { line.message("warning: ", m); };
    if (!o->quiet) {
      cb.progress = [&](const BenchProgress& p) {
        line.update(p.records_done, p.records_total, "records",
                    p.dataset + ", " + std::to_string(p.tokens_generated) + " tokens");
      };
    }
    BenchReport report;
    try {
      report = run_bench(lib, cb);
    } catch (...) {
      line.finish();
      throw;
    }
    line.finish();
    std::fputs(bench_markdown(report).c_str(), stdout);
    std::fflush(stdout);
    if (std::ferror(stdout)) throw Error("standard output: write failed");
    std::fprintf(stderr, "bench: wrote %s/report.md, report.json, report.svg\n",
                 lib.out_dir.c_str());
    return 0;
  };
}

}  // namespace uniner::cli

// uniner eval: the official UniversalNER metric over benchmark files.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/eval/benchmark_eval.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_eval_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> gold;
    std::string pred;
    std::string output = "-";
    ParserMode parser = ParserMode::kOfficial;  // the metric's own parser, as the paper scores
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("eval", "Score predictions with the official metric (micro P/R/F1)");
  cmd->add_option("--gold", o->gold, "Benchmark JSON file(s); dataset name = file stem")
      ->required();
  cmd->add_option("--pred", o->pred, "Predictions JSONL {\"id\", \"prediction\"} ('-' = stdin)")
      ->required();
  add_choice(cmd, "--parser", o->parser, kParserModes, "Answer parser: official or lenient");
  add_output(cmd, o->output, "Where the report goes");
  cmd->add_flag("--json", o->json, "Print the report as JSON");
  return [o] {
    for (const auto& g : o->gold) refuse_same_file(g, o->output);
    refuse_same_file(o->pred, o->output);
    const auto predictions = read_predictions(o->pred);
    const auto report = evaluate_benchmarks(o->gold, predictions, o->pred, o->parser);
    for (const auto& d : report.datasets) {
      if (d.missing) {
        std::fprintf(stderr,
                     "uniner: warning: %s: %zu of %zu records have no prediction (scored as [])\n",
                     d.name.c_str(), d.missing, d.records);
      }
    }
    if (!report.unknown_ids.empty()) {
      std::fprintf(stderr,
                   "uniner: warning: %zu predictions have ids in no gold file (first: %s)\n",
                   report.unknown_ids.size(), report.unknown_ids.front().c_str());
    }
    auto out = open_output(o->output);
    if (o->json) {
      *out << report_json(report) << '\n';
    } else {
      *out << report_table(report);
    }
    check_written(*out, o->output);
    return 0;
  };
}

}  // namespace uniner::cli

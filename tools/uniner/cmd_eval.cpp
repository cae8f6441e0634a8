// uniner eval: the official UniversalNER metric over benchmark files.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "uniner/eval/benchmark_eval.h"

namespace uniner::cli {

Runner add_eval_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> gold;
    std::string pred;
    std::string parser = "official";
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("eval", "Score predictions with the official metric (micro P/R/F1)");
  cmd->add_option("--gold", o->gold, "Benchmark JSON file(s); dataset name = file stem")
      ->required();
  cmd->add_option("--pred", o->pred, "Predictions JSONL {\"id\", \"prediction\"} ('-' = stdin)")
      ->required();
  cmd->add_option("--parser", o->parser, "Answer parser: official or lenient")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print the report as JSON");
  return [o] {
    const auto mode = parse_parser_mode(o->parser);
    const auto predictions = read_predictions(o->pred);
    const auto report = evaluate_benchmarks(o->gold, predictions, o->pred, mode);
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
    if (o->json) {
      std::cout << report_json(report) << '\n';
    } else {
      std::cout << report_table(report);
    }
    return 0;
  };
}

}  // namespace uniner::cli

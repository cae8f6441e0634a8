// uniner stats: passages, mentions, types and the frequency-tier table of a data file.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "data_cli.h"
#include "uniner/data/dataset_stats.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_stats_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string output = "-";
    std::string type_case = "lower";
    bool json = false;
    StatsOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "stats", "Statistics of an annotation or instruction-data file (frequency tiers of types)");
  cmd->add_option("file,--input", o->input,
                  "Annotations JSONL, or instruction data (JSON array or JSONL); '-' = stdin")
      ->required();
  cmd->add_option("--output", o->output, "Where the report goes ('-' = stdout)")
      ->capture_default_str();
  cmd->add_option("--type-case", o->type_case, "Type names: lower or keep (as build-data)")
      ->capture_default_str();
  cmd->add_option("--examples", o->lib.examples, "Example types listed per tier")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print the report as JSON");
  cmd->add_flag("--strict", o->lib.strict, "Stop at the first bad record instead of skipping it");
  return [o] {
    o->lib.type_case = parse_type_case(o->type_case);
    DataReporter reporter("stats");
    const auto stats = compute_stats(o->input, o->lib, reporter.callbacks());
    reporter.finish();
    auto out = open_output(o->output);
    if (o->json) {
      *out << stats_json(stats) << '\n';
    } else {
      *out << stats_table(stats);
    }
    out->flush();
    return 0;
  };
}

}  // namespace uniner::cli

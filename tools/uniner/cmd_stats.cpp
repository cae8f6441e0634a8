// uniner stats: passages, mentions, types and the frequency-tier table of a data file.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/data/dataset_stats.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_stats_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string output = "-";
    bool json = false;
    bool quiet = false;
    StatsOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "stats", "Statistics of an annotation or instruction-data file (frequency tiers of types)");
  add_input(cmd, o->input, "Annotations JSONL, or instruction data (JSON array or JSONL)");
  add_output(cmd, o->output, "Where the report goes");
  add_choice(cmd, "--type-case", o->lib.type_case, kTypeCases,
             "Type names: lower or keep (as build-data)");
  cmd->add_option("--examples", o->lib.examples, "Example types listed per tier")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "Print the report as JSON");
  add_strict(cmd, o->lib.strict);
  add_quiet(cmd, o->quiet);
  return [o] {
    refuse_same_file(o->input, o->output);
    DataReporter reporter("stats", o->quiet);
    const auto stats = compute_stats(o->input, o->lib, reporter.callbacks());
    reporter.finish();
    auto out = open_output(o->output);
    if (o->json) {
      *out << stats_json(stats) << '\n';
    } else {
      *out << stats_table(stats);
    }
    check_written(*out, o->output);
    return 0;
  };
}

}  // namespace uniner::cli

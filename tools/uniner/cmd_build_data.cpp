// uniner build-data: teacher annotations to UniversalNER instruction conversations.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/data/instruction_data.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_build_data_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string output = "-";
    std::string dev_output;
    bool quiet = false;
    BuildDataOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("build-data",
                                 "Annotations to instruction conversations (with negative types)");
  add_input(cmd, o->input, "Annotations JSONL as `uniner annotate` writes");
  add_output(cmd, o->output, "Training conversations: JSON array, or JSONL with --jsonl");
  add_choice(cmd, "--negatives", o->lib.negatives, kNegativeModes,
             "Negative types: none, uniform or frequency");
  cmd->add_option("--neg-per-passage", o->lib.negatives_per_passage,
                  "Negative types asked per passage")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of negatives, dev split and shuffling")
      ->capture_default_str();
  cmd->add_flag("--definition", o->lib.definition,
                "Definition-style data: types are definition sentences (case kept)");
  add_choice(cmd, "--type-case", o->lib.type_case, kTypeCases, "Type names: lower or keep");
  cmd->add_option("--dev-fraction", o->lib.dev_fraction, "Share of passages held out (0-1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--dev-output", o->dev_output, "Held-out conversations (with --dev-fraction)");
  cmd->add_flag("--drop-unfound", o->lib.drop_unfound,
                "Drop entities that do not occur in their passage");
  cmd->add_flag("--shuffle-pairs", o->lib.shuffle_pairs,
                "Shuffle the (type, answer) pairs of each passage");
  cmd->add_flag("--jsonl", o->lib.jsonl, "Write JSON Lines instead of a JSON array");
  add_strict(cmd, o->lib.strict);
  add_quiet(cmd, o->quiet);
  return [o] {
    if (!o->dev_output.empty() && o->lib.dev_fraction <= 0) {
      throw InputError("--dev-output: needs --dev-fraction above 0");
    }
    if (o->dev_output.empty() && o->lib.dev_fraction > 0) {
      throw InputError("--dev-fraction: needs --dev-output (where the held-out part goes)");
    }
    refuse_same_file(o->input, o->output);
    if (!o->dev_output.empty()) {
      refuse_same_file(o->input, o->dev_output);
      if (same_output(o->output, o->dev_output)) {
        throw InputError("--dev-output: " + o->dev_output + " is also --output");
      }
    }
    auto train = open_output(o->output);
    std::shared_ptr<std::ostream> dev;
    if (!o->dev_output.empty()) dev = open_output(o->dev_output);
    DataReporter reporter("build-data", o->quiet);
    const BuildDataReport r =
        run_writing(reporter, {{train.get(), o->output}, {dev.get(), o->dev_output}}, [&] {
          return build_instruction_data(o->input, *train, dev.get(), o->lib, reporter.callbacks());
        });
    std::string skipped;
    for (const auto& [status, n] : r.skipped_by_status) {
      skipped += std::string(", ") + std::to_string(n) + " " + status + " skipped";
    }
    if (r.bad_records) skipped += std::string(", ") + std::to_string(r.bad_records) + " bad";
    std::fprintf(
        stderr,
        "build-data: %zu records%s; %zu train + %zu dev conversations; %zu types; "
        "%llu positive + %llu negative queries; %llu entities (%llu duplicates, %llu "
        "empty, %llu unfound removed)\n",
        r.records, skipped.c_str(), r.train, r.dev, r.types,
        static_cast<unsigned long long>(r.positive_queries),
        static_cast<unsigned long long>(r.negative_queries),
        static_cast<unsigned long long>(r.entities), static_cast<unsigned long long>(r.duplicates),
        static_cast<unsigned long long>(r.empty), static_cast<unsigned long long>(r.unfound));
    return 0;
  };
}

}  // namespace uniner::cli

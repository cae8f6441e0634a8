// uniner build-data: teacher annotations to UniversalNER instruction conversations.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "uniner/data/instruction_data.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_build_data_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string output = "-";
    std::string dev_output;
    std::string negatives = "frequency";
    std::string type_case = "lower";
    BuildDataOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("build-data",
                                 "Annotations to instruction conversations (with negative types)");
  cmd->add_option("--input", o->input,
                  "Annotations JSONL as `uniner annotate` writes ('-' = stdin)")
      ->required();
  cmd->add_option("--output", o->output,
                  "Training conversations: JSON array, or JSONL with --jsonl ('-' = stdout)")
      ->capture_default_str();
  cmd->add_option("--negatives", o->negatives, "Negative types: none, uniform or frequency")
      ->capture_default_str();
  cmd->add_option("--neg-per-passage", o->lib.negatives_per_passage,
                  "Negative types asked per passage")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of negatives, dev split and shuffling")
      ->capture_default_str();
  cmd->add_flag("--definition", o->lib.definition,
                "Definition-style data: types are definition sentences (case kept)");
  cmd->add_option("--type-case", o->type_case, "Type names: lower or keep")->capture_default_str();
  cmd->add_option("--dev-fraction", o->lib.dev_fraction, "Share of passages held out (0-1)")
      ->capture_default_str();
  cmd->add_option("--dev-output", o->dev_output, "Held-out conversations (with --dev-fraction)");
  cmd->add_flag("--drop-unfound", o->lib.drop_unfound,
                "Drop entities that do not occur in their passage");
  cmd->add_flag("--shuffle-pairs", o->lib.shuffle_pairs,
                "Shuffle the (type, answer) pairs of each passage");
  cmd->add_flag("--jsonl", o->lib.jsonl, "Write JSON Lines instead of a JSON array");
  cmd->add_flag("--strict", o->lib.strict, "Stop at the first bad record instead of skipping it");
  return [o] {
    o->lib.negatives = parse_negative_mode(o->negatives);
    o->lib.type_case = parse_type_case(o->type_case);
    if (!o->dev_output.empty() && o->lib.dev_fraction <= 0) {
      throw InputError("--dev-output: needs --dev-fraction above 0");
    }
    auto train = open_output(o->output);
    std::shared_ptr<std::ostream> dev;
    if (!o->dev_output.empty()) dev = open_output(o->dev_output);
    DataReporter reporter("build-data");
    const auto r =
        build_instruction_data(o->input, *train, dev.get(), o->lib, reporter.callbacks());
    reporter.finish();
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

// uniner convert: supervised NER data (CoNLL/BIO, spans JSONL) to UniversalNER conversations.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/data/supervised_data.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_convert_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string output = "-";
    std::string benchmark_output;
    std::string label_map;
    bool quiet = false;
    ConvertOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "convert", "Supervised NER data (CoNLL/BIO or spans JSONL) to instruction conversations");
  add_input(cmd, o->input, "CoNLL/BIO or spans JSONL file");
  add_output(cmd, o->output, "Training conversations, one per sentence");
  cmd->add_option("--benchmark-output", o->benchmark_output,
                  "Also write benchmark records, one per (sentence, type), for `uniner eval`");
  add_choice(cmd, "--format", o->lib.format, kSupervisedFormats,
             "Input format: auto, conll or spans");
  cmd->add_option("--column", o->lib.column,
                  "CoNLL tag column, 0-based; negative counts from the last")
      ->capture_default_str();
  cmd->add_option("--label-map", o->label_map, "File of 'LABEL -> type' lines");
  add_choice(cmd, "--type-case", o->lib.type_case, kTypeCases, "Type names: keep or lower");
  cmd->add_option("--name", o->lib.name, "Id prefix (default: the input's file stem)");
  cmd->add_option("--max-sentences", o->lib.max_sentences,
                  "Keep a random sample of N sentences (0 = all)")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of that sample")->capture_default_str();
  cmd->add_flag("--jsonl", o->lib.jsonl, "Write JSON Lines instead of JSON arrays");
  add_strict(cmd, o->lib.strict);
  add_quiet(cmd, o->quiet);
  return [o] {
    refuse_same_file(o->input, o->output);
    if (!o->benchmark_output.empty()) {
      refuse_same_file(o->input, o->benchmark_output);
      if (same_output(o->output, o->benchmark_output)) {
        throw InputError("--benchmark-output: " + o->benchmark_output + " is also --output");
      }
    }
    if (!o->label_map.empty()) {
      refuse_same_file(o->label_map, o->output);
      o->lib.label_map = LabelMap::load(o->label_map);
    }
    auto train = open_output(o->output);
    std::shared_ptr<std::ostream> bench;
    if (!o->benchmark_output.empty()) bench = open_output(o->benchmark_output);
    DataReporter reporter("convert", o->quiet);
    const ConvertReport r =
        run_writing(reporter, {{train.get(), o->output}, {bench.get(), o->benchmark_output}}, [&] {
          return convert_supervised(o->input, *train, bench.get(), o->lib, reporter.callbacks());
        });
    std::string types;
    for (const auto& t : r.types) types += (types.empty() ? "" : ", ") + t;
    std::fprintf(stderr,
                 "convert: %zu sentences, %zu entities, %zu types (%s); %zu conversations, %zu "
                 "benchmark records",
                 r.sentences, r.entities, r.types.size(), types.c_str(), r.conversations,
                 r.benchmark_records);
    if (r.dropped) std::fprintf(stderr, ", %zu mentions dropped by the label map", r.dropped);
    if (r.bad_records) std::fprintf(stderr, ", %zu bad sentences skipped", r.bad_records);
    std::fprintf(stderr, "\n");
    return 0;
  };
}

}  // namespace uniner::cli

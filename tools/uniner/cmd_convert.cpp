// uniner convert: supervised NER data (CoNLL/BIO, spans JSONL) to UniversalNER conversations.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "uniner/data/supervised_data.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_convert_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string output = "-";
    std::string benchmark_output;
    std::string format = "auto";
    std::string label_map;
    std::string type_case = "keep";
    ConvertOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "convert", "Supervised NER data (CoNLL/BIO or spans JSONL) to instruction conversations");
  cmd->add_option("--input", o->input, "CoNLL/BIO or spans JSONL file ('-' = stdin)")->required();
  cmd->add_option("--output", o->output, "Training conversations, one per sentence ('-' = stdout)")
      ->capture_default_str();
  cmd->add_option("--benchmark-output", o->benchmark_output,
                  "Also write benchmark records, one per (sentence, type), for `uniner eval`");
  cmd->add_option("--format", o->format, "Input format: auto, conll or spans")
      ->capture_default_str();
  cmd->add_option("--column", o->lib.column,
                  "CoNLL tag column, 0-based; negative counts from the last")
      ->capture_default_str();
  cmd->add_option("--label-map", o->label_map, "File of 'LABEL -> type' lines");
  cmd->add_option("--type-case", o->type_case, "Type names: keep or lower")->capture_default_str();
  cmd->add_option("--name", o->lib.name, "Id prefix (default: the input's file stem)");
  cmd->add_option("--max-sentences", o->lib.max_sentences,
                  "Keep a random sample of N sentences (0 = all)")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of that sample")->capture_default_str();
  cmd->add_flag("--jsonl", o->lib.jsonl, "Write JSON Lines instead of JSON arrays");
  cmd->add_flag("--strict", o->lib.strict, "Stop at the first bad sentence instead of skipping it");
  return [o] {
    o->lib.format = parse_supervised_format(o->format);
    o->lib.type_case = parse_type_case(o->type_case);
    if (!o->label_map.empty()) o->lib.label_map = LabelMap::load(o->label_map);
    auto train = open_output(o->output);
    std::shared_ptr<std::ostream> bench;
    if (!o->benchmark_output.empty()) bench = open_output(o->benchmark_output);
    DataReporter reporter("convert");
    const auto r = convert_supervised(o->input, *train, bench.get(), o->lib, reporter.callbacks());
    reporter.finish();
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

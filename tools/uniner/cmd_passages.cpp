// uniner passages: a raw corpus to passages of at most N tokens (JSON Lines {"id", "text"}).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "uniner/data/passages.h"
#include "uniner/engine/vocab.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_passages_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string output = "-";
    std::string vocab;
    std::string format = "auto";
    PassagesOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "passages", "Cut a raw corpus into passages of at most N tokens, deduplicated and sampled");
  cmd->add_option("--input", o->inputs, "Text or JSON Lines files, directories, or '-' for stdin")
      ->required();
  cmd->add_option("--output", o->output, "Passages JSONL {\"id\", \"text\"} ('-' = stdout)")
      ->capture_default_str();
  cmd->add_option("--vocab", o->vocab, "GGUF model or vocabulary that counts the tokens")
      ->required();
  cmd->add_option("--max-tokens", o->lib.max_tokens, "Longest passage, in tokens")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--format", o->format,
                  "Input format: auto (.jsonl/.ndjson are JSON Lines), text or jsonl")
      ->capture_default_str();
  cmd->add_option("--field", o->lib.field, "JSON Lines: the field holding the text")
      ->capture_default_str();
  cmd->add_option("--sample", o->lib.sample, "Keep a uniform random sample of N passages (0 = all)")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of the sample")->capture_default_str();
  cmd->add_option("--id-prefix", o->lib.id_prefix, "Passage ids are this prefix + a number")
      ->capture_default_str();
  cmd->add_flag("--strict", o->lib.strict, "Stop at the first bad record instead of skipping it");
  return [o] {
    o->lib.format = parse_corpus_format(o->format);
    const Vocab vocab = Vocab::load(o->vocab);
    auto out = open_output(o->output);
    DataReporter reporter("passages");
    const auto report = make_passages(
        o->inputs, *out, o->lib, [&](std::string_view s) { return vocab.count_tokens(s); },
        reporter.callbacks());
    reporter.finish();
    std::fprintf(stderr,
                 "passages: %zu documents, %zu passages (%zu duplicates removed), %zu written",
                 report.documents, report.passages, report.duplicates, report.written);
    if (report.bad_records) std::fprintf(stderr, ", %zu bad records skipped", report.bad_records);
    if (report.invalid_utf8) {
      std::fprintf(stderr, ", %zu invalid UTF-8 sequences replaced", report.invalid_utf8);
    }
    std::fprintf(stderr, "\n");
    return 0;
  };
}

}  // namespace uniner::cli

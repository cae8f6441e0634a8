// uniner passages: a raw corpus to passages of at most N tokens (JSON Lines {"id", "text"}).
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>

#include "commands.h"
#include "data_cli.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/data/passages.h"
#include "uniner/engine/vocab.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_passages_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string output = "-";
    std::string vocab;
    bool quiet = false;
    PassagesOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "passages", "Cut a raw corpus into passages of at most N tokens, deduplicated and sampled");
  add_inputs(cmd, o->inputs, "Text or JSON Lines files, or directories of them");
  add_output(cmd, o->output, "Passages JSONL {\"id\", \"text\"}");
  cmd->add_option("--vocab", o->vocab, "GGUF model or vocabulary that counts the tokens")
      ->required();
  cmd->add_option("--max-tokens", o->lib.max_tokens, "Longest passage, in tokens")
      ->capture_default_str()
      ->check(positive_count());
  add_choice(cmd, "--format", o->lib.format, kCorpusFormats,
             "Input format: auto (.jsonl/.ndjson are JSON Lines), text or jsonl");
  cmd->add_option("--field", o->lib.field, "JSON Lines: the field holding the text")
      ->capture_default_str();
  cmd->add_option("--sample", o->lib.sample, "Keep a uniform random sample of N passages (0 = all)")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of the sample")->capture_default_str();
  cmd->add_option("--id-prefix", o->lib.id_prefix, "Passage ids are this prefix + a number")
      ->capture_default_str();
  add_strict(cmd, o->lib.strict);
  add_quiet(cmd, o->quiet);
  return [o] {
    for (const auto& in : o->inputs) {
      refuse_same_file(in, o->output);
      std::error_code ec;
      if (o->output != "-" && std::filesystem::is_directory(in, ec)) {
        const auto dir = std::filesystem::weakly_canonical(in, ec).string() + "/";
        const auto out = std::filesystem::weakly_canonical(o->output, ec).string();
        if (out.rfind(dir, 0) == 0) {
          throw InputError(o->output + ": is inside the input directory " + in +
                           ", which is read whole: choose an output elsewhere");
        }
      }
    }
    const Vocab vocab = Vocab::load(o->vocab);
    auto out = open_output(o->output);
    DataReporter reporter("passages", o->quiet);
    const PassagesReport report = run_writing(reporter, {{out.get(), o->output}}, [&] {
      return make_passages(
          o->inputs, *out, o->lib, [&](std::string_view s) { return vocab.count_tokens(s); },
          reporter.callbacks());
    });
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

// uniner extract: entities with offsets from passages, with a UniNER model. An output file is
// written record by record and resumed: see extract_output.h.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>

#include "commands.h"
#include "extract_output.h"
#include "flags.h"
#include "format/file_io.h"
#include "progress_line.h"
#include "text/utf8.h"
#include "uniner/engine/extractor.h"
#include "uniner/error.h"
#include "uniner/format/benchmark_passages.h"
#include "uniner/format/records.h"
#include "uniner/format/shard.h"

namespace uniner::cli {
namespace {

struct Options {
  ModelFlags model;
  ExtractOptions lib;
  std::string text, input, types, output = "-", benchmark;
  Shard shard;
  PassageFormat format = PassageFormat::kAuto;
  bool byte_offsets = false;
  bool strict = false;
  bool quiet = false;
  bool overwrite = false;
};

// Progress on stderr: passages done of the total when it is known, and the (window, type)
// answers, which move inside a long passage too; by answers alone for a single passage.
class ExtractReporter {
 public:
  ExtractReporter(bool quiet, std::size_t total) : quiet_(quiet), total_(total) {}
  void update(const ExtractProgress& p) {
    if (quiet_) return;
    // What the decode loop holds now: passages and answer sequences in flight, KV cells used.
    std::string tokens = std::to_string(p.tokens_generated) + " tokens";
    if (p.kv_cells_total > 0) {
      tokens += ", " + std::to_string(p.passages_in_flight) + " in flight (" +
                std::to_string(p.sequences) + " seq, " +
                std::to_string(p.kv_cells_used * 100 / p.kv_cells_total) + "% KV)";
    }
    if (total_ == 1) {
      line_.update(p.queries_done, p.queries_total, "answers", tokens);
    } else {
      line_.update(p.passages_done, total_, "passages",
                   std::to_string(p.queries_done) + "/" + std::to_string(p.queries_total) +
                       " answers, " + tokens);
    }
  }
  void warning(const std::string& m) { line_.message("warning: ", m); }
  void finish() { line_.finish(); }

 private:
  bool quiet_;
  std::size_t total_;
  ProgressLine line_{"extract"};
};

// Runs the extractor over `next`; each result goes to `emit`. Returns the passages that failed.
std::size_t run_extraction(Extractor& extractor, const Options& o, ExtractReporter& reporter,
                           const std::function<bool(PassageInput&)>& next,
                           const std::function<void(PassageResult&&)>& emit) {
  std::size_t errors = 0;
  try {
    extractor.run(
        next,
        [&](PassageResult&& r) {
          if (!r.error.empty()) {
            ++errors;
            reporter.warning("passage " + r.id + ": " + r.error);
            if (o.strict) throw InputError("passage " + r.id + ": " + r.error + " (--strict)");
          }
          emit(std::move(r));
        },
        [&](const ExtractProgress& p) { reporter.update(p); });
  } catch (...) {
    reporter.finish();
    throw;
  }
  reporter.finish();
  return errors;
}

int run_benchmark(const Options& o, const Shard& shard) {
  auto records = read_benchmark(o.benchmark);
  const std::size_t all = records.size();
  if (!shard.whole()) std::erase_if(records, [&](const auto& r) { return !shard.contains(r.id); });
  const auto groups = group_by_passage(records);
  std::fprintf(
      stderr, "extract: %s: %zu records%s, %zu passages\n", o.benchmark.c_str(), records.size(),
      shard.whole() ? ""
                    : (" of " + std::to_string(all) + " (shard " + shard.to_string() + ")").c_str(),
      groups.size());
  const Model model = load_model(o.model);
  ExtractOptions lib = o.lib;
  lib.max_passage_tokens = 0;  // the original asks the whole sentence
  Extractor extractor(model, lib);
  auto out = open_output(o.output);
  std::size_t i = 0, written = 0;
  ExtractReporter reporter(o.quiet, groups.size());
  const std::size_t problems = run_extraction(
      extractor, o, reporter,
      [&](PassageInput& p) { return i < groups.size() ? (p = groups[i++].passage, true) : false; },
      [&](PassageResult&& r) {
        if (!r.error.empty()) return;  // its records stay missing; eval reports them
        const auto& ids = groups[std::stoul(r.id)].record_ids;
        for (std::size_t t = 0; t < r.raw.size(); ++t) {
          for (const auto& id : ids[t]) {
            write_prediction(*out, id, r.raw[t].second.front());
            ++written;
          }
        }
        check_written(*out, o.output);
      });
  check_written(*out, o.output);
  std::fprintf(stderr, "extract: wrote %zu predictions (%zu passages skipped)\n", written,
               problems);
  return 0;
}

}  // namespace

Runner add_extract_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("extract", "Extract entities of given types from passages");
  add_model_flags(cmd, o->model);
  auto* text = cmd->add_option("--text", o->text, "One passage");
  auto* input = add_input(cmd, o->input,
                          "Passages: plain text (one per line) or JSONL {id, text, types?}", false);
  auto* bench = cmd->add_option("--benchmark", o->benchmark,
                                "An original benchmark file: writes predictions for `uniner eval`");
  text->excludes(input)->excludes(bench);
  input->excludes(bench);
  cmd->add_option("--types", o->types, "Entity types, comma-separated (default for every passage)");
  add_choice(cmd, "--format", o->format, kPassageFormats, "Input format: auto, text or jsonl");
  add_output(cmd, o->output,
             "Output JSONL; a file is appended record by record and resumed when run again");
  cmd->add_flag("--overwrite", o->overwrite,
                "Start over: replace an existing output instead of resuming it");
  auto* shard = add_shard(cmd, o->shard,
                          "only the passages (or benchmark records) of shard K of N, by id hash");
  shard->excludes(text);
  add_choice(cmd, "--mode", o->lib.mode, kDecodeModes,
             "shared (prefix shared, batched) or naive (the original)");
  add_choice(cmd, "--parser", o->lib.parser, kParserModes, "Answer parser: lenient or official");
  add_choice(cmd, "--constrain", o->lib.constrain, kAnswerConstraints,
             "none (the original's answers) or passage (answers only quote the passage)");
  add_optional_choice(cmd, "--system", o->lib.system, kSystemTexts,
                      "System sentence: text or paragraph (default: the model's own)");
  cmd->add_option("--max-new-tokens", o->lib.max_new_tokens, "Answer tokens per type")
      ->capture_default_str()
      ->check(positive_count());
  cmd->add_option("--max-passage-tokens", o->lib.max_passage_tokens,
                  "Longer prompts are split into overlapping windows (0 = never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--window-overlap", o->lib.window_overlap_tokens, "Overlap of windows, in tokens")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--byte-offsets", o->byte_offsets, "Offsets in bytes instead of code points");
  add_strict(cmd, o->strict);
  add_quiet(cmd, o->quiet);
  return [o, text] {
    const bool have_text = text->count() > 0;
    if (!have_text && o->input.empty() && o->benchmark.empty()) {
      throw InputError("give --text, --input or --benchmark");
    }
    std::vector<std::string> types;
    if (!o->types.empty() || have_text) types = parse_type_list(o->types, "--types");
    if (have_text) {
      require_utf8(o->text, "--text");
      if (o->text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw InputError("--text: empty text");
      }
    }
    const Shard& shard = o->shard;
    if (!o->benchmark.empty()) {
      refuse_same_file(o->benchmark, o->output);
      return run_benchmark(*o, shard);
    }

    // Input and output are checked before the model loads: mistakes show at once.
    std::unique_ptr<PassageReader> reader;
    if (!have_text) {
      refuse_same_file(o->input, o->output);
      reader = std::make_unique<PassageReader>(o->input, o->format, types);
    }
    ExtractOutput output(o->output, o->overwrite);
    ExtractReporter* reporter_ptr = nullptr;
    bool given = false;
    std::size_t bad_input = 0;
    // The passages of this shard, in input order, bad records reported and skipped.
    const auto read = [&](PassageInput& p) {
      if (have_text) return given ? false : (p = {"1", o->text, types}, given = true);
      std::string problem;
      while (reader->next(p, problem)) {
        if (problem.empty()) {
          if (shard.contains(p.id)) return true;
          continue;
        }
        ++bad_input;
        if (o->strict) throw InputError(problem);
        if (reporter_ptr) {
          reporter_ptr->warning(problem + " (skipped)");
        } else {
          std::fprintf(stderr, "uniner: warning: %s (skipped)\n", problem.c_str());
        }
      }
      return false;
    };
    const std::size_t resumed = output.skip_done(read);
    std::optional<std::size_t> total =
        have_text ? std::optional<std::size_t>(1)
                  : count_passages(o->input, reader->jsonl(), types, shard);
    const std::size_t left = total ? (*total > resumed ? *total - resumed : 0) : 0;
    if (resumed && left == 0 && total) {  // every passage is done: no model needed
      output.finish();
      std::fprintf(stderr, "extract: %s: complete (%zu records); nothing to do\n",
                   o->output.c_str(), resumed);
      return 0;
    }

    const Model model = load_model(o->model);
    Extractor extractor(model, o->lib);
    ExtractReporter reporter(o->quiet, left);
    reporter_ptr = &reporter;
    std::size_t written = 0;
    const std::size_t failed =
        run_extraction(extractor, *o, reporter, read, [&](PassageResult&& r) {
          output.write(to_extract_record(r, o->byte_offsets));
          ++written;
        });
    output.finish();
    if (written + resumed == 0 && bad_input == 0 && !have_text) {
      std::fprintf(stderr, "uniner: warning: %s: no passages%s\n", o->input.c_str(),
                   shard.whole() ? "" : " in this shard");
    }
    std::fprintf(stderr, "extract: wrote %zu records", written);
    if (resumed) std::fprintf(stderr, " (%zu already done)", resumed);
    if (failed + bad_input) {
      std::fprintf(stderr, "; %zu records skipped or failed", failed + bad_input);
    }
    std::fprintf(stderr, "\n");
    return 0;
  };
}

}  // namespace uniner::cli

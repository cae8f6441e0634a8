// uniner extract: entities with offsets from passages, with a UniNER model.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.h"
#include "model_flags.h"
#include "progress_line.h"
#include "text/utf8.h"
#include "uniner/engine/extractor.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner::cli {
namespace {

using json = nlohmann::ordered_json;

struct Options {
  ModelFlags model;
  std::string text, input, types, output = "-", benchmark, format = "auto";
  std::string mode = "shared", parser = "lenient", system = "text";
  int max_new_tokens = 256;
  int max_passage_tokens = 512;
  int overlap = 64;
  bool byte_offsets = false;
  bool strict = false;
  bool quiet = false;
};

json result_json(const PassageResult& r, bool byte_offsets) {
  json entities = json::array();
  for (const auto& e : r.entities) {
    json j = {{"text", e.text}, {"type", e.type}};
    if (e.found) {
      j["start"] = byte_offsets ? e.span.byte_start : e.span.start;
      j["end"] = byte_offsets ? e.span.byte_end : e.span.end;
    } else {
      j["start"] = nullptr;
      j["end"] = nullptr;
    }
    j["found"] = e.found;
    entities.push_back(std::move(j));
  }
  json raw = json::object();
  for (const auto& [type, answers] : r.raw) {
    raw[type] = answers.size() == 1 ? json(answers[0]) : json(answers);
  }
  json out = {
      {"id", r.id}, {"text", r.text}, {"entities", std::move(entities)}, {"raw", std::move(raw)}};
  if (r.windows > 1) out["windows"] = r.windows;
  if (!r.error.empty()) out["error"] = r.error;
  return out;
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Runs the extractor over `next`, reporting skipped records and progress; returns the exit code.
int run_extraction(Extractor& extractor, const Options& o, std::size_t total,
                   const std::function<bool(PassageInput&)>& next,
                   const std::function<void(PassageResult&&)>& emit, std::size_t& problems) {
  ProgressLine progress("extract");
  std::size_t errors = 0;
  extractor.run(
      next,
      [&](PassageResult&& r) {
        if (!r.error.empty()) {
          ++errors;
          progress.message("warning: ", "passage " + r.id + ": " + r.error);
          if (o.strict) throw InputError("passage " + r.id + ": " + r.error + " (--strict)");
        }
        emit(std::move(r));
      },
      [&](const ExtractProgress& p) {
        if (!o.quiet) {
          progress.update(p.passages_done, total, "passages",
                          std::to_string(p.queries_done) + " answers, " +
                              std::to_string(p.tokens_generated) + " tokens");
        }
      });
  progress.finish();
  problems += errors;
  return 0;
}

int run_benchmark(Extractor& extractor, const Options& o) {
  // Group the (sentence, type) records by passage, keeping the file's order.
  const auto records = read_benchmark(o.benchmark);
  std::vector<PassageInput> passages;
  std::vector<std::vector<std::vector<std::string>>> ids;  // [passage][type] -> record ids
  std::map<std::string, std::size_t> by_text;
  for (const auto& r : records) {
    auto [it, fresh] = by_text.emplace(r.text, passages.size());
    if (fresh) {
      passages.push_back({std::to_string(passages.size()), r.text, {}});
      ids.emplace_back();
    }
    auto& p = passages[it->second];
    auto& pid = ids[it->second];
    std::size_t t = 0;
    while (t < p.types.size() && p.types[t] != r.type) ++t;
    if (t == p.types.size()) {
      p.types.push_back(r.type);
      pid.emplace_back();
    }
    pid[t].push_back(r.id);
  }
  std::fprintf(stderr, "extract: %s: %zu records, %zu passages\n", o.benchmark.c_str(),
               records.size(), passages.size());
  auto out = open_output(o.output);
  std::size_t i = 0, problems = 0, written = 0;
  run_extraction(
      extractor, o, passages.size(),
      [&](PassageInput& p) { return i < passages.size() ? (p = passages[i++], true) : false; },
      [&](PassageResult&& r) {
        if (!r.error.empty()) return;  // its records stay missing; eval reports them
        const std::size_t pi = std::stoul(r.id);
        for (std::size_t t = 0; t < r.raw.size(); ++t) {
          for (const auto& id : ids[pi][t]) {
            write_prediction(*out, id, r.raw[t].second.front());
            ++written;
          }
        }
      },
      problems);
  out->flush();
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
  auto* input =
      cmd->add_option("-i,--input", o->input,
                      "Passages: plain text (one per line) or JSONL {id, text, types?}; - = stdin");
  auto* bench = cmd->add_option("--benchmark", o->benchmark,
                                "An original benchmark file: writes predictions for `uniner eval`");
  text->excludes(input)->excludes(bench);
  input->excludes(bench);
  cmd->add_option("--types", o->types, "Entity types, comma-separated (default for every passage)");
  cmd->add_option("--format", o->format, "Input format: auto, text or jsonl")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Output JSONL (- = stdout)")->capture_default_str();
  cmd->add_option("--mode", o->mode, "shared (prefix shared, batched) or naive (the original)")
      ->capture_default_str();
  cmd->add_option("--parser", o->parser, "Answer parser: lenient or official")
      ->capture_default_str();
  cmd->add_option("--system", o->system, "System sentence: text or paragraph")
      ->capture_default_str();
  cmd->add_option("--max-new-tokens", o->max_new_tokens, "Answer tokens per type")
      ->capture_default_str();
  cmd->add_option("--max-passage-tokens", o->max_passage_tokens,
                  "Longer prompts are split into overlapping windows (0 = never)")
      ->capture_default_str();
  cmd->add_option("--window-overlap", o->overlap, "Overlap of windows, in tokens")
      ->capture_default_str();
  cmd->add_flag("--byte-offsets", o->byte_offsets, "Offsets in bytes instead of code points");
  cmd->add_flag("--strict", o->strict, "Stop at the first bad record instead of skipping it");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
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
    ExtractOptions eo;
    eo.mode = parse_decode_mode(o->mode);
    eo.parser = parse_parser_mode(o->parser);
    eo.system = parse_system_text(o->system);
    eo.max_new_tokens = o->max_new_tokens;
    eo.max_passage_tokens = o->benchmark.empty() ? o->max_passage_tokens : 0;
    eo.window_overlap_tokens = o->overlap;
    const PassageFormat format = parse_passage_format(o->format);

    const Model model = Model::load(o->model.path, o->model.options);
    Extractor extractor(model, eo);
    if (!o->benchmark.empty()) return run_benchmark(extractor, *o);

    auto out = open_output(o->output);
    std::size_t problems = 0;
    const auto emit = [&](PassageResult&& r) {
      *out << dump(result_json(r, o->byte_offsets)) << '\n';
    };
    if (have_text) {
      bool given = false;
      run_extraction(
          extractor, *o, 1,
          [&](PassageInput& p) {
            return given ? false : (p = {"1", o->text, types}, given = true);
          },
          emit, problems);
    } else {
      PassageReader reader(o->input, format, types);
      std::string problem;
      run_extraction(
          extractor, *o, 0,
          [&](PassageInput& p) {
            while (reader.next(p, problem)) {
              if (problem.empty()) return true;
              ++problems;
              if (o->strict) throw InputError(problem);
              std::fprintf(stderr, "uniner: warning: %s (skipped)\n", problem.c_str());
            }
            return false;
          },
          emit, problems);
    }
    out->flush();
    if (problems) std::fprintf(stderr, "extract: %zu records skipped or failed\n", problems);
    return 0;
  };
}

}  // namespace uniner::cli

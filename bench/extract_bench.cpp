// bench/extract: records/s of the extraction modes on a benchmark file, side by side in one run.
//
//   build/bench/bench_extract --benchmark ../shared/data/universal-ner-benchmark/CrossNER_AI.json
//       --vocab third_party/llama.cpp/models/ggml-vocab-llama-spm.gguf [--dim 64 --layers 2 ...]
//   build/bench/bench_extract --benchmark ... --model student.gguf --max-new-tokens 256
//       --report rows.json --dump prompts.jsonl          (what bench/extract/run.sh does)
//
// Without --model a random model of the given shape is made with init-model (answers capped by
// --max-new-tokens so random weights do not run to 256). Configurations, all on the same passages:
//   naive            the original: every (passage, type) prompt decoded from scratch, one by one
//   shared           prefix decoded once per passage, its types batched; one passage at a time
//   shared+batched   the default: many passages' sequences decoded together
//   floor            only the unique tokens (prefixes once, questions + answers once), as large
//                    batches with no step waiting for the previous token
//   constrained      shared+batched with --constrain passage (answers masked to passage text),
//                    reported as its time against shared+batched's in the same run
// Ratios are printed against naive and against the floor. Every unconstrained mode's answers are
// compared with naive's (the reference); the exit status is 1 when any differs.
// --report writes the rows as JSON, --dump one JSON line per (passage, type) with the exact prompt
// tokens the engine feeds and the answers, for a peer (bench/extract/llama_server.py) to replay.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/decode_floor.h"
#include "engine/prompt_tokens.h"
#include "uniner/engine/extractor.h"
#include "uniner/engine/model_init.h"
#include "uniner/format/benchmark_passages.h"
#include "uniner/format/records.h"

using namespace uniner;

namespace {

struct Run {
  std::string name;
  double seconds = 0;
  std::vector<PassageResult> results;
  std::size_t tokens_generated = 0;
  std::size_t differing = 0;  // (passage, type) answers unlike naive's
};

Run run_mode(const std::string& name, const Model& model, const std::vector<PassageInput>& passages,
             ExtractOptions options) {
  Extractor extractor(model, options);
  Run run{name, 0, {}, 0};
  std::size_t i = 0;
  const auto start = std::chrono::steady_clock::now();
  extractor.run(
      [&](PassageInput& p) { return i < passages.size() ? (p = passages[i++], true) : false; },
      [&](PassageResult&& r) { run.results.push_back(std::move(r)); },
      // Passages in flight would be reported here once the engine exposes that count (issue 10:
      // a stat of the reworked scheduler); ExtractProgress does not carry it yet.
      [&](const ExtractProgress& p) { run.tokens_generated = p.tokens_generated; });
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench/extract: naive vs shared-prefix vs batched extraction, and the floor"};
  std::string benchmark, vocab_path, model_path, out_dir = "/tmp", report_path, dump_path;
  InitModelOptions shape;
  shape.dim = 64, shape.layers = 2, shape.heads = 4, shape.ff = 172;
  ModelOptions mo;
  mo.threads = 2;
  int max_new_tokens = 8;
  std::size_t max_passages = 100;
  bool skip_naive = false, skip_shared = false, skip_constrain = false;
  app.add_option("--benchmark", benchmark, "Original benchmark file")->required();
  app.add_option("--vocab", vocab_path, "GGUF with the tokenizer (for the random model)");
  app.add_option("--model", model_path, "Use this model instead of a random one");
  app.add_option("--dim", shape.dim);
  app.add_option("--layers", shape.layers);
  app.add_option("--heads", shape.heads);
  app.add_option("--ff", shape.ff);
  app.add_flag_callback("--f16", [&shape] { shape.type = uniner::FloatType::kF16; });
  app.add_option("--threads", mo.threads);
  app.add_option("--ctx-size", mo.context_size);
  app.add_option("--parallel", mo.parallel);
  app.add_option("--max-new-tokens", max_new_tokens);
  app.add_option("--passages", max_passages, "Passages used (first N of the file)");
  app.add_flag("--skip-naive", skip_naive);
  app.add_flag("--skip-shared", skip_shared, "No one-passage-at-a-time shared run");
  app.add_flag("--skip-constrain", skip_constrain);
  app.add_option("--report", report_path, "Write the rows and the setup as JSON here");
  app.add_option("--dump", dump_path,
                 "Write one JSON line per (passage, type): prompt token ids and answers");
  CLI11_PARSE(app, argc, argv);

  if (model_path.empty()) {
    shape.vocab_path = vocab_path;
    shape.out_path = out_dir + "/uniner-bench-d" + std::to_string(shape.dim) + "-l" +
                     std::to_string(shape.layers) + ".gguf";
    shape.seed = 1;
    init_model(shape);
    model_path = shape.out_path;
  }
  const Model model = Model::load(model_path, mo);

  // Passages with all their types, as `uniner extract --benchmark` groups them (a type repeated
  // in a passage is asked once; `records` counts every record it answers).
  std::vector<PassageInput> passages;
  std::size_t records = 0, questions = 0;  // questions: (passage, type) prompts
  for (auto& g : group_by_passage(read_benchmark(benchmark))) {
    if (passages.size() == max_passages) break;
    records += g.records();
    questions += g.passage.types.size();
    passages.push_back(std::move(g.passage));
  }
  std::printf(
      "model: %s, %d threads, ctx %d, parallel %d; %zu passages, %zu records, "
      "max-new-tokens %d\n",
      model.description().c_str(), mo.threads, mo.context_size, mo.parallel, passages.size(),
      records, max_new_tokens);

  ExtractOptions base;
  base.max_new_tokens = max_new_tokens;
  base.max_passage_tokens = 0;
  std::vector<Run> runs;
  if (!skip_naive) {
    ExtractOptions o = base;
    o.mode = DecodeMode::kNaive;
    runs.push_back(run_mode("naive", model, passages, o));
  }
  if (!skip_shared) {
    ExtractOptions o = base;
    o.batch_passages = false;
    runs.push_back(run_mode("shared", model, passages, o));
  }
  runs.push_back(run_mode("shared+batched", model, passages, base));

  // The floor: the unique tokens of the batched run, as large batches.
  const auto& answers = runs.back().results;
  std::vector<FloorJob> jobs;
  std::size_t floor_tokens = 0;
  for (std::size_t i = 0; i < passages.size(); ++i) {
    FloorJob job{prefix_tokens(model.vocab(), passages[i].text, model.prompt_template()), {}, {}};
    floor_tokens += job.prefix.size();
    for (std::size_t t = 0; t < passages[i].types.size(); ++t) {
      auto cont = query_tokens(model.vocab(), passages[i].types[t]);
      job.query_sizes.push_back(cont.size());
      const auto answer = model.vocab().tokenize(answers[i].raw[t].second.front(), false, false);
      cont.insert(cont.end(), answer.begin(), answer.end());
      floor_tokens += cont.size();
      job.continuations.push_back(std::move(cont));
    }
    jobs.push_back(std::move(job));
  }
  const double floor_s = decode_floor_seconds(model, jobs);

  // Answers against naive's (the original's method, the reference); without a naive run, against
  // the default's.
  const auto& reference = runs.front().results;
  std::size_t mismatches = 0;
  for (auto& r : runs) {
    for (std::size_t i = 0; i < r.results.size(); ++i) {
      for (std::size_t t = 0; t < r.results[i].raw.size(); ++t) {
        r.differing += r.results[i].raw[t] != reference[i].raw[t];
      }
    }
    mismatches += r.differing;
  }
  const bool identical = mismatches == 0;
  Run constrained;
  if (!skip_constrain) {
    ExtractOptions o = base;
    o.constrain = AnswerConstraint::kPassage;
    constrained = run_mode("constrained", model, passages, o);
  }
  const double naive_rate = skip_naive ? 0 : records / runs.front().seconds;
  const double floor_rate = records / floor_s;
  std::printf("\n%-16s %10s %12s %10s %10s\n", "config", "seconds", "records/s", "x naive",
              "x floor");
  for (const auto& r : runs) {
    const double rate = records / r.seconds;
    std::printf("%-16s %10.2f %12.1f %10.2f %10.2f\n", r.name.c_str(), r.seconds, rate,
                naive_rate > 0 ? rate / naive_rate : 0.0, floor_s / r.seconds);
  }
  std::printf("%-16s %10.2f %12.1f %10.2f %10.2f\n", "floor", floor_s, floor_rate,
              naive_rate > 0 ? floor_rate / naive_rate : 0.0, 1.0);
  if (!skip_constrain) {
    const double rate = records / constrained.seconds;
    std::printf("%-16s %10.2f %12.1f %10.2f %10.2f\n", constrained.name.c_str(),
                constrained.seconds, rate, naive_rate > 0 ? rate / naive_rate : 0.0,
                floor_s / constrained.seconds);
    std::printf(
        "\n--constrain passage: %.3fx the time of shared+batched (%zu tokens generated against "
        "%zu; %.1f us per token against %.1f)\n",
        constrained.seconds / runs.back().seconds, constrained.tokens_generated,
        runs.back().tokens_generated,
        1e6 * constrained.seconds /
            static_cast<double>(std::max<std::size_t>(1, constrained.tokens_generated)),
        1e6 * runs.back().seconds /
            static_cast<double>(std::max<std::size_t>(1, runs.back().tokens_generated)));
  }
  std::printf(
      "\nfloor tokens %zu; tokens generated %zu; (passage, type) answers differing from %s's: "
      "%zu\n",
      floor_tokens, runs.back().tokens_generated, runs.front().name.c_str(), mismatches);

  if (!report_path.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    auto add = [&rows](const std::string& name, double seconds, std::size_t tokens,
                       const nlohmann::json& differing) {
      rows.push_back({{"name", name},
                      {"seconds", seconds},
                      {"tokens_generated", tokens},
                      {"differing_from_reference", differing}});
    };
    for (const auto& r : runs) add(r.name, r.seconds, r.tokens_generated, r.differing);
    // The floor generates nothing: it decodes the default's answers among its unique tokens.
    add("floor", floor_s, runs.back().tokens_generated, nullptr);
    rows.back()["tokens_decoded"] = floor_tokens;
    if (!skip_constrain)
      add(constrained.name, constrained.seconds, constrained.tokens_generated, nullptr);
    const nlohmann::json report = {{"model", model.description()},
                                   {"model_path", model_path},
                                   {"threads", mo.threads},
                                   {"ctx_size", mo.context_size},
                                   {"parallel", mo.parallel},
                                   {"passages", passages.size()},
                                   {"records", records},
                                   {"questions", questions},
                                   {"max_new_tokens", max_new_tokens},
                                   {"reference", runs.front().name},
                                   {"rows", rows}};
    std::ofstream(report_path) << report.dump(2) << "\n";
  }
  if (!dump_path.empty()) {
    std::ofstream out(dump_path);
    const Run* naive = skip_naive ? nullptr : &runs.front();
    for (std::size_t i = 0; i < passages.size(); ++i) {
      for (std::size_t t = 0; t < passages[i].types.size(); ++t) {
        nlohmann::json line = {
            {"passage", i},
            {"type", passages[i].types[t]},
            {"prompt", prompt_tokens(model.vocab(), passages[i].text, passages[i].types[t],
                                     model.prompt_template())},
            {"answer", answers[i].raw[t].second.front()}};
        if (naive) line["naive"] = naive->results[i].raw[t].second.front();
        if (!skip_constrain) line["constrained"] = constrained.results[i].raw[t].second.front();
        out << line.dump() << "\n";
      }
    }
  }
  return identical ? 0 : 1;
}

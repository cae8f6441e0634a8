// uniner synth: a synthetic teacher world for offline runs (passages, gold, the noisy teacher's
// answers, a benchmark file), from a seed.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "uniner/data/synthetic_world.h"

namespace uniner::cli {

Runner add_synth_command(CLI::App& app) {
  struct Options {
    std::string dir;
    bool quiet = false;
    SynthOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "synth",
      "Write a synthetic teacher world: passages.jsonl, gold.jsonl, teacher.jsonl (the noisy "
      "teacher's answers, for uniner-fake-openai --answers) and benchmark.json");
  cmd->add_option("--out-dir", o->dir, "Directory of the four files (created when missing)")
      ->required();
  cmd->add_option("--passages", o->lib.passages, "Number of passages")
      ->required()
      ->check(positive_count());
  const Choices<SynthSplit> splits = {{"train", SynthSplit::kTrain},
                                      {"heldout", SynthSplit::kHeldOut}};
  add_choice(cmd, "--split", o->lib.split, splits,
             "Which names the passages use: train, or heldout (names never in train passages)");
  cmd->add_option("--first", o->lib.first,
                  "Index of the first passage (disjoint ranges of a split share names, not passages)")
      ->capture_default_str();
  cmd->add_option("--seed", o->lib.seed, "Seed of the world (names, split, passages, noise)")
      ->capture_default_str();
  cmd->add_option("--name-scale", o->lib.name_scale,
                  "Times as many names per type (a larger world: names recur in fewer passages; "
                  "every run of one world needs the same value)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--min-sentences", o->lib.sentences.min, "Sentences per passage, at least")
      ->capture_default_str();
  cmd->add_option("--max-sentences", o->lib.sentences.max, "Sentences per passage, at most")
      ->capture_default_str();
  const auto rate = CLI::Range(0.0, 1.0);
  cmd->add_option("--noise-missed", o->lib.noise.missed,
                  "Probability that the teacher leaves out an entity")
      ->capture_default_str()
      ->check(rate);
  cmd->add_option("--noise-wrong-type", o->lib.noise.wrong_type,
                  "Probability that an entity gets another type")
      ->capture_default_str()
      ->check(rate);
  cmd->add_option("--noise-invented", o->lib.noise.invented,
                  "Probability, per entity, of an added entity that is not in the passage")
      ->capture_default_str()
      ->check(rate);
  cmd->add_option("--noise-format", o->lib.noise.format,
                  "Probability that an answer is sloppy (quotes, brackets, prose, truncated)")
      ->capture_default_str()
      ->check(rate);
  cmd->add_option("--absent-types", o->lib.absent_types,
                  "Benchmark: types absent from a passage asked of it (gold [])")
      ->capture_default_str();
  cmd->add_flag("--overwrite", o->lib.overwrite,
                "Replace the four files when they exist (otherwise nothing is written)");
  add_quiet(cmd, o->quiet);
  return [o] {
    const SynthReport r = write_synthetic_world(o->dir, o->lib);
    if (!o->quiet) {
      std::fprintf(stderr, "synth: %zu passages, %zu mentions, %zu benchmark records in %s\n",
                   r.passages, r.mentions, r.benchmark_records, o->dir.c_str());
    }
    return 0;
  };
}

}  // namespace uniner::cli

// A synthetic teacher world for offline runs (tests, the demo, CI): English passages over eight
// domains (news, biomedical, software, finance, movies, law, sports, science) mentioning entities
// of 48 types with long-tailed frequencies, their gold annotations with offsets, and the answer a
// sloppy chat teacher would give for each in the tuple format of docs/recipe.md section 1
// (`[("entity", "type"), ...]`), with noise at the rates asked. docs/data.md, "Synthetic world".
//
// Everything follows from the seed: the names of every type (made from syllables and patterns),
// their split into a training part and a held-out part (a name is in one part only, and in one
// type only), and each passage, which depends only on (seed, split, index): the first N passages
// of a run are those of any longer run, and the noise never changes the text or the gold.
// Generation is portable (uniner's own generator, no std distributions).
//
// Ownership: SyntheticWorld is an immutable value (cheap to copy: it shares its tables) and is
// thread-safe; passages are plain values. Errors: InputError for a noise rate outside [0, 1] or
// for an output file that exists when not overwriting; Error when a file cannot be written.
//
//   uniner::SyntheticWorld world(/*seed=*/7);
//   uniner::SynthNoise noise;
//   noise.missed = 0.1;
//   uniner::SynthPassage p = world.passage(uniner::SynthSplit::kTrain, 0, noise);
//   // p.text: "Brelje Jithjourzor joined Piwarmea Technologies on January 21, 1983. ..."
//   // p.entities: {"Brelje Jithjourzor", "person", 0, 18}, ... (code points, end exclusive)
//   // p.answer: "[(\"Brelje Jithjourzor\", \"person\"), ...]" (what the teacher says)
//
//   uniner::SynthOptions o;
//   o.passages = 1000;
//   o.split = uniner::SynthSplit::kHeldOut;
//   auto report = uniner::write_synthetic_world("synth/", o);  // the four files below
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace uniner {

// Which part of every type's names a passage draws from.
enum class SynthSplit { kTrain, kHeldOut };

// Teacher noise: probabilities in [0, 1].
struct SynthNoise {
  double missed = 0;      // each gold (entity, type) pair is left out of the answer
  double wrong_type = 0;  // each pair kept gets another type (one of the passage's domain)
  double invented = 0;    // after each gold pair, a pair whose entity is not in the passage
  double format = 0;      // per passage: the answer is sloppy (single quotes, escaped quotes,
                          // no closing bracket, prose before or after, a code fence, truncated)
};

// One gold mention. Offsets in Unicode code points, end exclusive, as everywhere in uniner.
struct SynthEntity {
  std::string text;
  std::string type;
  std::size_t start = 0;
  std::size_t end = 0;
  bool operator==(const SynthEntity&) const = default;
};

struct SynthPassage {
  std::string id;      // "<split>_<index>": "train_0", "heldout_12"
  std::string domain;  // "news", "biomedical", ...
  std::string text;    // 2-6 sentences (SynthSentences) in random order, some without entities
  std::vector<SynthEntity> entities;  // every mention, in text order
  std::string answer;                 // the teacher's raw answer, noise applied
};

struct SynthType {
  std::string name;                  // "person", "software library", ...
  std::vector<std::string> domains;  // the domains whose sentences mention it
  double weight = 0;                 // its Zipf weight when a sentence is chosen (1 / rank^s)
};

// How many sentences a passage has ({2, 6}: the default world's); 1-2 makes short passages,
// where a student trained from scratch finds what to copy sooner (docs/demo.md).
struct SynthSentences {
  std::size_t min = 2, max = 6;
};

class SyntheticWorld {
 public:
  // name_scale multiplies every type's number of names (1: the lists below; 20: twenty times as
  // many, so that a training name recurs in few passages and a student cannot learn the names by
  // heart instead of copying them from the passage). Worlds of one seed and scale are identical.
  // sentences: the range of a passage's sentence count (SynthSentences).
  explicit SyntheticWorld(std::uint64_t seed, std::size_t name_scale = 1,
                          SynthSentences sentences = {});

  std::uint64_t seed() const;
  const std::vector<std::string>& domains() const;
  const std::vector<SynthType>& types() const;  // by rank: the most frequent first
  // The names of type `type` (an index into types()) in one split.
  const std::vector<std::string>& names(std::size_t type, SynthSplit split) const;

  // Passage `index` of `split`. Throws InputError for a noise rate outside [0, 1].
  SynthPassage passage(SynthSplit split, std::size_t index, const SynthNoise& noise = {}) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// The teacher's answer with no noise: the passage's distinct (entity, type) pairs in order of
// first mention, as `[("entity", "type"), ...]` ("[]" when there are none).
std::string clean_teacher_answer(const std::vector<SynthEntity>& entities);

struct SynthOptions {
  std::size_t passages = 100;
  std::size_t first = 0;  // index of the first passage: passages first..first+passages-1 (a
                          // passage depends only on seed, split and index, so disjoint ranges
                          // of one split are disjoint sets of passages with the same names)
  SynthSplit split = SynthSplit::kTrain;
  std::uint64_t seed = 0;
  std::size_t name_scale = 1;  // SyntheticWorld's: every run of one world must use the same
  SynthSentences sentences;  // per passage (InputError unless 1 <= min <= max)
  SynthNoise noise;
  std::size_t absent_types = 2;  // benchmark: types absent from the passage asked of each one
  bool overwrite = false;        // replace files of these names that exist in the directory
};

struct SynthReport {
  std::size_t passages = 0;
  std::size_t mentions = 0;           // gold mentions
  std::size_t benchmark_records = 0;  // (passage, type) records in benchmark.json
  std::vector<std::string> files;     // the paths written
};

// Writes into `directory` (created when missing):
//   passages.jsonl  {"id", "text"}: the input of `uniner annotate`
//   gold.jsonl      {"id", "text", "entities": [{"text", "type", "start", "end"}]} (code points;
//                   also spans JSON Lines for `uniner convert`)
//   teacher.jsonl   {"id", "text", "answer"}: the teacher's raw answers (uniner-fake-openai)
//   benchmark.json  the original benchmark format, one record per (passage, type) for each type
//                   of the passage (gold: every mention in text order) and `absent_types` types
//                   it lacks (gold: [])
// Each file is written beside its final name and renamed over it once complete and checked;
// nothing is written when one of the four exists and `overwrite` is false (InputError).
SynthReport write_synthetic_world(const std::string& directory, const SynthOptions& options);

}  // namespace uniner

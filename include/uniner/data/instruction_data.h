// `uniner build-data`: teacher annotations to the instruction conversations UniversalNER is tuned
// on, in the original's format (docs/recipe.md section 2; policies in docs/data.md):
//   human "Text: {passage}" / gpt "I've read this text." /
//   then per queried type: human "What describes {type} in the text?" / gpt "[\"a\", \"b\"]".
// Positive types come first, in order of first appearance in the annotation, each with its
// entities (cleaned, exact duplicates removed, first-appearance order); then the sampled
// negative types (answer []), in sampled order. The original shuffles the pairs when it trains.
//
// Records with status "failed", and "parse_error" records without any entity, carry no
// annotation: they are skipped and counted (`skipped_by_status`). An "ok" record with no entity
// is a passage the teacher found empty: it is kept, with negative queries only.
//
// The input is read twice (type frequencies first, then the conversations); "-" (stdin) is
// spooled to a temporary file. Memory holds the type table only.
//
// Ownership: `train` and `dev` are borrowed for the call and stay the caller's. Errors:
// build_instruction_data throws InputError for a dev_fraction outside [0, 1], a dev_fraction
// without `dev`, an input that cannot be opened, and (when strict) a bad record; Error for I/O
// (a failed write, the stdin spool, an input that changed between the two reads).
// group_entities and instruction_conversation are pure and do not throw.
//
//   uniner::BuildDataOptions o;  // frequency negatives, 2 per passage
//   o.dev_fraction = 0.02;
//   std::ofstream train("train.json"), dev("dev.json");
//   auto report = uniner::build_instruction_data("annotations.jsonl", train, &dev, o);
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "uniner/data/callbacks.h"
#include "uniner/data/name_cleaning.h"
#include "uniner/data/negative_sampling.h"
#include "uniner/format/annotated_passage.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"

namespace uniner {

struct BuildDataOptions {
  NegativeMode negatives = NegativeMode::kFrequency;  // how negative types are drawn
  std::size_t negatives_per_passage = 2;  // negative queries per passage (fewer if few types)
  std::uint64_t seed = 0;                 // negatives, dev split and pair shuffling
  bool definition = false;  // definition-style data: "types" are sentences, their case is kept
  TypeCase type_case = TypeCase::kLower;  // case of type names (kKeep forced by `definition`)
  double dev_fraction = 0;     // share of passages held out (exactly round(fraction * passages))
  bool drop_unfound = false;   // drop entities that occur nowhere in the passage (locate_all)
  bool shuffle_pairs = false;  // shuffle the (type, answer) pairs of each passage
  bool jsonl = false;          // one conversation object per line instead of a JSON array
  bool strict = false;         // a bad record stops the job (InputError) instead of a warning
};

struct BuildDataReport {
  std::size_t records = 0;                               // records read (bad ones excluded)
  std::size_t bad_records = 0;                           // skipped with a warning
  std::map<std::string, std::size_t> skipped_by_status;  // e.g. {"failed": 3, "parse_error": 1}
  std::size_t without_queries = 0;  // passages with no positive type and no negative: skipped
  std::size_t train = 0;            // conversations written to the training output
  std::size_t dev = 0;              // conversations written to the dev output
  std::uint64_t entities = 0;       // entity strings in answers
  std::uint64_t duplicates = 0;     // (entity, type) repeated within a passage, removed
  std::uint64_t empty = 0;          // pairs whose entity or type is empty after cleaning, removed
  std::uint64_t unfound = 0;        // entities not in their passage, removed (drop_unfound)
  std::uint64_t positive_queries = 0;
  std::uint64_t negative_queries = 0;
  std::size_t types = 0;  // distinct types with at least one entity
};

// A passage's positive queries: its cleaned types in order of first appearance, each with its
// entity strings (cleaned, duplicates removed, in order). `all_types` receives every type the
// teacher named for the passage (also those whose entities were all removed): they are never
// sampled as negatives for it.
struct GroupedPassage {
  std::vector<std::string> types;
  std::vector<std::vector<std::string>> entities;  // parallel to `types`
  std::vector<std::string> all_types;
  std::uint64_t duplicates = 0, empty = 0, unfound = 0;
};
GroupedPassage group_entities(const AnnotatedPassage& passage, TypeCase type_case,
                              bool drop_unfound);

// The conversation: "Text: {text}", "I've read this text.", then one question/answer pair per
// element of `pairs` (answer = the JSON list as uniner::answer_json writes it).
ConversationRecord instruction_conversation(const std::string& id, const std::string& text,
                                            std::span<const TypeAnswer> pairs);

// Reads annotation records from `input` and writes conversations to `train` and, when
// dev_fraction > 0, to `dev` (required then). Throws InputError for bad input (and, when strict,
// for a bad record), Error for I/O failures.
BuildDataReport build_instruction_data(const std::string& input, std::ostream& train,
                                       std::ostream* dev, const BuildDataOptions& options,
                                       const DataCallbacks& callbacks = {});

}  // namespace uniner

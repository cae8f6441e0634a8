// `uniner convert`: supervised NER data (CoNLL/BIO or spans JSON Lines) into UniversalNER's
// format, as the supervised recipe does (docs/recipe.md section 2): every type of the dataset is
// queried for every sentence, absent ones answer []. Two outputs:
//  - training conversations: one per sentence, all types in dataset order (order of first
//    appearance in the file), answers with duplicates removed; ids: the record's own id (spans
//    input) or "<name>_<sentence>";
//  - benchmark records (optional): one per (sentence, type), the 4-turn format `uniner eval`
//    reads, answers keeping every mention in text order (as the released benchmark files do);
//    ids "<name>_<n>".
// The dataset is held in memory (supervised sets are small).
//
// Ownership: `train` and `benchmark` are borrowed for the call and stay the caller's. Errors:
// InputError for an input that cannot be opened and, when strict, a bad sentence ("file:line:
// reason"; otherwise it goes to callbacks.warning); Error on a read error or a failed write.
//
//   uniner::ConvertOptions o;
//   o.name = "conll03";
//   o.label_map = uniner::LabelMap::load("conll.map");
//   std::ofstream train("conll03.json"), bench("conll03_test.json");
//   auto report = uniner::convert_supervised("train.conll", train, &bench, o);
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "uniner/data/callbacks.h"
#include "uniner/data/label_map.h"
#include "uniner/data/name_cleaning.h"
#include "uniner/format/labeled_data.h"

namespace uniner {

enum class SupervisedFormat {
  kAuto,  // spans JSON Lines when the name ends in .jsonl or .ndjson, CoNLL otherwise
  kConll,
  kSpans,
};

struct ConvertOptions {
  SupervisedFormat format = SupervisedFormat::kAuto;  // how the input is read
  int column = -1;     // CoNLL tag column (0-based; negative counts from the last)
  LabelMap label_map;  // renames or drops labels; empty keeps them
  TypeCase type_case = TypeCase::kKeep;  // case of the (mapped) type names
  std::string name;               // id prefix; empty: the input's file stem ("stdin" for "-")
  std::size_t max_sentences = 0;  // keep a random sample of this many sentences; 0 keeps all
  std::uint64_t seed = 0;         // seed of that sample
  bool jsonl = false;             // JSON Lines instead of JSON arrays
  bool strict = false;            // a bad record stops the job instead of a warning
};

struct ConvertReport {
  std::size_t sentences = 0;          // sentences converted
  std::size_t bad_records = 0;        // sentences skipped with a warning
  std::size_t entities = 0;           // gold mentions kept
  std::size_t dropped = 0;            // mentions whose label the map drops
  std::vector<std::string> types;     // the queried types, in order
  std::size_t conversations = 0;      // training conversations written
  std::size_t benchmark_records = 0;  // benchmark records written
};

// Reads `input` and writes training conversations to `train` and, when `benchmark` is not null,
// benchmark records to it.
ConvertReport convert_supervised(const std::string& input, std::ostream& train,
                                 std::ostream* benchmark, const ConvertOptions& options,
                                 const DataCallbacks& callbacks = {});

}  // namespace uniner

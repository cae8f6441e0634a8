// A benchmark file (one record per (passage, type) query) grouped by passage, so that a passage
// is decoded once for all of its types. Used by `uniner extract --benchmark` and bench/.
//
// Semantics: passages (records with the same text) in order of first appearance; each passage's
// types deduplicated, in order of first appearance; a type asked by several records of the same
// passage (the released files have a few) is asked of the model once, and every one of those
// records gets that answer: record_ids[t] lists them all, so every record stays answerable.
//
// Ownership: plain values (texts are copied). Errors: group_by_passage does not throw; pure and
// thread-safe.
//
//   auto records = uniner::read_benchmark("CrossNER_AI.json");
//   for (const uniner::BenchmarkPassage& g : uniner::group_by_passage(records))
//     for (std::size_t t = 0; t < g.passage.types.size(); ++t)  // g.passage.id: "0", "1", ...
//       ask(g.passage.text, g.passage.types[t], g.record_ids[t]);  // one answer for all those ids
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "uniner/format/passage_reader.h"
#include "uniner/format/records.h"

namespace uniner {

struct BenchmarkPassage {
  PassageInput passage;                              // id: the group's index ("0", "1", ...)
  std::vector<std::vector<std::string>> record_ids;  // [type index] -> ids of the records asking it
  std::size_t records() const;                       // how many records the group answers
};

std::vector<BenchmarkPassage> group_by_passage(const std::vector<BenchmarkRecord>& records);

}  // namespace uniner

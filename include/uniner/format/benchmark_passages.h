// A benchmark file (one record per (passage, type) query) grouped by passage, so that a passage
// is decoded once for all of its types. Used by `uniner extract --benchmark` and bench/.
//
//   for (const auto& g : uniner::group_by_passage(uniner::read_benchmark("CrossNER_AI.json")))
//     // g.passage: {id = "0", "1"..., text, types}; g.record_ids[t]: the records asking type t
//
// Semantics: passages (records with the same text) in order of first appearance; each passage's
// types deduplicated, in order of first appearance; a type asked by several records of the same
// passage (the released files have a few) is asked of the model once, and every one of those
// records gets that answer: record_ids[t] lists them all, so every record stays answerable.
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

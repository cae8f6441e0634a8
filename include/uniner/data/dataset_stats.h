// `uniner stats`: what a data file holds, and the frequency-tier table of the UniversalNER
// project page (top 1% of types / 1-10% / the rest: share of mentions, number of types, examples).
//
// Two kinds of file are recognized by their content:
//  - annotations (JSON Lines of AnnotatedPassage records, as `uniner annotate` writes): passages
//    are the records whose status has entities (ok, parse_error); a mention is one
//    (entity, type) pair as given, after name cleaning (pairs with an empty side are not counted);
//  - instruction data (the JSON array of {"id", "conversations"}, or its JSON Lines form):
//    passages are conversations; a mention is one entity string in the answer of a question;
//    a question answered [] is a negative query.
//
// Ownership: plain values; the file is streamed, memory holds the type table. Errors:
// compute_stats throws InputError for a file that cannot be opened or is malformed (and, when
// strict, a bad record: "file:line: reason"), Error on a read error; the other functions are pure
// and do not throw.
//
//   auto stats = uniner::compute_stats("annotations.jsonl", {});
//   std::cout << uniner::stats_table(stats);  // or uniner::stats_json(stats)
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "uniner/data/callbacks.h"
#include "uniner/data/name_cleaning.h"

namespace uniner {

struct StatsOptions {
  TypeCase type_case = TypeCase::kLower;  // how type names are cleaned before counting
  std::size_t examples = 10;              // example types listed per tier
  bool strict = false;                    // a bad record stops the job instead of a warning
};

struct TypeCount {
  std::string type;
  std::uint64_t mentions = 0;
};

struct FrequencyTier {
  std::string name;                   // "top 1%", "1-10%", "rest"
  std::size_t types = 0;              // distinct types in the tier
  std::uint64_t mentions = 0;         // mentions of those types
  double share = 0;                   // mentions / all mentions, in [0, 1]
  std::vector<std::string> examples;  // the most frequent types of the tier
};

struct DatasetStats {
  std::string kind;                                      // "annotations" or "instructions"
  std::size_t records = 0;                               // records read (bad ones excluded)
  std::size_t passages = 0;                              // passages that count
  std::uint64_t mentions = 0;                            // entity mentions
  std::uint64_t queries = 0;                             // instructions: questions asked
  std::uint64_t negative_queries = 0;                    // instructions: questions answered []
  std::size_t bad_records = 0;                           // skipped with a warning
  std::map<std::string, std::size_t> skipped_by_status;  // annotations: e.g. {"failed": 12}
  std::vector<TypeCount> types;                          // most frequent first, ties by name
  std::vector<FrequencyTier> tiers;
};

// Reads `path` ("-" = stdin). Throws InputError for an unreadable or malformed file (and, when
// strict, for a bad record; otherwise bad records are skipped through callbacks.warning).
DatasetStats compute_stats(const std::string& path, const StatsOptions& options,
                           const DataCallbacks& callbacks = {});

// The three tiers over `types` (sorted most frequent first): the top 1% of types (at least one
// type when there is any), the types up to the top 10%, the rest; counts of types are rounded
// down (13,020 types: 130 / 1,172 / 11,718, as on the project page).
std::vector<FrequencyTier> frequency_tiers(const std::vector<TypeCount>& types,
                                           std::size_t examples);

// {"kind", "records", "passages", "mentions", "distinct_types", "queries", "negative_queries",
//  "bad_records", "skipped": {status: n}, "tiers": [{"name", "types", "mentions", "share",
//  "examples"}], "top_types": [{"type", "mentions"}] (at most 20)}
// As JSON text, indented by `indent` spaces (-1: one line).
std::string stats_json(const DatasetStats& stats, int indent = 2);

// A short report with the tier table; shares in percent.
std::string stats_table(const DatasetStats& stats);

}  // namespace uniner

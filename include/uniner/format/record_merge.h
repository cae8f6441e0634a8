// Joining the outputs of sharded jobs (`extract --shard K/N`, or any JSON Lines files of records
// with an "id": extract records, annotate records, predictions) into one file.
//
// Rules: every non-blank line of every input must be a JSON object with an "id" and end with a
// newline (a last line without one is a job that did not finish: InputError). A record whose id
// already came from another input must be byte-identical to it (the same shard given twice, or
// re-run) and is written once; different content is an InputError naming both places. Within one
// input an id may repeat (the original input repeated it): each occurrence is kept.
// Order: without `order_by`, the inputs in the order given, each in its own order; with it, the
// order of the passages in that input (plain text: one per non-blank line, the id is the line
// number; JSON Lines: the "id" field, else the line number), the k-th record of an id going to
// the id's k-th occurrence. Records of ids that are not in `order_by` are an InputError; passages
// without a record are counted in `missing`. Nothing is written when an InputError is thrown.
// Records are held in memory while merging.
//
// Ownership: `out` is borrowed for the call; merge_records writes to it but does not check it:
// flush and test the stream. Errors: InputError ("file:line: reason") as above and for an input
// that cannot be opened; Error on a read error.
//
//   uniner::MergeOptions o;
//   o.order_by = "passages.jsonl";  // optional: restore the order of the original input
//   auto out = uniner::open_output("all.jsonl");  // records.h
//   auto report = uniner::merge_records({"s0.jsonl", "s1.jsonl", "s2.jsonl"}, *out, o);
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "uniner/format/passage_reader.h"

namespace uniner {

struct MergeOptions {
  std::string order_by;                               // passages file giving the order; "" = none
  PassageFormat order_format = PassageFormat::kAuto;  // its format (as `extract --format`)
};

struct MergeReport {
  std::size_t written = 0;     // records written
  std::size_t duplicates = 0;  // identical records met again in another input, written once
  std::size_t missing = 0;     // passages of `order_by` without a record
  std::string first_missing;   // the id of the first of them
};

MergeReport merge_records(const std::vector<std::string>& inputs, std::ostream& out,
                          const MergeOptions& options = {});

}  // namespace uniner

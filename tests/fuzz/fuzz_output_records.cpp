// The readers of uniner's own outputs, which a resumed job or `merge` reads back: extract records
// (and the resume scan), annotation records, and merging shard files. A record that parses must
// survive a write and a second read unchanged.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_util.h"
#include "uniner/error.h"
#include "uniner/format/annotated_passage.h"
#include "uniner/format/extract_record.h"
#include "uniner/format/record_merge.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream lines(text);
  std::size_t number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    try {
      const ExtractRecord r = parse_extract_record(line, "fuzz", number);
      FUZZ_CHECK(parse_extract_record(to_json_line(r), "again", 1) == r);
    } catch (const InputError&) {
    }
    try {
      const AnnotationRecord r = parse_annotation_record(line, "fuzz", number);
      const std::string once = to_json_line(r);
      FUZZ_CHECK(to_json_line(parse_annotation_record(once, "again", 1)) == once);
    } catch (const InputError&) {
    }
  }
  const std::string path = fuzz::temp_file(text, ".jsonl");
  try {
    const ExtractOutputScan scan = scan_extract_output(path);
    FUZZ_CHECK(scan.complete_bytes + scan.torn_bytes == size);
  } catch (const InputError&) {
  }
  try {
    std::ostringstream out;
    const MergeReport report = merge_records({path}, out, {});
    FUZZ_CHECK(report.written <= number);
  } catch (const InputError&) {
  }
  return 0;
}

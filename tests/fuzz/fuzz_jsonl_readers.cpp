// The JSON Lines readers: the generic record stream (format/jsonl_io), annotation records,
// passages to extract from (format/passage_reader, auto-detected) and dataset statistics.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "format/annotated_passage_json.h"
#include "format/json_records.h"
#include "fuzz_util.h"
#include "uniner/data/dataset_stats.h"
#include "uniner/error.h"
#include "uniner/format/passage_reader.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  {
    std::istringstream in(text);
    std::size_t warnings = 0;
    const std::size_t bad = for_each_jsonl_record(
        in, "fuzz", /*strict=*/false,
        [&](nlohmann::json& record, std::size_t line) {
          FUZZ_CHECK(record.is_object() && line >= 1);
          const AnnotatedPassage p = annotated_passage_from_json(record, "fuzz", line);
          FUZZ_CHECK(fuzz::valid_utf8(p.text));
        },
        [&](const std::string&) { ++warnings; });
    FUZZ_CHECK(bad == warnings);
  }
  const std::string path = fuzz::temp_file(text, ".txt");
  {
    PassageReader reader(path, PassageFormat::kAuto, {"person"});
    PassageInput p;
    std::string problem;
    while (reader.next(p, problem)) {
      if (!problem.empty()) continue;
      FUZZ_CHECK(fuzz::valid_utf8(p.text) && !p.types.empty());
    }
  }
  for (bool strict : {false, true}) {
    StatsOptions o;
    o.strict = strict;
    try {
      const DatasetStats s = compute_stats(path, o, {});
      FUZZ_CHECK(s.passages <= s.records);
    } catch (const InputError&) {
    }
  }
  return 0;
}

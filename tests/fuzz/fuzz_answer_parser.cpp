// The official and lenient answer parsers (format/answer_parser) and what eval does with them.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_util.h"
#include "uniner/eval/metric.h"
#include "uniner/format/answer_parser.h"
#include "uniner/text/normalize.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view answer(reinterpret_cast<const char*>(data), size);
  for (ParserMode mode : {ParserMode::kOfficial, ParserMode::kLenient}) {
    const auto items = parse_answer(answer, mode);
    FUZZ_CHECK(std::set<std::string>(items.begin(), items.end()).size() == items.size());
    if (mode == ParserMode::kOfficial) {
      for (const auto& item : items) FUZZ_CHECK(fuzz::valid_utf8(item));  // JSON strings
    }
    const auto normalized = parse_answer_normalized(answer, mode);
    FUZZ_CHECK(std::set<std::string>(normalized.begin(), normalized.end()).size() ==
               normalized.size());
    for (const auto& item : normalized) {
      FUZZ_CHECK(fuzz::valid_utf8(item));
      FUZZ_CHECK(normalize_answer(item) == item);  // normalization is idempotent
    }
    // The answer scored against itself: every item is correct.
    const Counts c = official_counts(answer, answer, mode);
    FUZZ_CHECK(c.correct == c.predicted && c.predicted == c.gold);
    FUZZ_CHECK(c.predicted == normalized.size());
  }
  return 0;
}

// The teacher-output parser (data/teacher_output) and locating its entities in a passage.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "fuzz_util.h"
#include "uniner/data/teacher_output.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view answer(reinterpret_cast<const char*>(data), size);
  const TeacherOutput out = parse_teacher_output(answer);
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& e : out.entities) {
    FUZZ_CHECK(!e.entity.empty() && !e.type.empty());
    FUZZ_CHECK(pairs.emplace(e.entity, e.type).second);  // no duplicate pair
  }
  if (!out.parsed) FUZZ_CHECK(out.entities.empty());
  // The answer as its own passage: the located entities are a subset, indices in range.
  const auto unlocated = find_unlocated(answer, out.entities);
  for (std::size_t k = 0; k < unlocated.size(); ++k) {
    FUZZ_CHECK(unlocated[k] < out.entities.size());
    if (k) FUZZ_CHECK(unlocated[k] > unlocated[k - 1]);
  }
  return 0;
}

// The spans JSON Lines reader (data/spans_reader), through its public function on a temporary file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "uniner/error.h"
#include "uniner/format/labeled_data.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      fuzz::temp_file(std::string_view(reinterpret_cast<const char*>(data), size), ".jsonl");
  std::size_t bad = 0;
  const auto sentences = read_spans_jsonl(path, /*strict=*/false, {}, &bad);
  for (const auto& s : sentences) {
    FUZZ_CHECK(fuzz::valid_utf8(s.text));
    const std::size_t n = count_code_points(s.text);
    for (const auto& e : s.entities) FUZZ_CHECK(e.start < e.end && e.end <= n);
  }
  try {
    read_spans_jsonl(path, /*strict=*/true);
  } catch (const InputError&) {
  }
  return 0;
}

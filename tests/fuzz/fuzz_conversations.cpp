// The benchmark/instruction JSON reader (format/conversation_io): JSON arrays of conversation
// records or JSON Lines of them, streamed with the bad-record policy, and the benchmark view.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "format/json_records.h"
#include "fuzz_util.h"
#include "uniner/error.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"

using namespace uniner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (bool strict : {false, true}) {
    std::istringstream in(text);
    std::size_t records = 0, warnings = 0;
    try {
      const std::size_t bad = for_each_conversation(
          in, "fuzz", strict,
          [&](ConversationRecord&& r, std::size_t, std::size_t line) {
            ++records;
            FUZZ_CHECK(line >= 1);
            try {
              const BenchmarkRecord b = to_benchmark_record(r, "fuzz");
              FUZZ_CHECK(b.id == r.id);
              std::string type;
              FUZZ_CHECK(parse_type_question(r.conversations[2].value, type) && type == b.type);
            } catch (const InputError&) {
            }
          },
          [&](const std::string& message) {
            ++warnings;
            FUZZ_CHECK(message.rfind("fuzz:", 0) == 0);  // names the source
          });
      FUZZ_CHECK(bad == warnings);
      if (strict) FUZZ_CHECK(bad == 0);
    } catch (const InputError& e) {
      FUZZ_CHECK(std::string(e.what()).rfind("fuzz", 0) == 0);
    }
    (void)records;
  }
  return 0;
}

#include "data/record_reader.h"

#include <istream>
#include <nlohmann/json.hpp>

#include "uniner/error.h"
#include "uniner/utf8.h"

namespace uniner {

std::size_t for_each_jsonl_record(std::istream& in, const std::string& source, bool strict,
                                  const RecordFn& fn, const WarningFn& warning) {
  std::size_t bad = 0;
  std::size_t line = 0;
  std::string text;
  const auto reject = [&](const InputError& e) {
    if (strict) throw e;
    ++bad;
    if (warning) warning(e.what());
  };
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      if (auto problem = find_invalid_utf8(text)) {
        throw InputError(where(source, line,
                               std::string("invalid UTF-8 at byte ") +
                                   std::to_string(problem->byte_offset) +
                                   " of the line: " + problem->reason));
      }
      nlohmann::json record;
      try {
        record = nlohmann::json::parse(text);
      } catch (const nlohmann::json::parse_error& e) {
        throw InputError(where(source, line, std::string("invalid JSON: ") + e.what()));
      }
      if (!record.is_object()) throw InputError(where(source, line, "expected a JSON object"));
      fn(record, line);
    } catch (const InputError& e) {
      reject(e);
    }
  }
  if (in.bad()) throw Error(source + ": read error");
  return bad;
}

char first_significant_char(std::istream& in) {
  for (;;) {
    const int c = in.peek();
    if (c == std::char_traits<char>::eof()) {
      in.clear();
      return '\0';
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return static_cast<char>(c);
    in.get();
  }
}

}  // namespace uniner

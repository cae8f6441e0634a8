#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "format/json_records.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {

using nlohmann::json;

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
      json record;
      try {
        record = json::parse(text);
      } catch (const json::parse_error& e) {
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

void read_jsonl(const std::string& path, const RecordFn& fn) {
  auto in = open_input(path);
  for_each_jsonl_record(*in, path, /*strict=*/true, fn, nullptr);
}

std::vector<Prediction> read_predictions(const std::string& path) {
  std::vector<Prediction> out;
  read_jsonl(path, [&](json& j, std::size_t line) {
    Prediction p;
    p.id = id_of(j, path, line);
    auto pred = j.find("prediction");
    if (pred == j.end() || !pred->is_string()) {
      throw InputError(where(path, line, "missing string 'prediction'"));
    }
    p.prediction = pred->get<std::string>();
    p.line = line;
    out.push_back(std::move(p));
  });
  return out;
}

void write_prediction(std::ostream& out, const std::string& id, const std::string& prediction) {
  out << json{{"id", id}, {"prediction", prediction}}.dump(-1, ' ', false,
                                                           json::error_handler_t::replace)
      << '\n';
}

}  // namespace uniner

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "uniner/error.h"
#include "uniner/records.h"
#include "uniner/utf8.h"

namespace uniner {

using nlohmann::json;

void read_jsonl(const std::string& path, const std::function<void(json&, std::size_t)>& fn) {
  auto in = open_input(path);
  std::string text;
  std::size_t line = 0;
  while (std::getline(*in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    if (auto bad = find_invalid_utf8(text)) {
      throw InputError(where(path, line, "invalid UTF-8 at byte " +
                                             std::to_string(bad->byte_offset) + " of the line: " +
                                             bad->reason));
    }
    json j;
    try {
      j = json::parse(text);
    } catch (const json::parse_error& e) {
      throw InputError(where(path, line, std::string("invalid JSON: ") + e.what()));
    }
    if (!j.is_object()) throw InputError(where(path, line, "expected a JSON object"));
    fn(j, line);
  }
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
  out << json{{"id", id}, {"prediction", prediction}}.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace uniner

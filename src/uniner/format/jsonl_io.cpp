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

bool skip_utf8_bom(std::istream& in) {
  static constexpr char kBom[] = "\xEF\xBB\xBF";
  if (in.peek() != static_cast<unsigned char>(kBom[0])) {
    in.clear();
    return false;
  }
  in.get();
  for (int k = 1; k < 3; ++k) {
    if (in.peek() != static_cast<unsigned char>(kBom[k])) {
      // Not a BOM after all: put back what was taken (a stream of invalid UTF-8 then).
      for (int b = k - 1; b >= 0; --b) in.putback(kBom[b]);
      in.clear();
      return false;
    }
    in.get();
  }
  return true;
}

JsonLayout json_layout_of(char first_significant) {
  switch (first_significant) {
    case '\0':
      return JsonLayout::kEmpty;
    case '[':
      return JsonLayout::kArray;
    case '{':
      return JsonLayout::kLines;
    default:
      return JsonLayout::kOther;
  }
}

JsonLayout detect_json_layout(std::istream& in, std::size_t& lines_consumed) {
  skip_utf8_bom(in);
  lines_consumed = 0;
  for (;;) {
    const int c = in.peek();
    if (c == std::char_traits<char>::eof()) {
      in.clear();
      return JsonLayout::kEmpty;
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return json_layout_of(static_cast<char>(c));
    }
    lines_consumed += c == '\n';
    in.get();
  }
}

bool json_nesting_exceeds(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

json parse_json_value(std::string_view text, const std::string& source, std::size_t line) {
  if (json_nesting_exceeds(text)) {
    throw InputError(
        where(source, line,
              "invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"));
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, out_of_range (1e999), ...
    throw InputError(where(source, line, std::string("invalid JSON: ") + e.what()));
  }
}

std::size_t for_each_jsonl_record(std::istream& in, const std::string& source, bool strict,
                                  const RecordFn& fn, const WarningFn& warning,
                                  std::size_t lines_before) {
  std::size_t bad = 0;
  std::size_t line = lines_before;
  std::string text;
  const auto reject = [&](const InputError& e) {
    if (strict) throw e;
    ++bad;
    if (warning) warning(e.what());
  };
  if (line == 0) skip_utf8_bom(in);
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
      json record = parse_json_value(text, source, line);
      if (!record.is_object()) throw InputError(where(source, line, "expected a JSON object"));
      try {
        fn(record, line);
      } catch (const json::exception& e) {  // a field of an unexpected JSON type, say
        throw InputError(where(source, line, std::string("bad record: ") + e.what()));
      }
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

bool looks_like_torn_record(std::string_view line) {
  if (line.find_first_not_of('\0') == std::string_view::npos) return true;
  static constexpr std::string_view kStart = R"({"id":)";
  std::size_t k = 0;
  for (char c : line) {  // spaces between the tokens are allowed (`{"id": ...` or `{ "id" : ...`)
    if (k == kStart.size()) break;
    if (c == ' ' && k > 0) continue;
    if (c != kStart[k]) return false;
    ++k;
  }
  return true;
}

}  // namespace uniner

#include <istream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>

#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using nlohmann::json;

// An input iterator over a stream that counts lines, so errors can name the line they are on.
class LineCountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  LineCountingIterator() = default;
  LineCountingIterator(std::istreambuf_iterator<char> it, std::size_t* line)
      : it_(it), line_(line) {}

  char operator*() const { return *it_; }
  LineCountingIterator& operator++() {
    if (*it_ == '\n') ++*line_;
    ++it_;
    return *this;
  }
  LineCountingIterator operator++(int) {
    auto copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const LineCountingIterator& other) const { return it_ == other.it_; }
  bool operator!=(const LineCountingIterator& other) const { return it_ != other.it_; }

 private:
  std::istreambuf_iterator<char> it_;
  std::size_t* line_ = nullptr;
};

ConversationRecord record_from_json(json& j, const std::string& path, std::size_t line,
                                    std::size_t index) {
  const std::string at = "record " + std::to_string(index);
  if (!j.is_object()) throw InputError(where(path, line, at + ": expected an object"));
  ConversationRecord r;
  r.id = id_of(j, path, line);
  auto conv = j.find("conversations");
  if (conv == j.end() || !conv->is_array()) {
    throw InputError(where(path, line, at + " (id " + r.id + "): missing 'conversations' array"));
  }
  for (auto& t : *conv) {
    auto from = t.find("from");
    auto value = t.find("value");
    if (!t.is_object() || from == t.end() || value == t.end() || !from->is_string() ||
        !value->is_string()) {
      throw InputError(
          where(path, line, at + " (id " + r.id + "): each turn needs string 'from' and 'value'"));
    }
    r.conversations.push_back({from->get<std::string>(), value->get<std::string>()});
  }
  return r;
}

}  // namespace

std::string id_of(const json& record, const std::string& source, std::size_t line) {
  auto id = record.find("id");
  if (id == record.end()) throw InputError(where(source, line, "missing 'id'"));
  if (id->is_string()) return id->get<std::string>();
  if (id->is_number()) return id->dump();
  throw InputError(where(source, line, "'id' must be a string or a number"));
}

std::size_t for_each_conversation(std::istream& in, const std::string& source, bool strict,
                                  const ConversationFn& fn, const WarningFn& warning) {
  std::size_t lines_consumed = 0;
  const JsonLayout layout = detect_json_layout(in, lines_consumed);
  std::size_t index = 0;
  if (layout != JsonLayout::kArray) {
    return for_each_jsonl_record(
        in, source, strict,
        [&](json& j, std::size_t line) {
          const std::size_t i = index++;
          fn(record_from_json(j, source, line, i), i, line);
        },
        warning, lines_consumed);
  }
  std::size_t line = 1 + lines_consumed;
  std::size_t bad = 0;
  bool too_deep = false;  // the current record nests deeper than kMaxJsonDepth
  const auto reject = [&](const InputError& e) {
    if (strict) throw e;
    ++bad;
    if (warning) warning(e.what());
  };
  const auto record_at = [&] { return "record " + std::to_string(index); };
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
    using Event = json::parse_event_t;
    if (depth == 0) return true;  // the array of records (detect_json_layout saw its '[')
    const bool opens = event == Event::object_start || event == Event::array_start;
    if (depth == 1 && (event == Event::value || event == Event::array_start)) {
      // A record that is a number, a string, an array...: bad, and never kept.
      reject(InputError(where(source, line, record_at() + ": expected an object")));
      ++index;
      return false;
    }
    if (depth == 1 && event == Event::object_start) too_deep = false;
    if (opens && static_cast<std::size_t>(depth) >= kMaxJsonDepth) {
      too_deep = true;
      return false;  // the subtree is skipped, not built
    }
    if (depth == 1 && event == Event::object_end) {
      const std::size_t i = index++;
      try {
        if (too_deep) {
          throw InputError(where(
              source, line,
              record_at() + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"));
        }
        fn(record_from_json(parsed, source, line, i), i, line);
      } catch (const InputError& e) {
        reject(e);
      } catch (const json::exception& e) {
        reject(InputError(where(source, line, "record " + std::to_string(i) + ": " + e.what())));
      }
      return false;  // discard: the DOM never holds more than one record
    }
    return true;
  };
  try {
    LineCountingIterator begin(std::istreambuf_iterator<char>(in), &line), end;
    const json rest = json::parse(begin, end, callback);  // records were handed to fn
    (void)rest;
  } catch (const json::exception& e) {
    // parse_error or out_of_range (a number overflowing a double): the array cannot be resumed.
    // e.what() carries the reason and the byte; add the line.
    throw InputError(where(source, line, std::string("invalid JSON: ") + e.what()));
  }
  return bad;
}

void read_conversations(const std::string& path,
                        const std::function<void(ConversationRecord&&, std::size_t)>& fn) {
  auto in = open_input(path);
  for_each_conversation(
      *in, path, /*strict=*/true,
      [&](ConversationRecord&& r, std::size_t index, std::size_t) { fn(std::move(r), index); },
      nullptr);
}

BenchmarkRecord to_benchmark_record(const ConversationRecord& r, const std::string& source) {
  const auto bad = [&](const std::string& why) {
    return InputError(source + ": record id " + r.id + ": " + why);
  };
  if (r.conversations.size() < 4) throw bad("expected 4 turns (text, reply, question, answer)");
  BenchmarkRecord b;
  b.id = r.id;
  if (!parse_text_turn(r.conversations[0].value, b.text)) {
    throw bad("turn 0 does not start with 'Text: '");
  }
  if (!parse_type_question(r.conversations[2].value, b.type)) {
    throw bad("turn 2 is not 'What describes <type> in the text?'");
  }
  b.gold = r.conversations[3].value;
  return b;
}

std::vector<BenchmarkRecord> read_benchmark(const std::string& path) {
  std::vector<BenchmarkRecord> out;
  read_conversations(path, [&](ConversationRecord&& r, std::size_t) {
    out.push_back(to_benchmark_record(r, path));
  });
  return out;
}

nlohmann::ordered_json to_json(const ConversationRecord& record) {
  nlohmann::ordered_json turns = nlohmann::ordered_json::array();
  for (const auto& t : record.conversations)
    turns.push_back({{"from", t.from}, {"value", t.value}});
  return nlohmann::ordered_json{{"id", record.id}, {"conversations", std::move(turns)}};
}

ConversationWriter::ConversationWriter(std::ostream& out) : out_(out) {}

ConversationWriter::~ConversationWriter() {
  if (!finished_) {
    try {
      finish();
    } catch (...) {
    }
  }
}

void ConversationWriter::write(const ConversationRecord& record) {
  out_ << (first_ ? "[\n" : ",\n")
       << to_json(record).dump(-1, ' ', false, json::error_handler_t::replace);
  first_ = false;
}

void ConversationWriter::finish() {
  out_ << (first_ ? "[]\n" : "\n]\n");
  out_.flush();
  finished_ = true;
}

}  // namespace uniner

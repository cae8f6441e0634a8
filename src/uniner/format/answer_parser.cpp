#include "uniner/format/answer_parser.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "format/json_records.h"
#include "format/literal_text.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/text/normalize.h"

namespace uniner {
namespace {

// Items in first-occurrence order without duplicates, in linear time.
class UniqueItems {
 public:
  void push(std::string item) {
    if (seen_.insert(item).second) items_.push_back(std::move(item));
  }
  std::vector<std::string> take() { return std::move(items_); }

 private:
  std::vector<std::string> items_;
  std::unordered_set<std::string> seen_;
};

// re.match(r'\[(.*?)\]', s) then json.loads, then "every element is a str".
std::vector<std::string> parse_official(std::string_view answer) {
  std::string_view match = "[]";
  if (!answer.empty() && answer.front() == '[') {
    const std::size_t close = answer.find_first_of("]\n", 1);
    if (close != std::string_view::npos && answer[close] == ']')
      match = answer.substr(0, close + 1);
  }
  // Deeper nesting would hold a non-string element (or exceed Python's recursion limit): [].
  if (json_nesting_exceeds(match)) return {};
  const auto json = nlohmann::json::parse(match, nullptr, /*allow_exceptions=*/false);
  UniqueItems items;
  if (!json.is_array()) return {};
  for (const auto& element : json) {
    if (!element.is_string()) return {};  // normalize_answer() raises on it in the original
    items.push(element.get<std::string>());
  }
  return items.take();
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class LenientScanner {
 public:
  explicit LenientScanner(std::string_view s) : s_(s) {}

  std::vector<std::string> run() {
    const std::size_t open = s_.find('[');
    if (open == std::string_view::npos) return {};
    pos_ = open + 1;
    list();
    return items_.take();
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }

  bool closes_string(std::size_t after_quote) const {
    std::size_t k = after_quote;
    while (k < s_.size() && is_space(s_[k])) ++k;
    return k == s_.size() || s_[k] == ',' || s_[k] == ']' || s_[k] == ')';
  }

  // Reads elements until the list opened before pos_ closes (or the text ends). Nested lists
  // and tuples are flattened: any ']' or ')' closes the innermost one, so a depth counter is all
  // the state nesting needs (no recursion: a million '[' is an answer, not a stack overflow).
  void list() {
    std::size_t depth = 1;
    while (true) {
      skip_space();
      if (pos_ >= s_.size()) return;
      const char c = s_[pos_];
      if (c == ']' || c == ')') {
        ++pos_;
        if (--depth == 0) return;
        continue;
      }
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '"' || c == '\'') {
        string(c);
      } else if (c == '[' || c == '(') {
        ++pos_;
        ++depth;
      } else {
        bare();
      }
    }
  }

  void string(char quote) {
    std::string out;
    std::size_t k = pos_ + 1;
    while (k < s_.size()) {
      const char c = s_[k];
      if (c == '\\' && k + 1 < s_.size()) {
        k = decode_escape(s_, k + 1, out);
        continue;
      }
      if (c == quote && closes_string(k + 1)) {
        pos_ = k + 1;
        keep(std::move(out));
        return;
      }
      out.push_back(c);
      ++k;
    }
    pos_ = s_.size();  // truncated string: dropped
  }

  void bare() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != ']' && s_[pos_] != ')') ++pos_;
    std::string_view word = s_.substr(start, pos_ - start);
    while (!word.empty() && is_space(word.back())) word.remove_suffix(1);
    if (word == "null" || word == "None") return;
    keep(std::string(word));
  }

  void keep(std::string item) {
    std::size_t a = 0, b = item.size();
    while (a < b && is_space(item[a])) ++a;
    while (b > a && is_space(item[b - 1])) --b;
    if (a == b) return;
    items_.push(item.substr(a, b - a));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  UniqueItems items_;
};

}  // namespace

std::vector<std::string> parse_answer(std::string_view answer, ParserMode mode) {
  if (mode == ParserMode::kOfficial) return parse_official(answer);
  std::string_view body = answer;
  code_fence_body(answer, body);  // rule 1: only a fence's content is read
  return LenientScanner(body).run();
}

std::vector<std::string> parse_answer_normalized(std::string_view answer, ParserMode mode) {
  UniqueItems out;
  for (const auto& item : parse_answer(answer, mode)) {
    if (find_invalid_utf8(item)) continue;  // a \u escape of a lone surrogate, say
    out.push(normalize_answer(item));
  }
  return out.take();
}

}  // namespace uniner

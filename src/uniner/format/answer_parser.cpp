#include "uniner/answer_parser.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "uniner/error.h"
#include "uniner/normalize.h"
#include "uniner/utf8.h"

namespace uniner {
namespace {

void push_unique(std::vector<std::string>& items, std::string item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(std::move(item));
}

// re.match(r'\[(.*?)\]', s) then json.loads, then "every element is a str".
std::vector<std::string> parse_official(std::string_view answer) {
  std::string_view match = "[]";
  if (!answer.empty() && answer.front() == '[') {
    const std::size_t close = answer.find_first_of("]\n", 1);
    if (close != std::string_view::npos && answer[close] == ']') match = answer.substr(0, close + 1);
  }
  const auto json = nlohmann::json::parse(match, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> items;
  if (!json.is_array()) return items;
  for (const auto& element : json) {
    if (!element.is_string()) return {};  // normalize_answer() raises on it in the original
    push_unique(items, element.get<std::string>());
  }
  return items;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class LenientScanner {
 public:
  explicit LenientScanner(std::string_view s) : s_(s) {}

  std::vector<std::string> run() {
    const std::size_t open = s_.find('[');
    if (open == std::string_view::npos) return {};
    pos_ = open + 1;
    list(']');
    return std::move(items_);
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

  // Reads elements until `close` (or the end of the text).
  void list(char close) {
    while (true) {
      skip_space();
      if (pos_ >= s_.size()) return;
      const char c = s_[pos_];
      if (c == close || c == ']' || c == ')') {
        ++pos_;
        return;
      }
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '"' || c == '\'') {
        string(c);
      } else if (c == '[' || c == '(') {
        ++pos_;
        list(c == '[' ? ']' : ')');
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
        k = escape(k + 1, out);
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

  // Decodes the escape whose letter is at s_[k]; returns the index after it.
  std::size_t escape(std::size_t k, std::string& out) {
    const char e = s_[k];
    switch (e) {
      case 'n': out.push_back('\n'); return k + 1;
      case 't': out.push_back('\t'); return k + 1;
      case 'r': out.push_back('\r'); return k + 1;
      case 'b': out.push_back('\b'); return k + 1;
      case 'f': out.push_back('\f'); return k + 1;
      case 'u': {
        char32_t cp = 0;
        std::size_t j = k + 1;
        if (!hex4(j, cp)) break;
        j += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && j + 1 < s_.size() && s_[j] == '\\' && s_[j + 1] == 'u') {
          char32_t lo = 0;
          if (hex4(j + 2, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            j += 6;
          }
        }
        append_utf8(out, (cp >= 0xD800 && cp <= 0xDFFF) ? char32_t{0xFFFD} : cp);
        return j;
      }
      default: break;
    }
    out.push_back(e);  // \" \' \\ \/ and unknown escapes: the character itself
    return k + 1;
  }

  bool hex4(std::size_t j, char32_t& cp) const {
    if (j + 4 > s_.size()) return false;
    cp = 0;
    for (std::size_t i = j; i < j + 4; ++i) {
      const char h = s_[i];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<char32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<char32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<char32_t>(h - 'A' + 10);
      else return false;
    }
    return true;
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
    push_unique(items_, item.substr(a, b - a));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<std::string> items_;
};

std::string_view strip_code_fence(std::string_view s) {
  const std::size_t fence = s.find("```");
  if (fence == std::string_view::npos) return s;
  std::size_t body = s.find('\n', fence);
  if (body == std::string_view::npos) return s.substr(fence + 3);
  ++body;
  const std::size_t end = s.find("```", body);
  return s.substr(body, end == std::string_view::npos ? std::string_view::npos : end - body);
}

}  // namespace

ParserMode parse_parser_mode(std::string_view name) {
  if (name == "official") return ParserMode::kOfficial;
  if (name == "lenient") return ParserMode::kLenient;
  throw InputError("--parser: expected 'official' or 'lenient', got '" + std::string(name) + "'");
}

std::vector<std::string> parse_answer(std::string_view answer, ParserMode mode) {
  if (mode == ParserMode::kOfficial) return parse_official(answer);
  return LenientScanner(strip_code_fence(answer)).run();
}

std::vector<std::string> parse_answer_normalized(std::string_view answer, ParserMode mode) {
  std::vector<std::string> out;
  for (const auto& item : parse_answer(answer, mode)) {
    if (find_invalid_utf8(item)) continue;  // a \u escape of a lone surrogate, say
    push_unique(out, normalize_answer(item));
  }
  return out;
}

}  // namespace uniner

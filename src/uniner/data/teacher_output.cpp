#include "uniner/data/teacher_output.h"

#include <algorithm>
#include <unordered_set>

#include "format/literal_text.h"
#include "text/utf8.h"
#include "uniner/text/locate.h"
#include "uniner/text/normalize.h"

namespace uniner {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_quote(char c) {
  return c == '"' || c == '\'';
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && is_blank(s[a])) ++a;
  while (b > a && is_blank(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

// A member as kept: trimmed of Unicode whitespace (str.strip()) when it is valid UTF-8, so that a
// member of only U+3000 or U+00A0 is empty; of ASCII whitespace otherwise.
std::string strip_member(std::string_view s) {
  std::string t = trim(s);
  return find_invalid_utf8(t) ? t : python_strip(t);
}

// Numbering ("1.", "2)"), bullets and "..." between list elements: noise, not an element.
bool is_filler(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '*' || c == '#' || is_blank(c);
  });
}

// Thrown inside the scanner when the text ends in the middle of an element.
struct Truncated {};

class TupleScanner {
 public:
  explicit TupleScanner(std::string_view s) : s_(s) {}

  TeacherOutput run() {
    bool bracketless = false;
    const std::size_t start = find_start(bracketless);
    if (start == kNpos) return std::move(out_);
    out_.parsed = true;
    pos_ = start;
    try {
      if (bracketless) {
        tuples_anywhere();
      } else {
        ++pos_;
        list();
      }
    } catch (const Truncated&) {
      ++out_.truncated;
    }
    return std::move(out_);
  }

 private:
  std::size_t next_nonblank(std::size_t k) const {
    while (k < s_.size() && is_blank(s_[k])) ++k;
    return k;
  }

  // Where the list (or the first bracketless tuple) begins; kNpos when there is none.
  std::size_t find_start(bool& bracketless) const {
    for (std::size_t i = 0; i < s_.size(); ++i) {
      if (s_[i] != '[' && s_[i] != '(') continue;
      const std::size_t j = next_nonblank(i + 1);
      if (s_[i] == '[') {
        if (j == s_.size()) return i;  // "[" and nothing else: an empty, truncated list
        const char c = s_[j];
        if (c == '(' || c == '[' || c == '{' || c == ']' || is_quote(c)) return i;
      } else if (j < s_.size() && (is_quote(s_[j]) || starts_prefixed_string(j))) {
        bracketless = true;
        return i;
      }
    }
    return kNpos;
  }

  // u'..', r"..", b'..': Python string prefixes.
  bool starts_prefixed_string(std::size_t k) const {
    const char c = s_[k];
    return (c == 'u' || c == 'r' || c == 'b' || c == 'U' || c == 'R' || c == 'B') &&
           k + 1 < s_.size() && is_quote(s_[k + 1]);
  }

  // Elements of a '[' list until its ']' or the end of the text.
  void list() {
    while (true) {
      while (pos_ < s_.size() && (is_blank(s_[pos_]) || s_[pos_] == ',')) ++pos_;
      if (pos_ >= s_.size()) return;  // missing ']': the list ends with the text
      const char c = s_[pos_];
      if (c == ']') {
        ++pos_;
        return;
      }
      if (c == '(' || c == '[') {
        tuple();
      } else if (c == '{') {
        skip_nested();
        ++out_.not_pairs;
      } else if (is_quote(c) || starts_prefixed_string(pos_)) {
        string();
        ++out_.not_pairs;
      } else if (c == ')' || c == '}') {
        ++pos_;  // a stray closer
      } else {
        const std::size_t begin = pos_;
        while (pos_ < s_.size() && std::string_view(",[](){}\n").find(s_[pos_]) == kNpos &&
               !is_quote(s_[pos_])) {
          ++pos_;
        }
        if (!is_filler(s_.substr(begin, pos_ - begin))) ++out_.not_pairs;
      }
    }
  }

  // Tuples without an enclosing list: each '(' followed by a quote, whatever lies between.
  void tuples_anywhere() {
    while (true) {
      tuple();
      std::size_t next = kNpos;
      for (std::size_t i = pos_; i < s_.size(); ++i) {
        if (s_[i] != '(') continue;
        const std::size_t j = next_nonblank(i + 1);
        if (j < s_.size() && (is_quote(s_[j]) || starts_prefixed_string(j))) {
          next = i;
          break;
        }
      }
      if (next == kNpos) return;
      pos_ = next;
    }
  }

  // A tuple opened by '(' or '[' at pos_.
  void tuple() {
    ++pos_;
    std::vector<std::string> members;
    bool bad = false;
    while (true) {
      pos_ = next_nonblank(pos_);
      if (pos_ >= s_.size()) throw Truncated{};
      const char c = s_[pos_];
      if (c == ')' || c == ']') {
        ++pos_;
        break;
      }
      if (c == ',') {
        ++pos_;
      } else if (is_quote(c) || starts_prefixed_string(pos_)) {
        members.push_back(string());
      } else if (c == '(' || c == '[' || c == '{') {
        skip_nested();
        bad = true;
        members.emplace_back();
      } else {
        const std::size_t begin = pos_;
        while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != ')' && s_[pos_] != ']') ++pos_;
        if (pos_ >= s_.size()) throw Truncated{};
        std::string word = trim(s_.substr(begin, pos_ - begin));
        if (word == "None" || word == "null") bad = true;
        members.push_back(std::move(word));
      }
    }
    if (bad || members.size() != 2) {
      ++out_.not_pairs;
      return;
    }
    TeacherEntity e{strip_member(members[0]), strip_member(members[1])};
    if (e.entity.empty() || e.type.empty()) {
      ++out_.empty;
    } else if (!seen_.insert(std::to_string(e.entity.size()) + ':' + e.entity + e.type).second) {
      ++out_.duplicates;
    } else {
      out_.entities.push_back(std::move(e));
    }
  }

  bool closes_string(std::size_t after_quote) const {
    const std::size_t k = next_nonblank(after_quote);
    return k == s_.size() || s_[k] == ',' || s_[k] == ')' || s_[k] == ']' || s_[k] == '}' ||
           s_[k] == ':';
  }

  // A quoted string at pos_ (with an optional Python prefix); returns its decoded value.
  std::string string() {
    bool raw = false;
    if (!is_quote(s_[pos_])) {
      raw = s_[pos_] == 'r' || s_[pos_] == 'R';
      ++pos_;
    }
    const char quote = s_[pos_];
    std::string out;
    std::size_t k = pos_ + 1;
    while (k < s_.size()) {
      const char c = s_[k];
      if (c == '\\') {
        if (k + 1 >= s_.size()) break;
        if (raw) {
          out.push_back(c);
          out.push_back(s_[k + 1]);
          k += 2;
        } else {
          k = decode_escape(s_, k + 1, out);
        }
        continue;
      }
      if (c == quote && closes_string(k + 1)) {
        pos_ = k + 1;
        return out;
      }
      out.push_back(c);
      ++k;
    }
    throw Truncated{};
  }

  // A bracketed structure at pos_ ('(' '[' or '{'), skipped whole, strings included.
  void skip_nested() {
    int depth = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (is_quote(c)) {
        string();
        continue;
      }
      ++pos_;
      if (c == '(' || c == '[' || c == '{') ++depth;
      if ((c == ')' || c == ']' || c == '}') && --depth == 0) return;
    }
    throw Truncated{};
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  TeacherOutput out_;
  std::unordered_set<std::string> seen_;  // "<entity size>:<entity><type>" of the pairs kept
};

}  // namespace

TeacherOutput parse_teacher_output(std::string_view answer) {
  std::string_view body;
  if (code_fence_body(answer, body)) {
    TeacherOutput fenced = TupleScanner(body).run();
    if (fenced.parsed) return fenced;
  }
  return TupleScanner(answer).run();
}

std::vector<std::size_t> find_unlocated(std::string_view passage,
                                        const std::vector<TeacherEntity>& entities) {
  std::vector<std::string_view> needles;
  needles.reserve(entities.size());
  for (const auto& e : entities) needles.push_back(e.entity);
  const std::vector<bool> found = locatable(passage, needles);  // one pass for all entities
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < entities.size(); ++i)
    if (!found[i]) out.push_back(i);
  return out;
}

}  // namespace uniner

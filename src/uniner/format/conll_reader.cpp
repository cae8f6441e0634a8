#include <istream>

#include "format/json_records.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/labeled_data.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

std::vector<std::string_view> split_columns(std::string_view line) {
  std::vector<std::string_view> cols;
  const bool tabs = line.find('\t') != std::string_view::npos;
  std::size_t i = 0;
  while (i <= line.size()) {
    if (tabs) {
      const std::size_t j = std::min(line.find('\t', i), line.size());
      cols.push_back(line.substr(i, j - i));
      i = j + 1;
      continue;
    }
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) break;
    const std::size_t j = std::min(line.find(' ', i), line.size());
    cols.push_back(line.substr(i, j - i));
    i = j;
  }
  return cols;
}

std::string_view trim_ascii(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// One sentence being read.
struct Pending {
  std::vector<std::string> tokens;
  std::vector<BioTag> tags;
  std::size_t first_line = 0;
  std::string error;  // "file:line: reason" of the first problem, if any
  void clear() {
    tokens.clear();
    tags.clear();
    error.clear();
    first_line = 0;
  }
};

LabeledSentence build_sentence(const Pending& p) {
  LabeledSentence s;
  s.line = p.first_line;
  std::vector<std::size_t> starts;  // code-point offset of each token
  std::size_t cp = 0;
  for (std::size_t i = 0; i < p.tokens.size(); ++i) {
    if (i) {
      s.text.push_back(' ');
      ++cp;
    }
    starts.push_back(cp);
    s.text += p.tokens[i];
    cp += count_code_points(p.tokens[i]);
  }
  for (auto& span : decode_bio(p.tags)) {
    LabeledEntity e;
    e.start = starts[span.begin];
    const std::size_t last = span.end - 1;
    e.end = starts[last] + count_code_points(p.tokens[last]);
    e.type = std::move(span.type);
    for (std::size_t t = span.begin; t < span.end; ++t) {
      if (t > span.begin) e.text.push_back(' ');
      e.text += p.tokens[t];
    }
    s.entities.push_back(std::move(e));
  }
  return s;
}

}  // namespace

bool parse_bio_tag(std::string_view tag, BioTag& out) {
  out = BioTag{};
  if (tag == "O") return true;
  if (tag.size() >= 2 && tag[1] == '-') {
    switch (tag[0]) {
      case 'B':
        out.role = BioTag::kBegin;
        break;
      case 'I':
        out.role = BioTag::kInside;
        break;
      case 'E':
      case 'L':
        out.role = BioTag::kEnd;
        break;
      case 'S':
      case 'U':
        out.role = BioTag::kSingle;
        break;
      default:
        out.role = BioTag::kInside;
        out.type = std::string(tag);
        return true;
    }
    out.type = std::string(tag.substr(2));
    return !out.type.empty();
  }
  if (tag.empty() || tag == "-") return false;
  out.role = BioTag::kInside;  // IO scheme: a bare label
  out.type = std::string(tag);
  return true;
}

std::vector<TokenSpan> decode_bio(const std::vector<BioTag>& tags) {
  std::vector<TokenSpan> spans;
  bool open = false;
  TokenSpan cur;
  const auto close = [&] {
    if (open) spans.push_back(cur);
    open = false;
  };
  const auto start = [&](std::size_t i, const std::string& type) {
    close();
    cur = {i, i + 1, type};
    open = true;
  };
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto& t = tags[i];
    const bool continues = open && cur.type == t.type;
    switch (t.role) {
      case BioTag::kOutside:
        close();
        break;
      case BioTag::kBegin:
        start(i, t.type);
        break;
      case BioTag::kInside:
        if (continues) {
          cur.end = i + 1;
        } else {
          start(i, t.type);
        }
        break;
      case BioTag::kEnd:
        if (continues) {
          cur.end = i + 1;
        } else {
          start(i, t.type);
        }
        close();
        break;
      case BioTag::kSingle:
        start(i, t.type);
        close();
        break;
    }
  }
  close();
  return spans;
}

std::vector<LabeledSentence> read_conll(const std::string& path, const ConllOptions& options,
                                        const LabeledDataWarning& warning, std::size_t* bad) {
  auto in = open_input(path);
  skip_utf8_bom(*in);  // never part of the first token
  std::vector<LabeledSentence> out;
  std::size_t skipped = 0;
  Pending p;
  const auto flush = [&] {
    if (p.tokens.empty() && p.error.empty()) return;
    if (!p.error.empty()) {
      if (options.strict) throw InputError(p.error);
      ++skipped;
      if (warning) warning(p.error + " (sentence skipped)");
    } else {
      out.push_back(build_sentence(p));
    }
    p.clear();
  };
  std::string raw;
  std::size_t line = 0;
  while (std::getline(*in, raw)) {
    ++line;
    const std::string_view text = trim_ascii(raw);
    if (text.empty()) {
      flush();
      continue;
    }
    if (text.starts_with("-DOCSTART-")) {
      flush();
      continue;
    }
    if (p.first_line == 0) p.first_line = line;
    if (!p.error.empty()) continue;  // the rest of a bad sentence
    if (auto problem = find_invalid_utf8(text)) {
      p.error = where(path, line, std::string("invalid UTF-8: ") + problem->reason);
      continue;
    }
    const auto cols = split_columns(text);
    const int n = static_cast<int>(cols.size());
    const int col = options.column < 0 ? n + options.column : options.column;
    if (n < 2 || col <= 0 || col >= n) {
      p.error =
          where(path, line,
                std::string("expected a token and a tag in column ") +
                    std::to_string(options.column) + ", found " + std::to_string(n) + " column(s)");
      continue;
    }
    BioTag tag;
    if (!parse_bio_tag(trim_ascii(cols[static_cast<std::size_t>(col)]), tag)) {
      p.error =
          where(path, line,
                std::string("bad tag '") + std::string(cols[static_cast<std::size_t>(col)]) + "'");
      continue;
    }
    p.tokens.emplace_back(trim_ascii(cols[0]));
    p.tags.push_back(std::move(tag));
  }
  if (in->bad()) throw Error(path + ": read error");
  flush();
  if (bad) *bad = skipped;
  return out;
}

}  // namespace uniner

#include "uniner/passage_splitter.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "uniner/error.h"

namespace uniner {
namespace {

// Bytes examined per passage at first, per allowed token (English averages ~4 bytes a token).
constexpr std::size_t kBytesPerToken = 8;
// Past this, a window that still fits is taken as one passage (a tokenizer that counts nearly
// nothing must not make the buffer grow without bound).
constexpr std::size_t kMaxLookahead = std::size_t{16} << 20;
// Bytes read beyond the window, to classify the boundary at its end.
constexpr std::size_t kMargin = 8;

// Decodes the code point at s[i] (valid UTF-8); sets len to its byte length.
char32_t decode(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    len = 1;
    return c;
  }
  len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (i + len > s.size()) {  // truncated: treat the byte alone (never happens on valid input)
    len = 1;
    return 0xFFFD;
  }
  char32_t cp = c & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

// Whitespace that separates words; no-break spaces do not.
bool is_break_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  if (c == 0xA0 || c == 0x2007 || c == 0x202F) return false;
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

bool is_terminal(char32_t c) {
  return c == '.' || c == '!' || c == '?' || c == 0x2026;
}
bool is_closer(char32_t c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == 0x201D || c == 0x2019 ||
         c == 0xBB || c == 0x300D || c == 0x300F;
}
bool is_cjk_stop(char32_t c) {
  return c == 0x3002 || c == 0xFF01 || c == 0xFF1F;
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    std::size_t len;
    if (!is_break_space(decode(s, i, len))) break;
    i += len;
  }
  return i;
}

std::string_view trim_end(std::string_view s) {
  // Walk back over whole code points that are spaces.
  std::size_t end = s.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t len;
    if (!is_break_space(decode(s, start, len))) break;
    end = start;
  }
  return s.substr(0, end);
}

std::size_t floor_code_point(std::string_view s, std::size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

struct Boundary {
  std::size_t pos;  // a cut: the passage is text[0, pos)
  int tier;         // 1 sentence, 2 line, 3 word
};

// The boundaries in text[1, limit), classified; text beyond limit is only looked at.
std::vector<Boundary> boundaries(std::string_view text, std::size_t limit) {
  std::vector<Boundary> out;
  char32_t prev_solid = 0;     // the last non-space code point seen
  bool sentence_tail = false;  // prev_solid ends a sentence (terminal + closers)
  std::size_t i = 0;
  while (i < limit) {
    std::size_t len;
    const char32_t c = decode(text, i, len);
    if (!is_break_space(c)) {
      if (is_terminal(c)) {
        sentence_tail = true;
      } else if (!(is_closer(c) && sentence_tail)) {
        sentence_tail = false;
      }
      prev_solid = c;
      i += len;
      if (is_cjk_stop(c) && i < limit) {
        std::size_t next_len;
        if (!is_break_space(decode(text, i, next_len))) out.push_back({i, 1});
      }
      continue;
    }
    // A run of spaces [i, j): one boundary at its start.
    const std::size_t start = i;
    int newlines = 0;
    while (i < text.size()) {
      const char32_t s = decode(text, i, len);
      if (!is_break_space(s)) break;
      newlines += s == '\n';
      i += len;
    }
    if (start > 0) {
      const int tier = newlines >= 2 || sentence_tail || is_cjk_stop(prev_solid) ? 1
                       : newlines == 1                                           ? 2
                                                                                 : 3;
      out.push_back({start, tier});
    }
  }
  return out;
}

}  // namespace

PassageSplitter::PassageSplitter(std::size_t max_tokens, TokenCounter count_tokens,
                                 std::function<void(std::string&&)> emit)
    : max_tokens_(max_tokens),
      count_(std::move(count_tokens)),
      emit_(std::move(emit)),
      lookahead_(std::max<std::size_t>(max_tokens * kBytesPerToken, 64)) {
  if (max_tokens_ == 0) throw InputError("--max-tokens: must be at least 1");
}

void PassageSplitter::feed(std::string_view chunk) {
  buffer_.append(chunk);
  if (buffer_.size() >= lookahead_ + kMargin) cut(/*at_end=*/false);
}

void PassageSplitter::finish() {
  cut(/*at_end=*/true);
  buffer_.clear();
}

void PassageSplitter::cut(bool at_end) {
  std::size_t pos = 0;
  const auto fits = [&](std::string_view s) { return count_(s) <= max_tokens_; };
  for (;;) {
    pos = skip_space(buffer_, pos);
    const std::string_view rest(buffer_.data() + pos, buffer_.size() - pos);
    if (rest.empty()) break;
    if (!at_end && rest.size() < lookahead_ + kMargin) break;  // wait for more text
    const std::size_t window = floor_code_point(rest, std::min(rest.size(), lookahead_));
    const bool whole = window == rest.size();
    if (whole) {
      const std::string_view all = trim_end(rest);
      if (fits(all)) {
        emit_(std::string(all));
        pos = buffer_.size();
        continue;
      }
    } else if (fits(rest.substr(0, window))) {
      if (lookahead_ < kMaxLookahead) {
        lookahead_ *= 2;  // the window was too small to hold a full passage: look further
        continue;
      }
    }
    // rest[0, window) does not fit (or is as large as we look): find the best cut inside it.
    const auto cuts = boundaries(rest, window);
    std::size_t best = 0;
    for (int tier = 1; tier <= 3 && best == 0; ++tier) {
      std::vector<std::size_t> candidates;
      for (const auto& b : cuts)
        if (b.tier <= tier) candidates.push_back(b.pos);
      // The last candidate that fits (token counts grow with the prefix).
      std::size_t lo = 0, hi = candidates.size();
      while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (fits(rest.substr(0, candidates[mid]))) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo > 0) best = candidates[lo - 1];
    }
    if (best == 0) {
      // Hard cut: the longest run of whole code points that fits, at least one.
      std::vector<std::size_t> points;
      for (std::size_t i = 0, len; i < window; i += len) {
        decode(rest, i, len);
        points.push_back(i + len);
      }
      std::size_t lo = 1, hi = points.size();  // points[0] is always taken
      while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (fits(rest.substr(0, points[mid]))) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      best = points[lo - 1];
    }
    emit_(std::string(trim_end(rest.substr(0, best))));
    pos += best;
  }
  buffer_.erase(0, pos);
}

std::vector<std::string> split_passages(std::string_view document, std::size_t max_tokens,
                                        const TokenCounter& count_tokens) {
  std::vector<std::string> out;
  PassageSplitter splitter(max_tokens, count_tokens,
                           [&](std::string&& p) { out.push_back(std::move(p)); });
  splitter.feed(document);
  splitter.finish();
  return out;
}

}  // namespace uniner

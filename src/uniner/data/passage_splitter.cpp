#include "uniner/data/passage_splitter.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <map>

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
    const std::size_t scan_end = std::min(text.size(), limit + kMargin);  // same when streaming
    while (i < scan_end) {
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
  if (max_tokens_ == 0) throw InputError("passage max_tokens must be at least 1, got 0");
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
  // Token counts are costly (a tokenizer does ~2 MB/s), so a cut is found in two steps: an
  // estimate that adds up the counts of the pieces between boundaries (each piece counted once,
  // memoized), then exact counts of whole prefixes to confirm it, usually two. Every passage is
  // checked exactly: the estimate only guides the search.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> memo;  // piece [a, b) -> tokens
  std::size_t pos = 0;
  const auto piece_tokens = [&](std::size_t a, std::size_t b) {  // absolute offsets in buffer_
    auto [it, fresh] = memo.try_emplace({a, b}, 0);
    if (fresh) {
      const std::size_t from = skip_space(buffer_, a);
      it->second = from < b ? count_(std::string_view(buffer_).substr(from, b - from)) : 0;
    }
    return it->second;
  };
  for (;;) {
    pos = skip_space(buffer_, pos);
    const std::string_view rest(buffer_.data() + pos, buffer_.size() - pos);
    if (rest.empty()) break;
    if (!at_end && rest.size() < lookahead_ + kMargin) break;  // wait for more text
    const std::size_t window = floor_code_point(rest, std::min(rest.size(), lookahead_));
    const bool whole = window == rest.size();
    const auto fits = [&](std::size_t len) { return count_(rest.substr(0, len)) <= max_tokens_; };
    auto cuts = boundaries(rest, window);
    if (whole) cuts.push_back({trim_end(rest).size(), 0});  // the end of the document: best cut

    // The last candidate of `cands` whose prefix fits, or 0.
    const auto longest_fitting = [&](const std::vector<std::size_t>& cands) -> std::size_t {
      if (cands.empty()) return 0;
      // Estimate: running sums of piece counts, up to a little past the limit.
      const std::size_t slack = max_tokens_ / 8 + 4;
      std::size_t sum = 0, guess = 0, guess_sum = 0, examined = 0;  // guess: estimate fits
      for (std::size_t k = 0, prev = 0; k < cands.size(); prev = cands[k], ++k) {
        sum += piece_tokens(pos + prev, pos + cands[k]);
        ++examined;
        if (sum <= max_tokens_) {
          guess = k + 1;
          guess_sum = sum;
        }
        if (sum > max_tokens_ + slack) break;
      }
      // Exact: the answer is the last k with fits(cands[k]); confirm the guess, else search.
      std::size_t lo = 0, hi = examined;  // answer index + 1 lies in [lo, hi]
      if (guess > 0) {
        const std::size_t exact = count_(rest.substr(0, cands[guess - 1]));
        if (exact <= max_tokens_) {
          // When the estimate was exact so far the pieces add up (as SentencePiece's do between
          // words), and the next candidate, estimated over the limit, is taken not to fit.
          if (guess == examined || exact == guess_sum || !fits(cands[guess])) {
            return cands[guess - 1];
          }
          lo = guess + 1;
        } else {
          hi = guess - 1;
        }
      }
      while (lo < hi) {  // invariant: cands[lo - 1] fits (or lo == 0); cands[hi] does not
        const std::size_t mid = (lo + hi) / 2;
        if (fits(cands[mid])) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo > 0 ? cands[lo - 1] : 0;
    };

    if (!whole) {
      // A window that fits entirely was too small to hold a passage: look further.
      std::vector<std::size_t> sentence_cuts;
      for (const auto& b : cuts)
        if (b.tier <= 1) sentence_cuts.push_back(b.pos);
      std::size_t sum = 0, prev = 0;
      for (std::size_t c : sentence_cuts) {
        sum += piece_tokens(pos + prev, pos + c);
        prev = c;
        if (sum > max_tokens_) break;
      }
      if (sum <= max_tokens_ && fits(window) && lookahead_ < kMaxLookahead) {
        lookahead_ *= 2;
        continue;
      }
    }
    std::size_t best = 0;
    for (int tier = 1; tier <= 3 && best == 0; ++tier) {
      std::vector<std::size_t> candidates;
      for (const auto& b : cuts)
        if (b.tier <= tier) candidates.push_back(b.pos);
      best = longest_fitting(candidates);
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
        if (fits(points[mid])) {
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

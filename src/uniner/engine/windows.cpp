#include "engine/windows.h"

#include <algorithm>

namespace uniner::engine {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct Unit {
  std::size_t start, end;  // bytes
  std::size_t tokens;
};

// Ends of sentences: after . ! ? (or 。！？) when followed by whitespace, and after newlines.
std::vector<std::size_t> sentence_ends(std::string_view t) {
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    std::size_t after = 0;
    if (c == '\n') {
      after = i + 1;
    } else if ((c == '.' || c == '!' || c == '?') && i + 1 < t.size() && is_space(t[i + 1])) {
      after = i + 1;
    } else if (t.compare(i, 3, "\xE3\x80\x82") == 0 || t.compare(i, 3, "\xEF\xBC\x81") == 0 ||
               t.compare(i, 3, "\xEF\xBC\x9F") == 0) {
      after = i + 3;
    }
    if (after) {
      while (after < t.size() && is_space(t[after])) ++after;  // whitespace joins the sentence
      ends.push_back(after);
      i = after - 1;
    }
  }
  if (ends.empty() || ends.back() != t.size()) ends.push_back(t.size());
  return ends;
}

void split_unit(std::string_view t, std::size_t start, std::size_t end, std::size_t max_tokens,
                const TokenCounter& count, std::vector<Unit>& out);

// Hard cut inside a word: chunks of at most max_tokens - 1 bytes (a token covers at least one
// byte; one more for SentencePiece's leading space), at UTF-8 character boundaries.
void cut_word(std::string_view t, std::size_t start, std::size_t end, std::size_t max_tokens,
              const TokenCounter& count, std::vector<Unit>& out) {
  const std::size_t step = std::max<std::size_t>(1, max_tokens > 1 ? max_tokens - 1 : 1);
  std::size_t s = start;
  while (s < end) {
    std::size_t e = std::min(end, s + step);
    while (e < end && e > s + 1 && (static_cast<unsigned char>(t[e]) & 0xC0) == 0x80) --e;
    out.push_back({s, e, count(t.substr(s, e - s))});
    s = e;
  }
}

// A unit over budget is split at whitespace, and a word over budget is cut.
void split_unit(std::string_view t, std::size_t start, std::size_t end, std::size_t max_tokens,
                const TokenCounter& count, std::vector<Unit>& out) {
  const std::size_t n = count(t.substr(start, end - start));
  if (n <= max_tokens) {
    out.push_back({start, end, n});
    return;
  }
  std::size_t s = start;
  while (s < end) {
    std::size_t e = s;
    while (e < end && !is_space(t[e])) ++e;
    while (e < end && is_space(t[e])) ++e;
    if (e == s) e = end;
    const std::size_t wn = count(t.substr(s, e - s));
    if (wn <= max_tokens)
      out.push_back({s, e, wn});
    else
      cut_word(t, s, e, max_tokens, count, out);
    s = e;
  }
}

Window trimmed(std::string_view t, std::size_t s, std::size_t e) {
  while (s < e && is_space(t[s])) ++s;
  while (e > s && is_space(t[e - 1])) --e;
  return {s, e};
}

}  // namespace

std::vector<Window> split_windows(std::string_view text, std::size_t max_tokens,
                                  std::size_t overlap_tokens, const TokenCounter& count) {
  if (max_tokens == 0 || count(text) <= max_tokens) return {trimmed(text, 0, text.size())};

  std::vector<Unit> units;
  std::size_t start = 0;
  for (std::size_t end : sentence_ends(text)) {
    if (end > start) split_unit(text, start, end, max_tokens, count, units);
    start = end;
  }

  std::vector<Window> windows;
  std::size_t i = 0;
  while (i < units.size()) {
    std::size_t j = i, sum = 0;
    while (j < units.size() && sum + units[j].tokens <= max_tokens) sum += units[j++].tokens;
    if (j == i) j = i + 1;  // cannot happen after split_unit, but always advance
    // Token counts of pieces are not exactly additive; shrink until the window really fits.
    while (j > i + 1 &&
           count(text.substr(units[i].start, units[j - 1].end - units[i].start)) > max_tokens) {
      --j;
    }
    const Window w = trimmed(text, units[i].start, units[j - 1].end);
    if (w.byte_end > w.byte_start) windows.push_back(w);
    if (j >= units.size()) break;
    std::size_t k = j, overlap = 0;
    while (k - 1 > i && overlap + units[k - 1].tokens <= overlap_tokens)
      overlap += units[--k].tokens;
    i = k;
  }
  return windows;
}

}  // namespace uniner::engine

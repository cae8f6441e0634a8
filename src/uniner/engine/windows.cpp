#include "engine/windows.h"

#include <algorithm>

#include "text/sentences.h"

namespace uniner::engine {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct Unit {
  std::size_t start, end;  // bytes
  std::size_t tokens;
};

// Ends of sentences and lines, by the tree's one sentence splitter (text/sentences.h), each
// moved past the whitespace after it (whitespace joins the sentence before it).
std::vector<std::size_t> sentence_ends(std::string_view t) {
  std::vector<std::size_t> ends;
  for (const auto& b : text::boundaries(t, t.size(), /*margin=*/0)) {
    if (b.tier > 2) continue;  // word gaps: split_unit cuts there when a sentence is too long
    const std::size_t after = text::skip_break_space(t, b.pos);
    if (ends.empty() || after > ends.back()) ends.push_back(after);
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
    const auto inside_char = [&](std::size_t k) {
      return k < end && (static_cast<unsigned char>(t[k]) & 0xC0) == 0x80;
    };
    std::size_t e = std::min(end, s + step);
    while (e > s + 1 && inside_char(e)) --e;
    while (inside_char(e)) ++e;  // a character longer than the step: take it whole
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
    // A window inside the previous one (whitespace-only units around the overlap) adds nothing.
    const bool inside_previous = !windows.empty() && w.byte_start >= windows.back().byte_start &&
                                 w.byte_end <= windows.back().byte_end;
    if (w.byte_end > w.byte_start && !inside_previous) windows.push_back(w);
    if (j >= units.size()) break;
    // Step back over whole units for the overlap, leaving room for unit j, so that the next
    // window always reaches past this one.
    const std::size_t room =
        units[j].tokens < max_tokens ? max_tokens - units[j].tokens : std::size_t{0};
    const std::size_t budget = std::min(overlap_tokens, room);
    std::size_t k = j, overlap = 0;
    while (k - 1 > i && overlap + units[k - 1].tokens <= budget) overlap += units[--k].tokens;
    i = k;
  }
  // Whitespace the counter still counts (\v, \f...) trims to nothing: the caller still gets its
  // one window (an empty list would leave a passage with no work, never finished).
  if (windows.empty()) windows.push_back(trimmed(text, 0, text.size()));
  return windows;
}

}  // namespace uniner::engine

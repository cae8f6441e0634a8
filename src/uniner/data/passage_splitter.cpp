#include "uniner/data/passage_splitter.h"

#include <algorithm>
#include <map>

#include "text/sentences.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using text::boundaries;
using text::Boundary;
using text::decode_at;
using text::floor_code_point;
using text::skip_break_space;
using text::trim_break_space_end;

// Bytes examined per passage at first, per allowed token (English averages ~4 bytes a token).
constexpr std::size_t kBytesPerToken = 8;
// Past this, a window that still fits is taken as one passage (a tokenizer that counts nearly
// nothing must not make the buffer grow without bound).
constexpr std::size_t kMaxLookahead = std::size_t{16} << 20;
// Bytes read beyond the window, to classify the boundary at its end.
constexpr std::size_t kMargin = 8;

std::size_t initial_lookahead(std::size_t max_tokens) {
  return std::max<std::size_t>(max_tokens * kBytesPerToken, 64);
}

}  // namespace

PassageSplitter::PassageSplitter(std::size_t max_tokens, TokenCounter count_tokens,
                                 std::function<void(std::string&&)> emit)
    : max_tokens_(max_tokens),
      count_(std::move(count_tokens)),
      emit_(std::move(emit)),
      lookahead_(initial_lookahead(max_tokens)) {
  if (max_tokens_ == 0) throw InputError("passage max_tokens must be at least 1, got 0");
}

void PassageSplitter::feed(std::string_view chunk) {
  buffer_.append(chunk);
  if (buffer_.size() >= lookahead_ + kMargin) cut(/*at_end=*/false);
}

void PassageSplitter::finish() {
  cut(/*at_end=*/true);
  buffer_.clear();
  // The next document starts afresh: its passages never depend on the documents before it.
  lookahead_ = initial_lookahead(max_tokens_);
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
      const std::size_t from = skip_break_space(buffer_, a);
      it->second = from < b ? count_(std::string_view(buffer_).substr(from, b - from)) : 0;
    }
    return it->second;
  };
  for (;;) {
    pos = skip_break_space(buffer_, pos);
    const std::string_view rest(buffer_.data() + pos, buffer_.size() - pos);
    if (rest.empty()) break;
    if (!at_end && rest.size() < lookahead_ + kMargin) break;  // wait for more text
    const std::size_t window = floor_code_point(rest, std::min(rest.size(), lookahead_));
    const bool whole = window == rest.size();
    const auto fits = [&](std::size_t len) { return count_(rest.substr(0, len)) <= max_tokens_; };
    auto cuts = boundaries(rest, window, kMargin);
    if (whole)
      cuts.push_back({trim_break_space_end(rest).size(), 0});  // the end of the document: best cut

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
        decode_at(rest, i, len);
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
    emit_(std::string(trim_break_space_end(rest.substr(0, best))));
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

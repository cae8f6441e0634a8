#include "engine/passage_chooser.h"

#include <climits>

#include "uniner/engine/vocab.h"

namespace uniner::engine {

PieceTable::PieceTable(std::vector<std::string> pieces, const std::vector<bool>& end)
    : pieces_(std::move(pieces)), end_(pieces_.size(), false) {
  nodes_.emplace_back();
  for (std::size_t t = 0; t < pieces_.size(); ++t) {
    end_[t] = t < end.size() && end[t];
    if (end_[t]) {
      end_tokens_.push_back(static_cast<TokenId>(t));
      continue;
    }
    if (pieces_[t].empty()) continue;  // control tokens add nothing: never part of an answer
    int node = 0;
    for (char ch : pieces_[t]) {
      const auto c = static_cast<unsigned char>(ch);
      int child = -1;
      for (const auto& [byte, to] : nodes_[static_cast<std::size_t>(node)].children)
        if (byte == c) child = to;
      if (child < 0) {
        child = static_cast<int>(nodes_.size());
        nodes_[static_cast<std::size_t>(node)].children.emplace_back(c, child);
        nodes_.emplace_back();
      }
      node = child;
    }
    nodes_[static_cast<std::size_t>(node)].tokens.push_back(static_cast<TokenId>(t));
  }
}

std::shared_ptr<const PieceTable> PieceTable::of(const Vocab& vocab) {
  const std::size_t n = vocab.size();
  std::vector<std::string> pieces(n);
  std::vector<bool> end(n);
  for (std::size_t t = 0; t < n; ++t) {
    const auto id = static_cast<TokenId>(t);
    pieces[t] = vocab.piece(id, /*render_special=*/false);
    end[t] = vocab.is_end_of_generation(id);
  }
  return std::make_shared<const PieceTable>(std::move(pieces), end);
}

PassageConstraint::PassageConstraint(std::shared_ptr<const PieceTable> pieces,
                                     std::string_view passage)
    : pieces_(std::move(pieces)), index_(passage) {}

namespace {

// The byte a JSON escape letter stands for, or -1.
int unescape(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    default:
      return -1;
  }
}

constexpr unsigned char kEscapable[] = {'"', '\\', '/', '\n', '\t', '\r', '\b', '\f'};

}  // namespace

// One byte of the item's content: UTF-8 well formed (an item starts and ends on a character
// boundary) and still a substring of the passage.
bool PassageConstraint::content(AnswerState& s, unsigned char c) const {
  if (s.utf8_need > 0) {
    if ((c & 0xC0) != 0x80) return false;
    --s.utf8_need;
  } else if (c >= 0xF0) {
    if (c > 0xF4) return false;
    s.utf8_need = 3;
  } else if (c >= 0xE0) {
    s.utf8_need = 2;
  } else if (c >= 0xC2) {
    s.utf8_need = 1;
  } else if (c >= 0x80) {
    return false;  // a continuation byte without its lead, or an overlong lead
  }
  s.sub = index_.next(s.sub, c);
  s.empty_item = false;
  return s.sub >= 0;
}

bool PassageConstraint::step(AnswerState& s, unsigned char c) const {
  using P = AnswerState;
  switch (s.phase) {
    case P::kStart:
      if (c == ' ') return s.phase = P::kStartSpace, true;
      [[fallthrough]];
    case P::kStartSpace:
      return c == '[' ? (s.phase = P::kOpen, true) : false;
    case P::kOpen:
      if (c == ']') return s.phase = P::kClosed, true;
      [[fallthrough]];
    case P::kCommaSpace:
      if (c != '"') return false;
      s = AnswerState{};
      s.phase = P::kItem;
      return true;
    case P::kComma:
      if (c == ' ') return s.phase = P::kCommaSpace, true;
      if (c != '"') return false;
      s = AnswerState{};
      s.phase = P::kItem;
      return true;
    case P::kItem:
      if (c == '"') {
        if (s.empty_item || s.utf8_need > 0) return false;
        return s.phase = P::kAfterItem, true;
      }
      if (c == '\\') {
        if (s.utf8_need > 0) return false;
        for (unsigned char e : kEscapable) {  // only where an escaped character can follow
          if (index_.next(s.sub, e) >= 0) return s.phase = P::kEscape, true;
        }
        return false;
      }
      if (c < 0x20) return false;  // raw control characters are not JSON
      return content(s, c);
    case P::kEscape: {
      const int byte = unescape(c);
      if (byte < 0) return false;
      s.phase = P::kItem;
      return content(s, static_cast<unsigned char>(byte));
    }
    case P::kAfterItem:
      if (c == ',') return s.phase = P::kComma, true;
      return c == ']' ? (s.phase = P::kClosed, true) : false;
    case P::kClosed:
      return false;
  }
  return false;
}

int PassageConstraint::close_cost(const AnswerState& s) {
  using P = AnswerState;
  switch (s.phase) {
    case P::kStart:
    case P::kStartSpace:
      return 2;  // [ ]
    case P::kOpen:
    case P::kAfterItem:
      return 1;  // ]
    case P::kComma:
    case P::kCommaSpace:
      return 7;  // " one character (up to 4 bytes) " ]
    case P::kItem:
      return s.empty_item ? 6 : s.utf8_need + 2;
    case P::kEscape:
      return 3;  // the escaped letter " ]
    case P::kClosed:
      return 0;
  }
  return 0;
}

namespace {

class PassageChooser final : public TokenChooser {
 public:
  PassageChooser(std::shared_ptr<const PassageConstraint> window, int max_tokens)
      : window_(std::move(window)), max_tokens_(max_tokens) {}

  TokenId choose(const float* logits, int n_vocab) override {
    const PieceTable& table = window_->pieces();
    if (state_.phase == AnswerState::kClosed) return best_end(logits, n_vocab);
    const int left = max_tokens_ > 0 ? max_tokens_ - accepted_ : INT_MAX;
    // Greedy's own choice first: a good model's is usually allowed.
    const TokenId top = argmax_token(logits, n_vocab);
    if (static_cast<std::size_t>(top) < table.size() && !table.is_end(top)) {
      AnswerState s = state_;
      if (walk(s, table.piece(top)) && fits(s, left)) return top;
    }
    if (const TokenId t = best_allowed(logits, n_vocab, left); t >= 0) return t;
    if (left != INT_MAX) {  // no room to close (a tiny budget): still stay in the passage
      if (const TokenId t = best_allowed(logits, n_vocab, INT_MAX); t >= 0) return t;
    }
    return best_end(logits, n_vocab);  // nothing can continue: end the answer
  }

  void accept(TokenId token) override {
    ++accepted_;
    const PieceTable& table = window_->pieces();
    if (static_cast<std::size_t>(token) >= table.size() || !walk(state_, table.piece(token))) {
      state_.phase = AnswerState::kClosed;  // not a token this chooser allows: end next step
    }
  }

 private:
  bool walk(AnswerState& s, const std::string& piece) const {
    if (piece.empty()) return false;
    for (char c : piece)
      if (!window_->step(s, static_cast<unsigned char>(c))) return false;
    return true;
  }

  static bool fits(const AnswerState& s, int left) {
    return s.phase == AnswerState::kClosed || PassageConstraint::close_cost(s) <= left - 1;
  }

  // The allowed token with the best logit (lowest id on ties), or -1: the piece trie walked
  // together with the grammar, pruned at the first byte that leaves it.
  TokenId best_allowed(const float* logits, int n_vocab, int left) {
    const auto& nodes = window_->pieces().nodes();
    TokenId best = -1;
    stack_.clear();
    stack_.emplace_back(0, state_);
    while (!stack_.empty()) {
      const auto [node, state] = stack_.back();
      stack_.pop_back();
      for (const auto& [byte, child] : nodes[static_cast<std::size_t>(node)].children) {
        AnswerState s = state;
        if (!window_->step(s, byte)) continue;
        const auto& here = nodes[static_cast<std::size_t>(child)];
        if (!here.tokens.empty() && fits(s, left)) {
          for (TokenId t : here.tokens) {
            if (t >= n_vocab) continue;
            if (best < 0 || logits[t] > logits[best] || (logits[t] == logits[best] && t < best))
              best = t;
          }
        }
        if (!here.children.empty()) stack_.emplace_back(child, s);
      }
    }
    return best;
  }

  TokenId best_end(const float* logits, int n_vocab) const {
    TokenId best = -1;
    for (TokenId t : window_->pieces().end_tokens()) {
      if (t < n_vocab && (best < 0 || logits[t] > logits[best])) best = t;
    }
    return best >= 0 ? best : argmax_token(logits, n_vocab);
  }

  std::shared_ptr<const PassageConstraint> window_;
  int max_tokens_;
  int accepted_ = 0;
  AnswerState state_;
  std::vector<std::pair<int, AnswerState>> stack_;
};

}  // namespace

std::unique_ptr<TokenChooser> make_passage_chooser(std::shared_ptr<const PassageConstraint> window,
                                                   int max_tokens) {
  return std::make_unique<PassageChooser>(std::move(window), max_tokens);
}

}  // namespace uniner::engine

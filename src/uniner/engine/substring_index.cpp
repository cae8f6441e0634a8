#include "engine/substring_index.h"

namespace uniner::engine {

namespace {

void set_next(std::vector<std::pair<unsigned char, int>>& next, unsigned char c, int to) {
  for (auto& edge : next) {
    if (edge.first == c) {
      edge.second = to;
      return;
    }
  }
  next.emplace_back(c, to);
}

}  // namespace

// The standard online construction (Blumer et al.), one byte at a time.
SubstringIndex::SubstringIndex(std::string_view text) {
  states_.reserve(text.size() * 2 + 1);
  states_.push_back({});
  int last = kRoot;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const int cur = static_cast<int>(states_.size());
    states_.push_back({states_[static_cast<std::size_t>(last)].len + 1, -1, {}});
    int p = last;
    while (p != -1 && next(p, c) < 0) {
      states_[static_cast<std::size_t>(p)].next.emplace_back(c, cur);
      p = states_[static_cast<std::size_t>(p)].link;
    }
    if (p == -1) {
      states_[static_cast<std::size_t>(cur)].link = kRoot;
    } else {
      const int q = next(p, c);
      if (states_[static_cast<std::size_t>(p)].len + 1 ==
          states_[static_cast<std::size_t>(q)].len) {
        states_[static_cast<std::size_t>(cur)].link = q;
      } else {
        const int clone = static_cast<int>(states_.size());
        State copy = states_[static_cast<std::size_t>(q)];
        copy.len = states_[static_cast<std::size_t>(p)].len + 1;
        states_.push_back(std::move(copy));
        while (p != -1 && next(p, c) == q) {
          set_next(states_[static_cast<std::size_t>(p)].next, c, clone);
          p = states_[static_cast<std::size_t>(p)].link;
        }
        states_[static_cast<std::size_t>(q)].link = clone;
        states_[static_cast<std::size_t>(cur)].link = clone;
      }
    }
    last = cur;
  }
}

}  // namespace uniner::engine

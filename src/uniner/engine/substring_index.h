// Which byte strings occur in a text: a suffix automaton over its bytes. Private to engine/.
//
// Built in time and memory linear in the text (at most 2n states); walking one byte is a lookup
// in the few transitions of a state, so checking that an answer item stays inside the passage
// costs the same whatever the passage's length. The passage constraint (passage_chooser.h) walks
// it byte by byte as an answer is generated.
//
//   engine::SubstringIndex index("Paris is lovely.");
//   int s = index.walk(engine::SubstringIndex::kRoot, "is l");  // >= 0: a substring
//   bool no = index.walk(s, "x") < 0;
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace uniner::engine {

class SubstringIndex {
 public:
  static constexpr int kRoot = 0;  // the empty string

  explicit SubstringIndex(std::string_view text);

  // The state of (the string of `state`) + c, or -1 when that is not a substring of the text.
  int next(int state, unsigned char c) const {
    for (const auto& [byte, to] : states_[static_cast<std::size_t>(state)].next)
      if (byte == c) return to;
    return -1;
  }
  // `s` appended, byte by byte; -1 as soon as it leaves the text.
  int walk(int state, std::string_view s) const {
    for (char c : s) {
      if (state < 0) return -1;
      state = next(state, static_cast<unsigned char>(c));
    }
    return state;
  }
  bool contains(std::string_view s) const { return walk(kRoot, s) >= 0; }
  std::size_t size() const { return states_.size(); }

 private:
  struct State {
    int len = 0;
    int link = -1;
    std::vector<std::pair<unsigned char, int>> next;
  };
  std::vector<State> states_;
};

}  // namespace uniner::engine

#include "train/examples.h"

#include <algorithm>
#include <numeric>

#include "data/rng.h"
#include "uniner/error.h"

namespace uniner::train {
namespace {

std::vector<TokenId> tokens_of(const Vocab& vocab, const std::string& text, bool bos) {
  // parse_special as the original's tokenizer: a separator written in the text is the token.
  return vocab.tokenize(text, bos, /*parse_special=*/true);
}

// `whole` tokenized at once, its first tokens (those of `head`) masked and the rest trained. The
// tokenizer may merge across the boundary; then the common prefix is masked.
std::vector<Segment> split_at(const Vocab& vocab, const std::string& head, const std::string& whole,
                              bool bos) {
  auto all = tokens_of(vocab, whole, bos);
  const auto read = tokens_of(vocab, head, bos);
  std::size_t n = 0;
  while (n < read.size() && n < all.size() && read[n] == all[n]) ++n;
  std::vector<Segment> out(2);
  out[0].tokens.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
  out[1].tokens.assign(all.begin() + static_cast<std::ptrdiff_t>(n), all.end());
  out[1].trained = true;
  return out;
}

void append(Example& e, const std::vector<Segment>& segments) {
  for (const auto& s : segments) {
    e.tokens.insert(e.tokens.end(), s.tokens.begin(), s.tokens.end());
    e.trained.insert(e.trained.end(), s.tokens.size(), s.trained ? 1 : 0);
  }
}

void truncate(Example& e, std::size_t max_len) {
  if (max_len > 0 && e.tokens.size() > max_len) {
    e.tokens.resize(max_len);
    e.trained.resize(max_len);
  }
}

}  // namespace

std::size_t ConversationTokens::size() const {
  std::size_t n = 0;
  for (const auto& s : opening) n += s.tokens.size();
  for (const auto& p : pairs)
    for (const auto& s : p) n += s.tokens.size();
  return n;
}

void train_every_token(Example& e) {
  // The first token (BOS) has nothing before it to be predicted from.
  std::fill(e.trained.begin(), e.trained.end(), 1);
  if (!e.trained.empty()) e.trained[0] = 0;
}

std::size_t Example::trained_count() const {
  return static_cast<std::size_t>(std::count(trained.begin(), trained.end(), 1));
}

void check_conversation(const ConversationRecord& r) {
  const auto& turns = r.conversations;
  std::string text, type;
  if (turns.size() < 2 || !parse_text_turn(turns[0].value, text)) {
    throw InputError("the first turn is not the passage ('Text: ...')");
  }
  if (turns.size() < 4) throw InputError("no question/answer turn after the passage");
  if (turns.size() % 2 != 0) throw InputError("the last question has no answer turn");
  for (std::size_t i = 0; i < turns.size(); ++i) {
    const char* want = i % 2 == 0 ? "human" : "gpt";
    if (turns[i].from != want) {
      throw InputError("turn " + std::to_string(i) + " is from '" + turns[i].from +
                       "', expected '" + want + "'");
    }
    if (i >= 2 && i % 2 == 0 && !parse_type_question(turns[i].value, type)) {
      throw InputError("turn " + std::to_string(i) +
                       " is not a type question ('What describes <type> in the text?')");
    }
  }
}

ConversationTokens tokenize_conversation(const ConversationRecord& r, const Vocab& vocab,
                                         const PromptTemplate& prompt, ExampleTokenization mode) {
  const auto& t = r.conversations;
  ConversationTokens out;
  out.id = r.id;
  const std::string first = prompt.system + " USER: " + t[0].value;
  if (mode == ExampleTokenization::kOriginal) {
    // The original's segments: BOS + system + sep + "USER: " + message, then "ASSISTANT: " and
    // answer + separator for each reply, "USER: " + message for each later question.
    out.opening = {{tokens_of(vocab, first, true), false},
                   {tokens_of(vocab, "ASSISTANT: ", false), false},
                   {tokens_of(vocab, t[1].value + prompt.separator, false), true}};
    for (std::size_t i = 2; i + 1 < t.size(); i += 2) {
      out.pairs.push_back({{tokens_of(vocab, "USER: " + t[i].value, false), false},
                           {tokens_of(vocab, "ASSISTANT: ", false), false},
                           {tokens_of(vocab, t[i + 1].value + prompt.separator, false), true}});
    }
    return out;
  }
  // Aligned: each block is the rendered conversation's own text; blocks begin right after the
  // separator (a special token), so their tokens concatenate to the whole conversation's.
  out.opening = split_at(vocab, first + " ASSISTANT:",
                         first + " ASSISTANT: " + t[1].value + prompt.separator, true);
  for (std::size_t i = 2; i + 1 < t.size(); i += 2) {
    const std::string head = "USER: " + t[i].value + " ASSISTANT:";
    out.pairs.push_back(split_at(vocab, head, head + " " + t[i + 1].value + prompt.separator,
                                 false));
  }
  return out;
}

Example assemble_example(const ConversationTokens& c, std::uint64_t seed, int epoch,
                         std::size_t index, std::size_t max_len) {
  std::vector<std::size_t> order(c.pairs.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng(mix_seed(mix_seed(seed, static_cast<std::uint64_t>(epoch)), index));
  for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates
    std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(i))]);
  }
  Example e;
  e.tokens.reserve(c.size());
  e.trained.reserve(c.size());
  append(e, c.opening);
  for (std::size_t i : order) append(e, c.pairs[i]);
  truncate(e, max_len);
  return e;
}

Example assemble_in_order(const ConversationTokens& c, std::size_t max_len) {
  Example e;
  append(e, c.opening);
  for (const auto& p : c.pairs) append(e, p);
  truncate(e, max_len);
  return e;
}

std::string render_example(const Example& e, const Vocab& vocab) {
  std::string out;
  for (std::size_t i = 0; i < e.tokens.size(); ++i) {
    const bool open = e.trained[i] && (i == 0 || !e.trained[i - 1]);
    const bool close = e.trained[i] && (i + 1 == e.tokens.size() || !e.trained[i + 1]);
    if (open) out += "[[";
    out += vocab.piece(e.tokens[i], /*render_special=*/true);
    if (close) out += "]]";
  }
  return out;
}

}  // namespace uniner::train

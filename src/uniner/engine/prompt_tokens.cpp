#include "engine/prompt_tokens.h"

namespace uniner {

std::vector<TokenId> prefix_tokens(const Vocab& vocab, std::string_view text,
                                   const PromptTemplate& prompt) {
  return vocab.tokenize(prompt_prefix(text, prompt), /*add_bos=*/true, /*parse_special=*/true);
}

std::vector<TokenId> query_tokens(const Vocab& vocab, std::string_view type) {
  return vocab.tokenize(prompt_query(type), /*add_bos=*/false, /*parse_special=*/true);
}

std::vector<TokenId> prompt_tokens(const Vocab& vocab, std::string_view text, std::string_view type,
                                   const PromptTemplate& prompt) {
  auto tokens = prefix_tokens(vocab, text, prompt);
  const auto q = query_tokens(vocab, type);
  tokens.insert(tokens.end(), q.begin(), q.end());
  return tokens;
}

}  // namespace uniner

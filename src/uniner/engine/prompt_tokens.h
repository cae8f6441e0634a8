// The tokens the engine feeds for a prompt: BOS, the shared prefix (system + passage turn, up to
// and including the first "</s>", parsed as the EOS special token), then the per-type query.
// prefix_tokens(...) + query_tokens(...) equals tokenizing inference_prompt(...) at once: the split
// is at a special token, after which SentencePiece adds its dummy-prefix space either way.
#pragma once

#include <string_view>
#include <vector>

#include "uniner/engine/vocab.h"
#include "uniner/format/conversation.h"

namespace uniner {

std::vector<TokenId> prefix_tokens(const Vocab& vocab, std::string_view text,
                                   const PromptTemplate& prompt = {});
std::vector<TokenId> query_tokens(const Vocab& vocab, std::string_view type);
// prefix_tokens + query_tokens.
std::vector<TokenId> prompt_tokens(const Vocab& vocab, std::string_view text, std::string_view type,
                                   const PromptTemplate& prompt = {});

}  // namespace uniner

// What a Vocab holds, and tokenizer helpers shared inside engine/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/llama_handles.h"
#include "uniner/vocab.h"

namespace uniner {

struct Vocab::Impl {
  engine::ModelPtr owned;              // set for a vocabulary-only load
  const llama_vocab* vocab = nullptr;  // borrowed from `owned` or from a full model
};

namespace engine {
std::vector<TokenId> tokenize(const llama_vocab* vocab, std::string_view text, bool add_bos,
                              bool parse_special);
std::string token_piece(const llama_vocab* vocab, TokenId token, bool special);
}  // namespace engine

}  // namespace uniner

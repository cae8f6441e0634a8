// What a Vocab holds, and tokenizer helpers shared inside engine/.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/llama_handles.h"
#include "uniner/engine/model.h"
#include "uniner/engine/vocab.h"

namespace uniner {

struct Vocab::Impl {
  engine::ModelPtr owned;              // set for a vocabulary-only load
  const llama_vocab* vocab = nullptr;  // borrowed from `owned` or from a full model
  const llama_model* model = nullptr;  // the vocabulary's model (its metadata), never null
};

namespace engine {

// The engine's door to the private state of the public handles.
struct Access {
  static Vocab make_vocab(std::unique_ptr<Vocab::Impl> impl) { return Vocab(std::move(impl)); }
  static const Vocab::Impl& impl(const Vocab& v) { return *v.impl_; }
  static const Model::Impl& model(const Model& m);  // model.cpp
};

std::vector<TokenId> tokenize(const llama_vocab* vocab, std::string_view text, bool add_bos,
                              bool parse_special);
std::string token_piece(const llama_vocab* vocab, TokenId token, bool special);
}  // namespace engine

}  // namespace uniner

// A tokenizer loaded from a GGUF file (vocabulary only; no weights are read).
//
// Ownership: Vocab is a move-only handle that owns the llama.cpp vocabulary (a Model's vocab()
// is owned by the Model and lives as long as it). Threads: const methods may be called from
// several threads (the Extractors of a shared Model do). Errors: load throws InputError for a
// missing file, not a regular file, not GGUF, or a model llama.cpp cannot load; tokenize and
// count_tokens throw Error when llama.cpp's tokenizer fails.
//
//   auto vocab = uniner::Vocab::load("models/ggml-vocab-llama-spm.gguf");
//   auto ids = vocab.tokenize(uniner::inference_prompt(text, type), /*add_bos=*/true,
//                             /*parse_special=*/true);
//   std::size_t n = vocab.count_tokens("some passage");
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "uniner/format/conversation.h"

namespace uniner {

namespace engine {
struct Access;
}

using TokenId = std::int32_t;

class Vocab {
 public:
  // Throws InputError when the file is missing or is not a GGUF model with a vocabulary.
  static Vocab load(const std::string& gguf_path);

  Vocab(Vocab&&) noexcept;
  Vocab& operator=(Vocab&&) noexcept;
  ~Vocab();

  // SentencePiece tokenization as the original: with parse_special, "</s>" becomes the EOS token.
  std::vector<TokenId> tokenize(std::string_view text, bool add_bos, bool parse_special) const;
  // Tokens of a plain text (no BOS, special-token text not parsed).
  std::size_t count_tokens(std::string_view text) const;
  // The text of one token; special tokens (BOS, EOS...) are rendered as their text, or give ""
  // with render_special false (as a detokenizer skipping special tokens).
  std::string piece(TokenId token, bool render_special = true) const;
  TokenId bos() const;
  TokenId eos() const;
  // Whether generation stops at this token (EOS, and for some vocabularies end-of-turn tokens).
  bool is_end_of_generation(TokenId token) const;
  // The conversation template stored with the model (uniner.* keys, written by init-model and
  // train); without them the original's, with this vocabulary's EOS text as the separator.
  // Throws InputError for a template name this version does not know.
  PromptTemplate prompt_template() const;
  std::size_t size() const;

  struct Impl;  // opaque: defined inside the engine

 private:
  friend struct engine::Access;  // the engine's own code reaches the llama.cpp handles
  explicit Vocab(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner

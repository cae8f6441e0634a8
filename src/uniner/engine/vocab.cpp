#include "uniner/engine/vocab.h"

#include "engine/llama_handles.h"
#include "engine/vocab_impl.h"
#include "uniner/error.h"

namespace uniner {

Vocab::Vocab(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Vocab::Vocab(Vocab&&) noexcept = default;
Vocab& Vocab::operator=(Vocab&&) noexcept = default;
Vocab::~Vocab() = default;

Vocab Vocab::load(const std::string& gguf_path) {
  auto params = llama_model_default_params();
  params.vocab_only = true;
  auto impl = std::make_unique<Impl>();
  impl->owned = engine::load_model_file(gguf_path, params);
  impl->vocab = llama_model_get_vocab(impl->owned.get());
  return Vocab(std::move(impl));
}

std::vector<TokenId> Vocab::tokenize(std::string_view text, bool add_bos,
                                     bool parse_special) const {
  return engine::tokenize(impl_->vocab, text, add_bos, parse_special);
}

std::size_t Vocab::count_tokens(std::string_view text) const {
  return tokenize(text, false, false).size();
}

std::string Vocab::piece(TokenId token, bool render_special) const {
  return engine::token_piece(impl_->vocab, token, render_special);
}
TokenId Vocab::bos() const {
  return llama_vocab_bos(impl_->vocab);
}
TokenId Vocab::eos() const {
  return llama_vocab_eos(impl_->vocab);
}
std::size_t Vocab::size() const {
  return static_cast<std::size_t>(llama_vocab_n_tokens(impl_->vocab));
}

namespace engine {

std::vector<TokenId> tokenize(const llama_vocab* vocab, std::string_view text, bool add_bos,
                              bool parse_special) {
  const auto len = static_cast<int32_t>(text.size());
  std::vector<TokenId> out(text.size() + 8);
  int32_t n = llama_tokenize(vocab, text.data(), len, out.data(), static_cast<int32_t>(out.size()),
                             add_bos, parse_special);
  if (n < 0) {
    out.resize(static_cast<std::size_t>(-n));
    n = llama_tokenize(vocab, text.data(), len, out.data(), static_cast<int32_t>(out.size()),
                       add_bos, parse_special);
  }
  if (n < 0) throw Error("tokenizer failed on a text of " + std::to_string(text.size()) + " bytes");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string token_piece(const llama_vocab* vocab, TokenId token, bool special) {
  char buf[256];
  int32_t n = llama_token_to_piece(vocab, token, buf, sizeof buf, 0, special);
  if (n < 0) {
    std::string big(static_cast<std::size_t>(-n), '\0');
    n = llama_token_to_piece(vocab, token, big.data(), -n, 0, special);
    big.resize(static_cast<std::size_t>(std::max(n, 0)));
    return big;
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace engine
}  // namespace uniner

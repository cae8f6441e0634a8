#include "uniner/engine/vocab.h"

#include <optional>

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
  impl->model = impl->owned.get();
  return Vocab(std::move(impl));
}

namespace {

std::optional<std::string> metadata(const llama_model* model, const char* key) {
  const int n = llama_model_meta_val_str(model, key, nullptr, 0);
  if (n < 0) return std::nullopt;
  std::string value(static_cast<std::size_t>(n) + 1, '\0');
  llama_model_meta_val_str(model, key, value.data(), value.size());
  value.resize(static_cast<std::size_t>(n));
  return value;
}

}  // namespace

PromptTemplate Vocab::prompt_template() const {
  PromptTemplate t;
  t.separator = piece(eos(), /*render_special=*/true);
  if (auto name = metadata(impl_->model, kTemplateNameKey); name && *name != kTemplateName) {
    throw InputError("unknown conversation template '" + *name + "' in " + kTemplateNameKey +
                     " (this version knows " + kTemplateName + ")");
  }
  if (auto system = metadata(impl_->model, kTemplateSystemKey)) t.system = *system;
  if (auto separator = metadata(impl_->model, kTemplateSeparatorKey)) t.separator = *separator;
  return t;
}

bool Vocab::is_end_of_generation(TokenId token) const {
  return llama_vocab_is_eog(impl_->vocab, token);
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

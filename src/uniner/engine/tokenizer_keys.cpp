// TokenizerKeys to and from GGUF metadata (tokenizer_keys.h, model_file.h).
#include "engine/tokenizer_keys.h"

#include "engine/gguf_keys.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

// The special ids by their GGUF key, in the order gguf-py writes them.
struct SpecialId {
  const char* key;
  std::optional<std::int64_t> TokenizerKeys::*id;
};
constexpr SpecialId kSpecialIds[] = {
    {"tokenizer.ggml.bos_token_id", &TokenizerKeys::bos},
    {"tokenizer.ggml.eos_token_id", &TokenizerKeys::eos},
    {"tokenizer.ggml.unknown_token_id", &TokenizerKeys::unk},
    {"tokenizer.ggml.seperator_token_id", &TokenizerKeys::sep},  // sic: gguf-py's spelling
    {"tokenizer.ggml.padding_token_id", &TokenizerKeys::pad},
};

struct Flag {
  const char* key;
  std::optional<bool> TokenizerKeys::*value;
};
constexpr Flag kFlags[] = {
    {"tokenizer.ggml.add_bos_token", &TokenizerKeys::add_bos},
    {"tokenizer.ggml.add_eos_token", &TokenizerKeys::add_eos},
    {"tokenizer.ggml.add_space_prefix", &TokenizerKeys::add_space_prefix},
};

}  // namespace

void set_tokenizer_keys(gguf_context* g, const TokenizerKeys& k) {
  const std::size_t n = k.tokens.size();
  if (k.scores.size() != n || k.types.size() != n) {
    throw InputError("tokenizer: " + std::to_string(n) + " tokens but " +
                     std::to_string(k.scores.size()) + " scores and " +
                     std::to_string(k.types.size()) + " token types");
  }
  gguf_set_val_str(g, "tokenizer.ggml.model", k.model.c_str());
  gguf_set_val_str(g, "tokenizer.ggml.pre", k.pre.c_str());
  std::vector<const char*> texts;
  texts.reserve(n);
  for (const auto& t : k.tokens) texts.push_back(t.c_str());
  gguf_set_arr_str(g, "tokenizer.ggml.tokens", texts.data(), n);
  gguf_set_arr_data(g, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, k.scores.data(), n);
  gguf_set_arr_data(g, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, k.types.data(), n);
  for (const auto& s : kSpecialIds) {
    const auto& id = k.*(s.id);
    if (!id) continue;
    if (*id < 0 || static_cast<std::size_t>(*id) >= n) {
      throw InputError(std::string("tokenizer: ") + s.key + " " + std::to_string(*id) +
                       " is outside the vocabulary of " + std::to_string(n) + " tokens");
    }
    gguf_set_val_u32(g, s.key, static_cast<std::uint32_t>(*id));
  }
  for (const auto& f : kFlags) {
    if (const auto& v = k.*(f.value)) gguf_set_val_bool(g, f.key, *v);
  }
  if (k.chat_template) gguf_set_val_str(g, "tokenizer.chat_template", k.chat_template->c_str());
}

TokenizerKeys read_tokenizer_keys(const std::string& path) {
  const GgufKeys keys = GgufKeys::open(path);
  const gguf_context* g = keys.get();
  TokenizerKeys k;
  k.model = keys.has("tokenizer.ggml.model") ? keys.string("tokenizer.ggml.model") : "";
  if (keys.has("tokenizer.ggml.pre")) k.pre = keys.string("tokenizer.ggml.pre");
  const auto array = [&](const char* key, gguf_type type) {
    const std::int64_t id = gguf_find_key(g, key);
    if (id < 0 || gguf_get_kv_type(g, id) != GGUF_TYPE_ARRAY || gguf_get_arr_type(g, id) != type) {
      throw InputError(path + ": no " + key + " array of the expected type (a vocabulary of "
                       "tokens, scores and token types, as SentencePiece vocabularies have)");
    }
    return id;
  };
  const std::int64_t tokens = array("tokenizer.ggml.tokens", GGUF_TYPE_STRING);
  const std::size_t n = gguf_get_arr_n(g, tokens);
  for (std::size_t i = 0; i < n; ++i) k.tokens.emplace_back(gguf_get_arr_str(g, tokens, i));
  const std::int64_t scores = array("tokenizer.ggml.scores", GGUF_TYPE_FLOAT32);
  const std::int64_t types = array("tokenizer.ggml.token_type", GGUF_TYPE_INT32);
  if (gguf_get_arr_n(g, scores) != n || gguf_get_arr_n(g, types) != n) {
    throw InputError(path + ": the tokenizer's tokens, scores and token types differ in length");
  }
  const auto* sp = static_cast<const float*>(gguf_get_arr_data(g, scores));
  const auto* tp = static_cast<const std::int32_t*>(gguf_get_arr_data(g, types));
  k.scores.assign(sp, sp + n);
  k.types.assign(tp, tp + n);
  for (const auto& s : kSpecialIds) {
    if (keys.has(s.key)) k.*(s.id) = keys.integer(s.key);
  }
  for (const auto& f : kFlags) {
    const std::int64_t id = gguf_find_key(g, f.key);
    if (id >= 0 && gguf_get_kv_type(g, id) == GGUF_TYPE_BOOL) k.*(f.value) = gguf_get_val_bool(g, id);
  }
  if (keys.has("tokenizer.chat_template")) k.chat_template = keys.string("tokenizer.chat_template");
  return k;
}

}  // namespace uniner::engine

// tokenizer.model and its companions to TokenizerKeys (hf_tokenizer.h), after
// convert_hf_to_gguf.py's _create_vocab_sentencepiece and gguf-py's SpecialVocab.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "engine/hf_tokenizer.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

using nlohmann::json;

// gguf-py's TokenType.
enum : std::int32_t { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

json read_json(const std::string& path) {
  std::ifstream in(path);
  try {
    json j = json::parse(in);
    if (!j.is_object()) throw InputError(path + ": not a JSON object");
    return j;
  } catch (const json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
}

// A token text of tokenizer_config.json: "<s>" or {"content": "<s>", ...}.
std::optional<std::string> token_text(const json& config, const std::string& key) {
  if (!config.contains(key)) return std::nullopt;
  const json& v = config[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    return v["content"].get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

TokenizerKeys read_hf_tokenizer(const std::string& dir, const HfConfig& config) {
  namespace fs = std::filesystem;
  const std::string model_path = dir + "/tokenizer.model";
  if (!fs::exists(model_path)) {
    if (fs::exists(dir + "/tokenizer.json")) {
      throw InputError(dir + ": the tokenizer is tokenizer.json only (a Hugging Face BPE "
                       "vocabulary), which this version does not convert; use a GGUF holding "
                       "the same vocabulary as the vocabulary source (llama.cpp's "
                       "convert_hf_to_gguf.py output of this model, or for Qwen2 llama.cpp's "
                       "models/ggml-vocab-qwen2.gguf), or convert the folder with llama.cpp's "
                       "convert_hf_to_gguf.py and then use uniner export");
    }
    throw InputError(model_path + ": missing (a LLaMA folder has a SentencePiece tokenizer.model)");
  }
  std::ifstream in(model_path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw Error(model_path + ": read failed");
  const SentencePieceModel sp = parse_sentencepiece_model(bytes, model_path);
  const std::int64_t n = config.shape.vocab_size;
  TokenizerKeys k;
  k.model = "llama";
  k.pre = "default";
  k.tokens.resize(static_cast<std::size_t>(n));
  k.scores.assign(static_cast<std::size_t>(n), -10000.0f);
  k.types.assign(static_cast<std::size_t>(n), kUnused);
  for (std::int64_t i = 0; i < n; ++i) k.tokens[static_cast<std::size_t>(i)] = "[PAD" + std::to_string(i) + "]";
  const auto pieces = static_cast<std::int64_t>(sp.pieces.size());
  for (std::int64_t id = 0; id < pieces && id < n; ++id) {
    const auto i = static_cast<std::size_t>(id);
    k.tokens[i] = sp.pieces[i];
    k.scores[i] = sp.scores[i];
    // As the converter asks IsUnknown, IsControl, IsUnused, IsByte: user-defined pieces count
    // as normal ones there.
    const std::int32_t t = sp.types[i];
    k.types[i] = t == kUnknown || t == kControl || t == kUnused || t == kByte ? t : kNormal;
  }
  const auto set_added = [&](std::int64_t id, std::string text, bool special) {
    if (id < 0 || id >= n) return;  // the converter skips ids past vocab_size too
    const auto i = static_cast<std::size_t>(id);
    if (!special) {
      // user-defined pieces are pre-normalized: U+2581 back to a space
      for (std::size_t p; (p = text.find("\xE2\x96\x81")) != std::string::npos;) text.replace(p, 3, " ");
    }
    k.tokens[i] = std::move(text);
    k.scores[i] = -1000.0f;
    k.types[i] = special ? kControl : kUserDefined;
  };
  if (fs::exists(dir + "/added_tokens.json")) {
    const json added = read_json(dir + "/added_tokens.json");
    for (const auto& [text, id] : added.items()) {
      if (id.is_number_integer()) {
        const auto i = id.get<std::int64_t>();
        if (i >= 0 && i < n) {
          k.tokens[static_cast<std::size_t>(i)] = text;
          k.scores[static_cast<std::size_t>(i)] = -1000.0f;
          k.types[static_cast<std::size_t>(i)] = kUserDefined;
        }
      }
    }
  }
  json tc = json::object();
  if (fs::exists(dir + "/tokenizer_config.json")) {
    tc = read_json(dir + "/tokenizer_config.json");
    if (tc.contains("added_tokens_decoder") && tc["added_tokens_decoder"].is_object()) {
      for (const auto& [id, data] : tc["added_tokens_decoder"].items()) {
        if (!data.is_object() || !data.contains("content") || !data["content"].is_string()) continue;
        std::int64_t i = -1;
        try {
          i = std::stoll(id);
        } catch (const std::exception&) {
          continue;
        }
        set_added(i, data["content"].get<std::string>(),
                  data.value("special", false) == true);
      }
    }
    const auto flag = [&](const char* key, std::optional<bool>& out) {
      if (tc.contains(key) && tc[key].is_boolean()) out = tc[key].get<bool>();
    };
    flag("add_bos_token", k.add_bos);
    flag("add_eos_token", k.add_eos);
    flag("add_prefix_space", k.add_space_prefix);
    if (tc.contains("chat_template") && tc["chat_template"].is_string()) {
      k.chat_template = tc["chat_template"].get<std::string>();
    }
  }
  // Special ids: config.json first (as SpecialVocab), then the token texts of
  // tokenizer_config.json, then the SentencePiece model's own ids (llama.cpp's SPM defaults).
  const auto find_text = [&](const std::optional<std::string>& text) -> std::optional<std::int64_t> {
    if (!text) return std::nullopt;
    for (std::size_t i = 0; i < k.tokens.size(); ++i) {
      if (k.tokens[i] == *text) return static_cast<std::int64_t>(i);
    }
    return std::nullopt;
  };
  const auto own = [&](std::int64_t id) -> std::optional<std::int64_t> {
    if (id >= 0 && id < n) return id;
    return std::nullopt;
  };
  const auto in_range = [&](std::optional<std::int64_t> id) {
    return id && *id < n ? id : std::nullopt;
  };
  k.bos = in_range(config.bos);
  if (!k.bos) k.bos = find_text(token_text(tc, "bos_token"));
  if (!k.bos) k.bos = own(sp.bos_id);
  k.eos = in_range(config.eos);
  if (!k.eos) k.eos = find_text(token_text(tc, "eos_token"));
  if (!k.eos) k.eos = own(sp.eos_id);
  k.unk = in_range(config.unk);
  if (!k.unk) k.unk = find_text(token_text(tc, "unk_token"));
  if (!k.unk) k.unk = own(sp.unk_id);
  k.sep = in_range(config.sep);
  k.pad = in_range(config.pad);
  return k;
}

}  // namespace uniner::engine

// config.json of a Hugging Face LLaMA/Qwen2 folder as a ModelShape (hf_checkpoint.h).
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/hf_checkpoint.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

using nlohmann::json;

class Config {
 public:
  explicit Config(const std::string& path) : path_(path) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open (a Hugging Face model folder has config.json)");
    try {
      j_ = json::parse(in);
    } catch (const json::exception& e) {
      throw InputError(path + ": not valid JSON: " + e.what());
    }
    if (!j_.is_object()) throw InputError(path + ": not a JSON object");
  }
  const json& raw() const { return j_; }
  bool has(const char* key) const { return j_.contains(key) && !j_[key].is_null(); }
  std::int64_t integer(const char* key, std::optional<std::int64_t> fallback = std::nullopt) const {
    if (!has(key)) return fallback ? *fallback : missing(key);
    if (!j_[key].is_number_integer()) throw bad(key, "is not a whole number");
    return j_[key].get<std::int64_t>();
  }
  double real(const char* key, std::optional<double> fallback = std::nullopt) const {
    if (!has(key)) return fallback ? *fallback : static_cast<double>(missing(key));
    if (!j_[key].is_number()) throw bad(key, "is not a number");
    return j_[key].get<double>();
  }
  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!j_[key].is_boolean()) throw bad(key, "is not true or false");
    return j_[key].get<bool>();
  }
  std::optional<std::int64_t> token_id(const char* key) const {
    // gguf-py takes only a plain integer (a list of EOS ids, as Llama 3 has, is skipped).
    if (has(key) && j_[key].is_number_integer() && j_[key].get<std::int64_t>() >= 0) {
      return j_[key].get<std::int64_t>();
    }
    return std::nullopt;
  }
  InputError bad(const std::string& key, const std::string& why) const {
    return InputError(path_ + ": key '" + key + "' " + why);
  }

 private:
  [[noreturn]] std::int64_t missing(const char* key) const {
    throw InputError(path_ + ": missing key '" + key + "'");
  }
  std::string path_;
  json j_;
};

}  // namespace

HfConfig read_hf_config(const std::string& dir) {
  const std::string path = dir + "/config.json";
  const Config c(path);
  HfConfig out;
  ModelShape& s = out.shape;
  const json& j = c.raw();
  if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
      j["architectures"][0].is_string()) {
    out.architecture = j["architectures"][0].get<std::string>();
  } else if (j.contains("model_type") && j["model_type"].is_string()) {
    const auto t = j["model_type"].get<std::string>();
    out.architecture = t == "llama" ? "LlamaForCausalLM" : t == "qwen2" ? "Qwen2ForCausalLM" : t;
  } else {
    throw InputError(path + ": missing key 'architectures' (and no 'model_type')");
  }
  // "LLaMAForCausalLM": the spelling of the first LLaMA conversions (UniNER-7B's era).
  if (out.architecture == "LlamaForCausalLM" || out.architecture == "LLaMAForCausalLM") {
    s.arch = "llama";
  } else if (out.architecture == "Qwen2ForCausalLM") {
    s.arch = "qwen2";
  } else {
    throw InputError(path + ": architecture '" + out.architecture +
                     "' is not supported (LlamaForCausalLM and Qwen2ForCausalLM are)");
  }
  s.dim = c.integer("hidden_size");
  s.layers = c.integer("num_hidden_layers");
  s.heads = c.integer("num_attention_heads");
  s.kv_heads = c.integer("num_key_value_heads", s.heads);
  s.ff = c.integer("intermediate_size");
  s.norm_eps = static_cast<float>(c.real("rms_norm_eps"));
  s.vocab_size = c.integer("vocab_size");
  s.rope_base = static_cast<float>(c.real("rope_theta", 10000.0));
  s.context = c.integer("max_position_embeddings", 2048);
  s.tied_output = c.boolean("tie_word_embeddings", false);
  // Qwen2 always has q/k/v biases; a LLaMA only with attention_bias (then o_proj has one too,
  // which llama.cpp's llama graph also reads, but this version's model layout does not).
  s.qkv_bias = s.arch == "qwen2";
  if (s.arch == "llama" && c.boolean("attention_bias", false)) {
    throw c.bad("attention_bias", "is true: LLaMA models with attention biases are not supported");
  }
  if (c.boolean("mlp_bias", false)) throw c.bad("mlp_bias", "is true: MLP biases are not supported");
  if (c.has("rope_scaling")) {
    throw c.bad("rope_scaling", "is set: scaled rotary embeddings are not supported");
  }
  if (s.dim <= 0 || s.layers <= 0 || s.heads <= 0 || s.kv_heads <= 0 || s.ff <= 0 ||
      s.vocab_size <= 0 || s.context <= 0 || s.dim % s.heads != 0 || s.heads % s.kv_heads != 0 ||
      s.head_dim() % 2 != 0 || !(s.norm_eps > 0) || !(s.rope_base > 0)) {
    throw InputError(path + ": sizes that do not fit together (hidden_size " +
                     std::to_string(s.dim) + ", num_attention_heads " + std::to_string(s.heads) +
                     ", num_key_value_heads " + std::to_string(s.kv_heads) + ", intermediate_size " +
                     std::to_string(s.ff) + ", vocab_size " + std::to_string(s.vocab_size) + ")");
  }
  if (c.has("head_dim") && c.integer("head_dim") != s.head_dim()) {
    throw c.bad("head_dim", "differs from hidden_size / num_attention_heads (" +
                                std::to_string(s.head_dim()) + "): not supported");
  }
  out.bos = c.token_id("bos_token_id");
  out.eos = c.token_id("eos_token_id");
  out.unk = c.token_id("unk_token_id");
  out.sep = c.token_id("sep_token_id");
  out.pad = c.token_id("pad_token_id");
  return out;
}

}  // namespace uniner::engine

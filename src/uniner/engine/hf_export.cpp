// export_hf (hf_import.h): a GGUF to the Hugging Face layout: config.json, model.safetensors
// (HF names, q/k rows permuted back for llama), and for a SentencePiece vocabulary
// tokenizer.model, tokenizer_config.json and special_tokens_map.json.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/gguf_keys.h"
#include "engine/hf_layout.h"
#include "engine/hf_safetensors.h"
#include "engine/hf_tokenizer.h"
#include "engine/model_file.h"
#include "format/file_io.h"
#include "uniner/engine/hf_import.h"
#include "uniner/error.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// A small file written whole: temporary name, checked, renamed.
void write_text(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
    out << text;
    check_written(out, path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename " + tmp + " to it: " + std::strerror(errno));
  }
}

engine::HfDtype input_dtype(const engine::GgufKeys& keys) {
  const gguf_context* g = keys.get();
  const int64_t id = gguf_find_tensor(g, "token_embd.weight");
  if (id >= 0 && gguf_get_tensor_type(g, id) == GGML_TYPE_F16) return engine::HfDtype::kF16;
  if (id >= 0 && gguf_get_tensor_type(g, id) == GGML_TYPE_BF16) return engine::HfDtype::kBF16;
  return engine::HfDtype::kF32;
}

const char* torch_dtype(engine::HfDtype d) {
  switch (d) {
    case engine::HfDtype::kF16: return "float16";
    case engine::HfDtype::kBF16: return "bfloat16";
    case engine::HfDtype::kF32: break;
  }
  return "float32";
}

ordered_json config_json(const engine::ModelFile& file, const engine::TokenizerKeys& tok,
                         engine::HfDtype dtype) {
  const engine::ModelShape& s = file.shape();
  const bool llama = s.arch == "llama";
  ordered_json c;
  c["architectures"] = {llama ? "LlamaForCausalLM" : "Qwen2ForCausalLM"};
  c["model_type"] = s.arch;
  c["hidden_size"] = s.dim;
  c["intermediate_size"] = s.ff;
  c["num_attention_heads"] = s.heads;
  c["num_hidden_layers"] = s.layers;
  c["num_key_value_heads"] = s.kv_heads;
  c["hidden_act"] = "silu";
  c["max_position_embeddings"] = s.context;
  c["rms_norm_eps"] = s.norm_eps;
  c["rope_theta"] = s.rope_base;
  c["vocab_size"] = s.vocab_size;
  c["tie_word_embeddings"] = s.tied_output;
  if (llama) c["attention_bias"] = false;
  if (tok.bos) c["bos_token_id"] = *tok.bos;
  if (tok.eos) c["eos_token_id"] = *tok.eos;
  if (tok.pad) c["pad_token_id"] = *tok.pad;
  c["torch_dtype"] = torch_dtype(dtype);
  // Not read by transformers (kept as an extra attribute); import-hf restores the template.
  if (file.has_template_metadata()) {
    c["uniner"] = {{"template", kTemplateName},
                   {"system", file.prompt_template().system},
                   {"separator", file.prompt_template().separator}};
  }
  return c;
}

void prepare_dir(const ExportHfOptions& o) {
  std::error_code ec;
  if (fs::exists(o.out_dir, ec) && !fs::is_directory(o.out_dir, ec)) {
    throw InputError(o.out_dir + ": exists and is not a folder");
  }
  if (fs::is_directory(o.out_dir, ec) && !fs::is_empty(o.out_dir, ec) && !o.overwrite) {
    throw InputError(o.out_dir + ": the folder is not empty; nothing was written (allow "
                     "overwriting to replace its files)");
  }
  fs::create_directories(o.out_dir, ec);
  if (ec) throw Error(o.out_dir + ": cannot create the folder: " + ec.message());
}

}  // namespace

ExportHfResult export_hf(const ExportHfOptions& o) {
  const engine::ModelFile file = engine::ModelFile::open(o.input_path);  // refuses quantized
  const engine::GgufKeys keys = engine::GgufKeys::open(o.input_path);
  const engine::ModelShape& s = file.shape();
  const engine::HfDtype dtype =
      o.type ? (*o.type == FloatType::kF16    ? engine::HfDtype::kF16
                : *o.type == FloatType::kBF16 ? engine::HfDtype::kBF16
                                              : engine::HfDtype::kF32)
             : input_dtype(keys);
  engine::TokenizerKeys tok;
  std::string note;
  try {
    tok = engine::read_tokenizer_keys(o.input_path);
  } catch (const InputError&) {
    tok.model = keys.has("tokenizer.ggml.model") ? keys.string("tokenizer.ggml.model") : "none";
  }
  const bool sentencepiece = tok.model == "llama" && !tok.tokens.empty();
  if (!sentencepiece) {
    note = "the vocabulary is '" + tok.model + "', not SentencePiece: no tokenizer files were "
           "written (copy tokenizer.json and tokenizer_config.json from the original model)";
  }
  const std::vector<std::string> names = {"config.json", "model.safetensors", "tokenizer.model",
                                          "tokenizer_config.json", "special_tokens_map.json"};
  for (const auto& n : names) refuse_same_file(o.input_path, o.out_dir + "/" + n);
  prepare_dir(o);

  ExportHfResult result;
  const auto out = [&](const std::string& name) {
    result.files.push_back(name);
    return o.out_dir + "/" + name;
  };
  std::vector<engine::SafetensorsEntry> entries;
  std::map<std::string, engine::TensorSpec> spec_of;
  for (const auto& spec : engine::model_tensors(s)) {
    const std::string hf = engine::hf_name(spec.name);
    entries.push_back({hf, spec.shape});
    spec_of.emplace(hf, spec);
  }
  std::vector<float> scratch;
  engine::write_safetensors(out("model.safetensors"), entries, dtype,
                            [&](const engine::SafetensorsEntry& e, float* dst) {
    const engine::TensorSpec& spec = spec_of.at(e.name);
    const std::int64_t heads = engine::permuted_heads(s, spec.name);
    if (heads == 0) {
      file.read_tensor(spec.name, dst, spec.numel());
      return;
    }
    scratch.resize(static_cast<std::size_t>(spec.numel()));
    file.read_tensor(spec.name, scratch.data(), spec.numel());
    const std::int64_t cols = spec.shape.size() > 1 ? spec.shape[1] : 1;
    engine::permute_rows_to_hf(scratch.data(), dst, heads, spec.shape[0], cols);
  });
  write_text(out("config.json"), config_json(file, tok, dtype).dump(2) + "\n");
  if (sentencepiece) {
    write_text(out("tokenizer.model"), engine::sentencepiece_model_proto(tok));
    ordered_json tc, special;
    const auto text = [&](const std::optional<std::int64_t>& id) { return tok.tokens[static_cast<std::size_t>(*id)]; };
    for (const auto& [key, id] : {std::pair<const char*, std::optional<std::int64_t>>{"bos_token", tok.bos},
                                  {"eos_token", tok.eos}, {"unk_token", tok.unk}, {"pad_token", tok.pad}}) {
      if (id) tc[key] = text(id), special[key] = text(id);
    }
    tc["add_bos_token"] = tok.add_bos.value_or(true);  // llama.cpp's SentencePiece defaults
    tc["add_eos_token"] = tok.add_eos.value_or(false);
    tc["tokenizer_class"] = "LlamaTokenizer";
    tc["legacy"] = true;  // LLaMA-1/2 behaviour: a space is added after special tokens
    tc["model_max_length"] = s.context;
    if (tok.chat_template) tc["chat_template"] = *tok.chat_template;
    write_text(out("tokenizer_config.json"), tc.dump(2) + "\n");
    write_text(out("special_tokens_map.json"), special.dump(2) + "\n");
  }
  result.tokenizer_note = note;
  return result;
}

}  // namespace uniner

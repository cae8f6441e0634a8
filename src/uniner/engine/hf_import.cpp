// import_hf (hf_import.h): a Hugging Face folder to GGUF through write_model_file, one tensor at
// a time, q/k rows permuted for llama; quantized afterwards by export_model when asked.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/gguf_keys.h"
#include "engine/hf_checkpoint.h"
#include "engine/hf_layout.h"
#include "engine/hf_tokenizer.h"
#include "engine/model_file.h"
#include "format/file_io.h"
#include "uniner/engine/hf_import.h"
#include "uniner/error.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using engine::HfTensor;

// HF tensors that carry no weights: old LLaMA checkpoints (UniNER-7B's) save the rotary
// frequencies as a buffer; llama.cpp recomputes them, as its converter skips them.
bool ignorable(const std::string& name) {
  const std::string tail = ".rotary_emb.inv_freq";
  return name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
}

// The HF tensor behind each GGUF tensor, shapes checked; every HF tensor is used or ignorable.
std::map<std::string, const HfTensor*> match_tensors(const std::string& dir,
                                                    const engine::ModelShape& shape,
                                                    const engine::HfTensorMap& tensors) {
  std::map<std::string, const HfTensor*> out;
  std::set<std::string> used;
  for (const auto& spec : engine::model_tensors(shape)) {
    const std::string hf = engine::hf_name(spec.name);
    const auto it = tensors.find(hf);
    if (it == tensors.end()) {
      throw InputError(dir + ": missing tensor " + hf +
                       (spec.name == "output.weight" ? " (config.json's tie_word_embeddings is false)" : ""));
    }
    if (it->second.shape != spec.shape) {
      throw InputError(it->second.file + ": tensor " + hf + " has shape " +
                       engine::dims_text(it->second.shape) + ", config.json gives " +
                       engine::dims_text(spec.shape));
    }
    out.emplace(spec.name, &it->second);
    used.insert(hf);
  }
  for (const auto& [name, t] : tensors) {
    if (used.count(name) || ignorable(name)) continue;
    if (name == "lm_head.weight" && shape.tied_output) continue;  // transformers ties it too
    throw InputError(t.file + ": tensor " + name + " is not part of a " + shape.arch +
                     " model as this version reads it");
  }
  return out;
}

// uniner.* keys that `uniner export --hf` put in config.json: the template travels back.
std::optional<PromptTemplate> exported_template(const std::string& dir) {
  std::ifstream in(dir + "/config.json");
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("uniner") || !j["uniner"].is_object()) return std::nullopt;
  const auto& u = j["uniner"];
  if (!u.contains("system") || !u["system"].is_string() || !u.contains("separator") ||
      !u["separator"].is_string()) {
    return std::nullopt;
  }
  PromptTemplate t;
  t.system = u["system"].get<std::string>();
  t.separator = u["separator"].get<std::string>();
  return t;
}

void refuse_input_as_output(const ImportHfOptions& o, const engine::HfWeights& w) {
  std::set<std::string> files;
  for (const auto& [_, t] : w.tensors) files.insert(t.file);
  for (const auto& f : files) refuse_same_file(f, o.out_path);
  for (const char* f : {"config.json", "tokenizer.model"}) refuse_same_file(o.input_dir + "/" + f, o.out_path);
  if (!o.vocab_path.empty()) refuse_same_file(o.vocab_path, o.out_path);
  if (fs::is_directory(o.out_path)) throw InputError(o.out_path + ": is a directory");
}

}  // namespace

ImportHfResult import_hf(const ImportHfOptions& o, const ImportHfProgress& progress) {
  const engine::HfConfig config = engine::read_hf_config(o.input_dir);
  const engine::HfWeights weights = engine::read_hf_weights(o.input_dir);
  refuse_input_as_output(o, weights);
  const auto sources = match_tensors(o.input_dir, config.shape, weights.tensors);

  ImportHfResult result;
  result.architecture = config.architecture;
  result.weights = weights.format + ", " + std::to_string(weights.files) +
                   (weights.files == 1 ? " file" : " files");
  engine::ModelWriteOptions w;
  w.shape = config.shape;
  w.type = o.type;
  w.name = fs::path(o.input_dir).lexically_normal().filename().string();
  if (w.name.empty() || w.name == ".") w.name = fs::path(o.input_dir).lexically_normal().parent_path().filename().string();
  if (o.vocab_path.empty()) {
    w.tokenizer = engine::read_hf_tokenizer(o.input_dir, config);
    if (!w.tokenizer->eos) throw InputError(o.input_dir + ": the tokenizer has no end-of-sequence token");
    w.prompt.separator = w.tokenizer->tokens[static_cast<std::size_t>(*w.tokenizer->eos)];
    result.tokenizer = "tokenizer.model (SentencePiece, " +
                       std::to_string(w.tokenizer->tokens.size()) + " tokens)";
  } else {
    const engine::GgufKeys vocab = engine::GgufKeys::open(o.vocab_path);
    w.tokenizer_from = o.vocab_path;
    w.prompt.separator = engine::eos_text(vocab);
    result.tokenizer = o.vocab_path + " (" +
                       std::to_string(vocab.array_size("tokenizer.ggml.tokens")) + " tokens)";
  }
  if (const auto t = exported_template(o.input_dir)) w.prompt = *t;

  // With quantization the f16/f32 file is an intermediate beside the output.
  const std::string target = o.quantize ? o.out_path + ".import.tmp" : o.out_path;
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      if (!path.empty()) std::remove(path.c_str());
    }
  } cleanup{o.quantize ? target : std::string()};

  const std::size_t total = sources.size();
  std::size_t done = 0;
  std::vector<float> scratch;
  engine::write_model_file(target, w, [&](const engine::TensorSpec& spec, float* dst) {
    const HfTensor& t = *sources.at(spec.name);
    const std::int64_t heads = engine::permuted_heads(config.shape, spec.name);
    if (heads == 0) {
      engine::read_hf_tensor(engine::hf_name(spec.name), t, dst);
    } else {
      scratch.resize(static_cast<std::size_t>(spec.numel()));
      engine::read_hf_tensor(engine::hf_name(spec.name), t, scratch.data());
      const std::int64_t cols = spec.shape.size() > 1 ? spec.shape[1] : 1;
      engine::permute_rows_to_gguf(scratch.data(), dst, heads, spec.shape[0], cols);
    }
    if (progress) progress(++done, total);
  });
  result.tensors = total;
  if (o.quantize) {
    ExportOptions e;
    e.input_path = target;
    e.out_path = o.out_path;
    e.quantize = o.quantize;
    e.threads = o.threads;
    const ExportResult r = export_model(e);
    result.description = r.description;
    result.bytes = r.bytes;
  } else {
    std::error_code ec;
    result.bytes = fs::file_size(o.out_path, ec);
  }
  return result;
}

}  // namespace uniner

// Reading and writing the weights of a LLaMA-family GGUF as plain float arrays. The trainer (and
// init-model, export) meet the engine here: the trainer never includes ggml, the engine never
// includes torch. Private to the library (engine/ and train/).
//
// Tensor shapes are given in row-major order (torch order): GGUF's ne = {cols, rows} is
// {rows, cols} here, so a projection is {out, in} exactly as torch's Linear weight.
// Names are GGUF's: token_embd.weight, blk.N.attn_norm.weight, blk.N.attn_{q,k,v,output}.weight,
// blk.N.attn_{q,k,v}.bias (qwen2), blk.N.ffn_norm.weight, blk.N.ffn_{gate,up,down}.weight,
// output_norm.weight, output.weight (absent when the output is tied to token_embd).
//
// Errors: InputError for a file that is not GGUF, an architecture other than llama/qwen2, a
// missing hyper-parameter or tensor, or a quantized tensor (the message says to use the F16/F32
// file); Error for I/O failures (every write is checked; the file appears only when complete).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "uniner/engine/model_init.h"
#include "uniner/format/conversation.h"

namespace uniner::engine {

// Storage type of the matrices in a written file (norms and biases are always F32): the public
// FloatType of init-model, export and train.
using WeightType = FloatType;

struct ModelShape {
  std::string arch = "llama";  // "llama" or "qwen2"
  std::int64_t vocab_size = 0;
  std::int64_t dim = 0;
  std::int64_t layers = 0;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;  // == heads without grouped-query attention
  std::int64_t ff = 0;
  std::int64_t context = 2048;  // trained context length (metadata)
  float norm_eps = 1e-6f;       // RMSNorm epsilon
  float rope_base = 10000.0f;   // rotary frequency base
  bool tied_output = false;     // no output.weight: logits use token_embd.weight
  bool qkv_bias = false;        // attn_{q,k,v}.bias present (qwen2)

  std::int64_t head_dim() const { return dim / heads; }
};

// The tensor names and shapes (torch order) a model of this shape has, in file order.
struct TensorSpec {
  std::string name;
  std::vector<std::int64_t> shape;
  std::int64_t numel() const;
};
std::vector<TensorSpec> model_tensors(const ModelShape& shape);

// An opened GGUF model file (metadata in memory, tensor data read on demand).
class ModelFile {
 public:
  static ModelFile open(const std::string& path);
  ModelFile(ModelFile&&) noexcept;
  ModelFile& operator=(ModelFile&&) noexcept;
  ~ModelFile();

  const std::string& path() const;
  const ModelShape& shape() const;
  // The template the model was trained with (uniner.* keys), or the original's with the
  // vocabulary's end-of-sequence token text as the separator when the keys are absent.
  const PromptTemplate& prompt_template() const;
  // Whether the file was written with uniner.* template keys.
  bool has_template_metadata() const;
  // Reads one tensor (F32, F16 or BF16 in the file) converted to float into dst[0..numel).
  // Throws InputError for an unknown name or a size mismatch.
  void read_tensor(const std::string& name, float* dst, std::int64_t numel) const;

 private:
  struct Impl;
  explicit ModelFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct TensorData {
  std::string name;
  std::vector<std::int64_t> shape;  // torch order
  const float* data = nullptr;      // numel floats, row-major
};

// A vocabulary as GGUF's tokenizer.* keys hold it, for a writer whose tokenizer comes from
// elsewhere than a GGUF (import-hf reads it from a Hugging Face tokenizer.model). Unset optional
// values are not written, and llama.cpp then uses its defaults for the model type.
struct TokenizerKeys {
  std::string model = "llama";  // tokenizer.ggml.model: "llama" = SentencePiece
  std::string pre = "default";  // tokenizer.ggml.pre
  std::vector<std::string> tokens;
  std::vector<float> scores;        // one per token
  std::vector<std::int32_t> types;  // one per token: 1 normal, 2 unknown, 3 control,
                                    // 4 user-defined, 5 unused, 6 byte (gguf-py's TokenType)
  std::optional<std::int64_t> bos, eos, unk, sep, pad;
  std::optional<bool> add_bos, add_eos, add_space_prefix;
  std::optional<std::string> chat_template;
};

// The tokenizer.* keys of a GGUF (tokens, scores, types and the special ids above); InputError
// naming the file when it has no SentencePiece-style token list.
TokenizerKeys read_tokenizer_keys(const std::string& gguf_path);

struct ModelWriteOptions {
  std::string tokenizer_from;  // a GGUF whose tokenizer.* keys (and general.* if any) are copied
  std::optional<TokenizerKeys> tokenizer;  // set: written instead of tokenizer_from's keys
  ModelShape shape;
  PromptTemplate prompt;       // written as uniner.* keys
  WeightType type = WeightType::kF32;
  std::string name = "uniner-student";  // general.name
};

// Writes a GGUF loadable by llama.cpp (and by ModelFile::open), tensors in the given order.
// Written to `path` + ".tmp" and renamed when complete.
void write_model_file(const std::string& path, const ModelWriteOptions& options,
                      std::span<const TensorData> tensors);

// The same, streaming: `fill` writes each tensor's numel floats into dst, asked in the order of
// model_tensors(options.shape), one tensor in memory at a time (init-model and export of a large
// model need no full copy of the weights). Added by the engine beside the lead's interface.
using TensorFill = std::function<void(const TensorSpec& spec, float* dst)>;
void write_model_file(const std::string& path, const ModelWriteOptions& options,
                      const TensorFill& fill);

}  // namespace uniner::engine

// Writing a LLaMA-family GGUF from float arrays (model_file.h): the metadata through gguf.h, then
// the tensor data streamed one converted chunk at a time, so a 1B model needs no second copy.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include "engine/gguf_keys.h"
#include "engine/llama_handles.h"
#include "engine/model_file.h"
#include "engine/tokenizer_keys.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

struct GgmlDeleter {
  void operator()(ggml_context* g) const { ggml_free(g); }
};

void check_write_shape(const ModelShape& s) {
  if (s.arch != "llama" && s.arch != "qwen2") {
    throw InputError("architecture '" + s.arch + "' cannot be written (llama or qwen2)");
  }
  if (s.vocab_size <= 0 || s.dim <= 0 || s.layers <= 0 || s.heads <= 0 || s.kv_heads <= 0 ||
      s.ff <= 0 || s.context <= 0 || s.dim % s.heads != 0 || s.heads % s.kv_heads != 0 ||
      s.head_dim() % 2 != 0) {
    throw InputError("inconsistent model shape (vocabulary " + std::to_string(s.vocab_size) +
                     ", dim " + std::to_string(s.dim) + ", layers " + std::to_string(s.layers) +
                     ", heads " + std::to_string(s.heads) + ", kv heads " +
                     std::to_string(s.kv_heads) + ", ff " + std::to_string(s.ff) + ", context " +
                     std::to_string(s.context) + ")");
  }
}

// Every tensor of the shape exactly once, with its shape and data.
void check_tensors(const ModelShape& shape, std::span<const TensorData> tensors) {
  std::map<std::string, std::vector<std::int64_t>> expected;
  for (auto& spec : model_tensors(shape)) expected.emplace(spec.name, spec.shape);
  std::set<std::string> seen;
  for (const auto& t : tensors) {
    const auto it = expected.find(t.name);
    if (it == expected.end()) {
      throw InputError("tensor " + t.name + " is not part of a " + shape.arch +
                       " model of this shape");
    }
    if (!seen.insert(t.name).second) throw InputError("tensor " + t.name + " given twice");
    if (t.shape != it->second || t.data == nullptr) {
      throw InputError("tensor " + t.name + " has the wrong shape or no data");
    }
  }
  for (const auto& [name, _] : expected) {
    if (!seen.count(name)) throw InputError("tensor " + name + " is missing");
  }
}

ggml_type storage_type(WeightType type) {
  switch (type) {
    case WeightType::kF16: return GGML_TYPE_F16;
    case WeightType::kBF16: return GGML_TYPE_BF16;
    case WeightType::kF32: break;
  }
  return GGML_TYPE_F32;
}

std::uint32_t file_type(WeightType type) {
  switch (type) {
    case WeightType::kF16: return LLAMA_FTYPE_MOSTLY_F16;
    case WeightType::kBF16: return LLAMA_FTYPE_MOSTLY_BF16;
    case WeightType::kF32: break;
  }
  return LLAMA_FTYPE_ALL_F32;
}

// The tokenizer (and general.*) of options.tokenizer_from, another model's hyper-parameters
// left out.
GgufPtr tokenizer_from_gguf(const ModelWriteOptions& o) {
  const GgufKeys vocab = GgufKeys::open(o.tokenizer_from);
  const std::int64_t n_tokens = vocab.array_size("tokenizer.ggml.tokens");
  if (n_tokens != o.shape.vocab_size) {
    throw InputError(o.tokenizer_from + ": the vocabulary has " + std::to_string(n_tokens) +
                     " tokens, the model " + std::to_string(o.shape.vocab_size));
  }
  GgufPtr out(gguf_init_empty());
  gguf_set_kv(out.get(), vocab.get());
  std::vector<std::string> drop;  // another model's hyper-parameters must not leak in
  for (int64_t i = 0; i < gguf_get_n_kv(out.get()); ++i) {
    const std::string key = gguf_get_key(out.get(), i);
    const bool keep = key.rfind("tokenizer.", 0) == 0 || key.rfind("general.", 0) == 0;
    // general.alignment would not change the alignment gguf writes with: the default is used.
    if (!keep || key == "general.alignment") drop.push_back(key);
  }
  for (const auto& key : drop) gguf_remove_key(out.get(), key.c_str());
  return out;
}

// The metadata: the tokenizer (options.tokenizer, else options.tokenizer_from's), then ours.
GgufPtr make_metadata(const ModelWriteOptions& o) {
  GgufPtr out;
  if (o.tokenizer) {
    if (static_cast<std::int64_t>(o.tokenizer->tokens.size()) != o.shape.vocab_size) {
      throw InputError("the vocabulary has " + std::to_string(o.tokenizer->tokens.size()) +
                       " tokens, the model " + std::to_string(o.shape.vocab_size));
    }
    out.reset(gguf_init_empty());
    set_tokenizer_keys(out.get(), *o.tokenizer);
  } else {
    out = tokenizer_from_gguf(o);
  }

  gguf_context* g = out.get();
  const ModelShape& s = o.shape;
  const std::string a = s.arch + ".";
  const auto u32 = [&](const std::string& key, std::int64_t v) {
    gguf_set_val_u32(g, key.c_str(), static_cast<std::uint32_t>(v));
  };
  gguf_set_val_str(g, "general.architecture", s.arch.c_str());
  gguf_set_val_str(g, "general.name", o.name.c_str());
  u32("general.file_type", file_type(o.type));
  u32(a + "vocab_size", s.vocab_size);
  u32(a + "context_length", s.context);
  u32(a + "embedding_length", s.dim);
  u32(a + "block_count", s.layers);
  u32(a + "feed_forward_length", s.ff);
  u32(a + "attention.head_count", s.heads);
  u32(a + "attention.head_count_kv", s.kv_heads);
  u32(a + "rope.dimension_count", s.head_dim());
  gguf_set_val_f32(g, (a + "attention.layer_norm_rms_epsilon").c_str(), s.norm_eps);
  gguf_set_val_f32(g, (a + "rope.freq_base").c_str(), s.rope_base);
  gguf_set_val_str(g, kTemplateNameKey, kTemplateName);
  gguf_set_val_str(g, kTemplateSystemKey, o.prompt.system.c_str());
  gguf_set_val_str(g, kTemplateSeparatorKey, o.prompt.separator.c_str());
  return out;
}

// Where the bytes go: a temporary file renamed at the end, or, for an existing path that is not
// a regular file (/dev/null, /dev/full, a pipe), that path itself.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory");
    direct_ = exists && !S_ISREG(st.st_mode);
    target_ = direct_ ? path : path + ".tmp";
    file_ = std::fopen(target_.c_str(), "wb");
    if (file_ == nullptr) {
      throw Error(path + ": cannot open for writing: " + std::strerror(errno));
    }
  }
  ~Output() {
    if (file_ != nullptr) std::fclose(file_);
    if (!done_ && !direct_) std::remove(target_.c_str());
  }
  FILE* file() const { return file_; }

  void write(const void* data, std::size_t bytes) {
    if (bytes > 0 && std::fwrite(data, 1, bytes, file_) != bytes) fail(errno);
  }
  [[noreturn]] void fail(int err) const {
    throw Error(path_ + ": write failed: " + (err ? std::strerror(err) : "I/O error"));
  }
  // Flush, sync, close, rename: each checked.
  void finish() {
    errno = 0;
    if (std::fflush(file_) != 0 || std::ferror(file_)) fail(errno);
    if (!direct_ && ::fsync(fileno(file_)) != 0) fail(errno);
    FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0) fail(errno);
    if (!direct_ && std::rename(target_.c_str(), path_.c_str()) != 0) {
      throw Error(path_ + ": cannot rename " + target_ + " to it: " + std::strerror(errno));
    }
    done_ = true;
  }

 private:
  std::string path_, target_;
  bool direct_ = false, done_ = false;
  FILE* file_ = nullptr;
};

}  // namespace

namespace {

// The writer behind both entry points: `specs` in file order, `data` gives each one's floats
// (pointing into `buffer` or elsewhere), one tensor at a time.
using DataOf = std::function<const float*(const TensorSpec&, std::vector<float>& buffer)>;

void write_tensors(const std::string& path, const ModelWriteOptions& options,
                   const std::vector<TensorSpec>& specs, const DataOf& data) {
  GgufPtr meta = make_metadata(options);

  // Tensor infos without data: a no_alloc context holds only their descriptions.
  ggml_init_params gp{(specs.size() + 1) * ggml_tensor_overhead(), nullptr, /*no_alloc=*/true};
  std::unique_ptr<ggml_context, GgmlDeleter> ctx(ggml_init(gp));
  if (!ctx) throw Error("out of memory for the tensor descriptions");
  const ggml_type matrix_type = storage_type(options.type);
  std::vector<ggml_type> types;
  for (const auto& t : specs) {
    const ggml_type type = t.shape.size() == 1 ? GGML_TYPE_F32 : matrix_type;
    ggml_tensor* gt = t.shape.size() == 1
                          ? ggml_new_tensor_1d(ctx.get(), type, t.shape[0])
                          : ggml_new_tensor_2d(ctx.get(), type, t.shape[1], t.shape[0]);
    ggml_set_name(gt, t.name.c_str());
    gguf_add_tensor(meta.get(), gt);
    types.push_back(type);
  }

  Output out(path);
  {
    ErrorLogCapture quiet;  // gguf logs its own failure; ours says it once, naming the file
    errno = 0;
    if (!gguf_write_to_file_ptr(meta.get(), out.file(), /*only_meta=*/true)) out.fail(errno);
  }
  const std::size_t alignment = gguf_get_alignment(meta.get());
  constexpr std::int64_t kChunk = 1 << 20;
  std::vector<std::uint16_t> half;
  std::vector<float> buffer;
  const std::vector<char> zeros(alignment, 0);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::int64_t numel = specs[i].numel();
    const float* values = data(specs[i], buffer);
    if (types[i] == GGML_TYPE_F32) {
      out.write(values, static_cast<std::size_t>(numel) * sizeof(float));
    } else {
      for (std::int64_t done = 0; done < numel; done += kChunk) {
        const std::int64_t n = std::min(kChunk, numel - done);
        half.resize(static_cast<std::size_t>(n));
        if (types[i] == GGML_TYPE_F16) {
          ggml_fp32_to_fp16_row(values + done, reinterpret_cast<ggml_fp16_t*>(half.data()), n);
        } else {
          ggml_fp32_to_bf16_row(values + done, reinterpret_cast<ggml_bf16_t*>(half.data()), n);
        }
        out.write(half.data(), half.size() * sizeof(std::uint16_t));
      }
    }
    const std::size_t bytes = ggml_row_size(types[i], numel);
    out.write(zeros.data(), (alignment - bytes % alignment) % alignment);
  }
  out.finish();
}

}  // namespace

void write_model_file(const std::string& path, const ModelWriteOptions& options,
                      std::span<const TensorData> tensors) {
  ensure_backend();
  check_write_shape(options.shape);
  check_tensors(options.shape, tensors);
  std::vector<TensorSpec> specs;
  std::map<std::string, const float*> data;
  for (const auto& t : tensors) {
    specs.push_back({t.name, t.shape});
    data.emplace(t.name, t.data);
  }
  write_tensors(path, options, specs,
                [&](const TensorSpec& spec, std::vector<float>&) { return data.at(spec.name); });
}

void write_model_file(const std::string& path, const ModelWriteOptions& options,
                      const TensorFill& fill) {
  ensure_backend();
  check_write_shape(options.shape);
  write_tensors(path, options, model_tensors(options.shape),
                [&](const TensorSpec& spec, std::vector<float>& buffer) {
                  buffer.assign(static_cast<std::size_t>(spec.numel()), 0.0f);
                  fill(spec, buffer.data());
                  return static_cast<const float*>(buffer.data());
                });
}

}  // namespace uniner::engine

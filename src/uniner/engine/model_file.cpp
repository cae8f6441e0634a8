// Reading a LLaMA-family GGUF as float arrays (model_file.h); the writer is model_file_write.cpp.
#include "engine/model_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>

#include "engine/gguf_keys.h"
#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner::engine {

std::int64_t TensorSpec::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::vector<TensorSpec> model_tensors(const ModelShape& s) {
  const std::int64_t kv = s.kv_heads * s.head_dim();
  std::vector<TensorSpec> out = {{"token_embd.weight", {s.vocab_size, s.dim}}};
  for (std::int64_t l = 0; l < s.layers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    out.push_back({b + "attn_norm.weight", {s.dim}});
    out.push_back({b + "attn_q.weight", {s.dim, s.dim}});
    if (s.qkv_bias) out.push_back({b + "attn_q.bias", {s.dim}});
    out.push_back({b + "attn_k.weight", {kv, s.dim}});
    if (s.qkv_bias) out.push_back({b + "attn_k.bias", {kv}});
    out.push_back({b + "attn_v.weight", {kv, s.dim}});
    if (s.qkv_bias) out.push_back({b + "attn_v.bias", {kv}});
    out.push_back({b + "attn_output.weight", {s.dim, s.dim}});
    out.push_back({b + "ffn_norm.weight", {s.dim}});
    out.push_back({b + "ffn_gate.weight", {s.ff, s.dim}});
    out.push_back({b + "ffn_down.weight", {s.dim, s.ff}});
    out.push_back({b + "ffn_up.weight", {s.ff, s.dim}});
  }
  out.push_back({"output_norm.weight", {s.dim}});
  if (!s.tied_output) out.push_back({"output.weight", {s.vocab_size, s.dim}});
  return out;
}

struct ModelFile::Impl {
  std::string path;
  ModelShape shape;
  PromptTemplate prompt;
  bool has_template = false;
  int fd = -1;
  struct Tensor {
    ggml_type type;
    std::int64_t numel;
    std::uint64_t offset;  // absolute, in the file
  };
  std::map<std::string, Tensor> tensors;

  ~Impl() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// The hyper-parameters of a llama/qwen2 file.
ModelShape read_shape(const GgufKeys& k) {
  ModelShape s;
  s.arch = k.string("general.architecture");
  if (s.arch != "llama" && s.arch != "qwen2") {
    throw InputError(k.path() + ": architecture '" + s.arch +
                     "' is not supported (this version reads llama and qwen2 models)");
  }
  const std::string a = s.arch + ".";
  s.dim = k.integer(a + "embedding_length");
  s.layers = k.integer(a + "block_count");
  s.ff = k.integer(a + "feed_forward_length");
  s.heads = k.integer(a + "attention.head_count");
  s.kv_heads = k.integer(a + "attention.head_count_kv", s.heads);
  s.norm_eps = k.real(a + "attention.layer_norm_rms_epsilon");
  s.rope_base = k.real(a + "rope.freq_base", 10000.0);
  s.context = k.integer(a + "context_length");
  if (k.has("tokenizer.ggml.tokens")) {
    s.vocab_size = k.array_size("tokenizer.ggml.tokens");
  } else {
    s.vocab_size = k.integer(a + "vocab_size");
  }
  const auto bad = [&](const std::string& why) { return InputError(k.path() + ": " + why); };
  if (s.dim <= 0 || s.layers <= 0 || s.ff <= 0 || s.heads <= 0 || s.kv_heads <= 0 ||
      s.vocab_size <= 0 || s.dim % s.heads != 0 || s.heads % s.kv_heads != 0) {
    throw bad("inconsistent hyper-parameters (dim " + std::to_string(s.dim) + ", layers " +
              std::to_string(s.layers) + ", heads " + std::to_string(s.heads) + ", kv heads " +
              std::to_string(s.kv_heads) + ", ff " + std::to_string(s.ff) + ", vocabulary " +
              std::to_string(s.vocab_size) + ")");
  }
  const auto rope_dims = k.integer(a + "rope.dimension_count", s.head_dim());
  if (rope_dims != s.head_dim()) {
    throw bad("rotary dimension " + std::to_string(rope_dims) + " differs from the head size " +
              std::to_string(s.head_dim()) + " (partial rotary embeddings are not supported)");
  }
  s.tied_output = gguf_find_tensor(k.get(), "output.weight") < 0;
  s.qkv_bias = gguf_find_tensor(k.get(), "blk.0.attn_q.bias") >= 0;
  return s;
}

// The uniner.* template, else the original's with the vocabulary's EOS text as the separator.
PromptTemplate read_template(const GgufKeys& k, bool& has_metadata) {
  PromptTemplate t;
  has_metadata = k.has(kTemplateNameKey) || k.has(kTemplateSystemKey) ||
                 k.has(kTemplateSeparatorKey);
  if (k.has(kTemplateNameKey) && k.string(kTemplateNameKey) != kTemplateName) {
    throw InputError(k.path() + ": unknown conversation template '" + k.string(kTemplateNameKey) +
                     "' in " + kTemplateNameKey + " (this version knows " + kTemplateName + ")");
  }
  if (k.has(kTemplateSystemKey)) t.system = k.string(kTemplateSystemKey);
  if (k.has(kTemplateSeparatorKey)) {
    t.separator = k.string(kTemplateSeparatorKey);
  } else {
    t.separator = eos_text(k);
  }
  return t;
}

std::string type_name(ggml_type type) {
  std::string s = ggml_type_name(type);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

ModelFile::ModelFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModelFile::ModelFile(ModelFile&&) noexcept = default;
ModelFile& ModelFile::operator=(ModelFile&&) noexcept = default;
ModelFile::~ModelFile() = default;

ModelFile ModelFile::open(const std::string& path) {
  GgufKeys keys = GgufKeys::open(path);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  const gguf_context* g = keys.get();
  // Quantized weights first: that is the likely mistake, and it has its own advice.
  for (int64_t i = 0; i < gguf_get_n_tensors(g); ++i) {
    const ggml_type type = gguf_get_tensor_type(g, i);
    if (type != GGML_TYPE_F32 && type != GGML_TYPE_F16 && type != GGML_TYPE_BF16) {
      throw InputError(path + ": the model is quantized (tensor " + gguf_get_tensor_name(g, i) +
                       " is " + type_name(type) +
                       "); its weights cannot be read back as floats: use the F16, BF16 or F32 "
                       "file of the model (e.g. the -f16.gguf release)");
    }
  }
  impl->shape = read_shape(keys);
  impl->prompt = read_template(keys, impl->has_template);

  const auto specs = model_tensors(impl->shape);
  if (static_cast<std::size_t>(gguf_get_n_tensors(g)) != specs.size()) {
    throw InputError(path + ": " + std::to_string(gguf_get_n_tensors(g)) +
                     " tensors where a " + impl->shape.arch + " model of this shape has " +
                     std::to_string(specs.size()));
  }
  const std::uint64_t data = gguf_get_data_offset(g);
  std::uint64_t end = data;
  for (const auto& spec : specs) {
    const int64_t id = gguf_find_tensor(g, spec.name.c_str());
    if (id < 0) throw InputError(path + ": missing tensor " + spec.name);
    const int64_t* ne = gguf_get_tensor_ne(g, id);
    std::vector<std::int64_t> shape;
    for (auto it = spec.shape.rbegin(); it != spec.shape.rend(); ++it) shape.push_back(*it);
    bool same = true;
    for (int d = 0; d < GGML_MAX_DIMS; ++d) {
      same = same && ne[d] == (d < static_cast<int>(shape.size()) ? shape[d] : 1);
    }
    if (!same) {
      std::vector<std::int64_t> got;
      for (int d = GGML_MAX_DIMS - 1; d >= 0; --d) {
        if (ne[d] != 1 || !got.empty() || d == 0) got.push_back(ne[d]);
      }
      throw InputError(path + ": tensor " + spec.name + " has shape " + shape_text(got) +
                       ", expected " + shape_text(spec.shape));
    }
    Impl::Tensor t{gguf_get_tensor_type(g, id), spec.numel(),
                   data + gguf_get_tensor_offset(g, id)};
    end = std::max<std::uint64_t>(end, t.offset + gguf_get_tensor_size(g, id));
    impl->tensors.emplace(spec.name, t);
  }

  impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (impl->fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(impl->fd, &st) != 0) throw Error(path + ": cannot stat: " + std::strerror(errno));
  if (static_cast<std::uint64_t>(st.st_size) < end) {
    throw InputError(path + ": truncated (" + std::to_string(st.st_size) +
                     " bytes, the tensors need " + std::to_string(end) + ")");
  }
  return ModelFile(std::move(impl));
}

const std::string& ModelFile::path() const {
  return impl_->path;
}
const ModelShape& ModelFile::shape() const {
  return impl_->shape;
}
const PromptTemplate& ModelFile::prompt_template() const {
  return impl_->prompt;
}
bool ModelFile::has_template_metadata() const {
  return impl_->has_template;
}

void ModelFile::read_tensor(const std::string& name, float* dst, std::int64_t numel) const {
  const auto it = impl_->tensors.find(name);
  if (it == impl_->tensors.end()) {
    throw InputError(impl_->path + ": no tensor " + name + " in this model");
  }
  const auto& t = it->second;
  if (t.numel != numel) {
    throw InputError(impl_->path + ": tensor " + name + " has " + std::to_string(t.numel) +
                     " values, " + std::to_string(numel) + " were asked for");
  }
  const std::size_t elem = t.type == GGML_TYPE_F32 ? 4 : 2;
  const auto read = [&](void* buf, std::size_t bytes, std::uint64_t at) {
    auto* p = static_cast<char*>(buf);
    while (bytes > 0) {
      const ssize_t n = ::pread(impl_->fd, p, bytes, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(impl_->path + ": read failed: " + std::strerror(errno));
      if (n == 0) throw InputError(impl_->path + ": truncated in tensor " + name);
      p += n, at += static_cast<std::uint64_t>(n), bytes -= static_cast<std::size_t>(n);
    }
  };
  if (t.type == GGML_TYPE_F32) {
    read(dst, static_cast<std::size_t>(numel) * elem, t.offset);
    return;
  }
  // Converted a chunk at a time: little memory beside dst.
  constexpr std::int64_t kChunk = 1 << 20;
  std::vector<std::uint16_t> buf(static_cast<std::size_t>(std::min(numel, kChunk)));
  for (std::int64_t done = 0; done < numel; done += kChunk) {
    const std::int64_t n = std::min(kChunk, numel - done);
    read(buf.data(), static_cast<std::size_t>(n) * elem,
         t.offset + static_cast<std::uint64_t>(done) * elem);
    if (t.type == GGML_TYPE_F16) {
      ggml_fp16_to_fp32_row(reinterpret_cast<const ggml_fp16_t*>(buf.data()), dst + done, n);
    } else {
      ggml_bf16_to_fp32_row(reinterpret_cast<const ggml_bf16_t*>(buf.data()), dst + done, n);
    }
  }
}

}  // namespace uniner::engine

#include "engine/lora_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "engine/gguf_keys.h"
#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

struct GgmlDeleter {
  void operator()(ggml_context* g) const { ggml_free(g); }
};

}  // namespace

void write_lora_file(const std::string& path, const std::string& arch, float alpha,
                     std::span<const TensorData> tensors) {
  ensure_backend();
  std::size_t bytes = 0;
  for (const auto& t : tensors) {
    std::int64_t n = 1;
    for (auto d : t.shape) n *= d;
    bytes += static_cast<std::size_t>(n) * sizeof(float) + ggml_tensor_overhead();
  }
  // Adapters are small: the tensors are copied into one ggml context and written at once.
  ggml_init_params gp{bytes + ggml_tensor_overhead(), nullptr, /*no_alloc=*/false};
  std::unique_ptr<ggml_context, GgmlDeleter> ctx(ggml_init(gp));
  if (!ctx) throw Error("out of memory for the adapter's " + std::to_string(tensors.size()) +
                        " tensors");
  GgufPtr meta(gguf_init_empty());
  gguf_set_val_str(meta.get(), "general.architecture", arch.c_str());
  gguf_set_val_str(meta.get(), "general.type", "adapter");
  gguf_set_val_str(meta.get(), "general.name", "uniner-lora");
  gguf_set_val_str(meta.get(), "adapter.type", "lora");
  gguf_set_val_f32(meta.get(), "adapter.lora.alpha", alpha);
  for (const auto& t : tensors) {
    if (t.shape.size() != 2 || t.data == nullptr) {
      throw InputError("adapter tensor " + t.name + " must be a matrix with data");
    }
    ggml_tensor* g = ggml_new_tensor_2d(ctx.get(), GGML_TYPE_F32, t.shape[1], t.shape[0]);
    ggml_set_name(g, t.name.c_str());
    std::memcpy(g->data, t.data, ggml_nbytes(g));
    gguf_add_tensor(meta.get(), g);
  }
  const std::string tmp = path + ".tmp";
  bool ok = false;
  {
    ErrorLogCapture quiet;  // gguf logs its own failure; ours names the file
    ok = gguf_write_to_file(meta.get(), tmp.c_str(), /*only_meta=*/false);
  }
  if (!ok) {
    std::remove(tmp.c_str());
    throw Error(path + ": write failed (disk full or no permission?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot rename " + tmp + " to it: " + std::strerror(errno));
  }
}

LoraFile read_lora_file(const std::string& path) {
  ensure_backend();
  ggml_context* raw = nullptr;
  gguf_init_params gp{/*no_alloc=*/false, &raw};
  GgufPtr g;
  {
    ErrorLogCapture quiet;
    g.reset(gguf_init_from_file(path.c_str(), gp));
  }
  std::unique_ptr<ggml_context, GgmlDeleter> ctx(raw);
  if (!g) throw InputError(path + ": not a readable GGUF file");
  const auto str = [&](const char* key) -> std::string {
    const int64_t id = gguf_find_key(g.get(), key);
    if (id < 0 || gguf_get_kv_type(g.get(), id) != GGUF_TYPE_STRING) return {};
    return gguf_get_val_str(g.get(), id);
  };
  if (str("general.type") != "adapter" || str("adapter.type") != "lora") {
    throw InputError(path + ": not a LoRA adapter (general.type must be 'adapter' and "
                            "adapter.type 'lora')");
  }
  LoraFile out;
  out.arch = str("general.architecture");
  const int64_t alpha = gguf_find_key(g.get(), "adapter.lora.alpha");
  if (alpha >= 0 && gguf_get_kv_type(g.get(), alpha) == GGUF_TYPE_FLOAT32) {
    out.alpha = gguf_get_val_f32(g.get(), alpha);
  }
  for (int64_t i = 0; i < gguf_get_n_tensors(g.get()); ++i) {
    const char* name = gguf_get_tensor_name(g.get(), i);
    const ggml_tensor* t = ggml_get_tensor(ctx.get(), name);
    if (t == nullptr || t->type != GGML_TYPE_F32 || ggml_n_dims(t) > 2) {
      throw InputError(path + ": tensor " + name + " is not an F32 matrix");
    }
    LoraTensor lt{name, {t->ne[1], t->ne[0]}, {}};
    const auto* f = static_cast<const float*>(t->data);
    lt.data.assign(f, f + ggml_nelements(t));
    out.tensors.push_back(std::move(lt));
  }
  return out;
}

}  // namespace uniner::engine

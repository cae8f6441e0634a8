#include "engine/gguf_keys.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner::engine {

GgufKeys GgufKeys::open(const std::string& path) {
  ensure_backend();  // gguf's own error logs go through llama.cpp's (silenced) logger
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw InputError(path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory");
  if (!S_ISREG(st.st_mode)) throw InputError(path + ": not a regular file");
  {
    char magic[4] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(magic, 4);
    if (in.gcount() != 4 || std::memcmp(magic, "GGUF", 4) != 0) {
      throw InputError(path + ": not a GGUF file (bad magic)");
    }
  }
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
  GgufPtr ctx(gguf_init_from_file(path.c_str(), params));
  if (!ctx) throw InputError(path + ": cannot read as GGUF (truncated or corrupt)");
  return GgufKeys(path, std::move(ctx));
}

bool GgufKeys::has(const std::string& key) const {
  return gguf_find_key(ctx_.get(), key.c_str()) >= 0;
}

std::int64_t GgufKeys::find(const std::string& key) const {
  const int64_t id = gguf_find_key(ctx_.get(), key.c_str());
  if (id < 0) throw InputError(path_ + ": missing metadata key " + key);
  return id;
}

std::string GgufKeys::string(const std::string& key) const {
  const int64_t id = find(key);
  if (gguf_get_kv_type(ctx_.get(), id) != GGUF_TYPE_STRING) {
    throw InputError(path_ + ": metadata key " + key + " is not a string");
  }
  return gguf_get_val_str(ctx_.get(), id);
}

std::int64_t GgufKeys::integer(const std::string& key, std::optional<std::int64_t> fallback) const {
  const int64_t id = gguf_find_key(ctx_.get(), key.c_str());
  if (id < 0 && fallback) return *fallback;
  find(key);
  const gguf_context* g = ctx_.get();
  switch (gguf_get_kv_type(g, id)) {
    case GGUF_TYPE_UINT8: return gguf_get_val_u8(g, id);
    case GGUF_TYPE_INT8: return gguf_get_val_i8(g, id);
    case GGUF_TYPE_UINT16: return gguf_get_val_u16(g, id);
    case GGUF_TYPE_INT16: return gguf_get_val_i16(g, id);
    case GGUF_TYPE_UINT32: return gguf_get_val_u32(g, id);
    case GGUF_TYPE_INT32: return gguf_get_val_i32(g, id);
    case GGUF_TYPE_UINT64: return static_cast<std::int64_t>(gguf_get_val_u64(g, id));
    case GGUF_TYPE_INT64: return gguf_get_val_i64(g, id);
    default: throw InputError(path_ + ": metadata key " + key + " is not an integer");
  }
}

double GgufKeys::real(const std::string& key, std::optional<double> fallback) const {
  const int64_t id = gguf_find_key(ctx_.get(), key.c_str());
  if (id < 0 && fallback) return *fallback;
  find(key);
  switch (gguf_get_kv_type(ctx_.get(), id)) {
    case GGUF_TYPE_FLOAT32: return gguf_get_val_f32(ctx_.get(), id);
    case GGUF_TYPE_FLOAT64: return gguf_get_val_f64(ctx_.get(), id);
    default: throw InputError(path_ + ": metadata key " + key + " is not a number");
  }
}

std::int64_t GgufKeys::array_size(const std::string& key) const {
  const int64_t id = find(key);
  if (gguf_get_kv_type(ctx_.get(), id) != GGUF_TYPE_ARRAY) {
    throw InputError(path_ + ": metadata key " + key + " is not an array");
  }
  return static_cast<std::int64_t>(gguf_get_arr_n(ctx_.get(), id));
}

std::string eos_text(const GgufKeys& k) {
  if (!k.has("tokenizer.ggml.eos_token_id")) {
    throw InputError(k.path() + ": the vocabulary has no end-of-sequence token");
  }
  const std::int64_t eos = k.integer("tokenizer.ggml.eos_token_id");
  const std::int64_t n = k.array_size("tokenizer.ggml.tokens");
  const int64_t id = gguf_find_key(k.get(), "tokenizer.ggml.tokens");
  if (gguf_get_arr_type(k.get(), id) != GGUF_TYPE_STRING || eos < 0 || eos >= n) {
    throw InputError(k.path() + ": end-of-sequence token " + std::to_string(eos) +
                     " is not in the vocabulary of " + std::to_string(n) + " tokens");
  }
  return gguf_get_arr_str(k.get(), id, static_cast<std::size_t>(eos));
}

}  // namespace uniner::engine

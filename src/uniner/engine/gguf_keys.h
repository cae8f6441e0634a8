// Typed access to the metadata of a GGUF file (gguf.h), with InputErrors naming the file and the
// key. Private to engine/ (model_file.cpp, model_file_write.cpp, export.cpp).
#pragma once

#include <gguf.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace uniner::engine {

struct GgufDeleter {
  void operator()(gguf_context* g) const { gguf_free(g); }
};
using GgufPtr = std::unique_ptr<gguf_context, GgufDeleter>;

class GgufKeys {
 public:
  // Reads the metadata and tensor infos (not the data). InputError for a missing file, a file
  // that is not GGUF, or one that is truncated or corrupt.
  static GgufKeys open(const std::string& path);

  const std::string& path() const { return path_; }
  const gguf_context* get() const { return ctx_.get(); }

  bool has(const std::string& key) const;
  // Throw InputError when the key is missing (without a default) or has another type.
  std::string string(const std::string& key) const;
  std::int64_t integer(const std::string& key,
                       std::optional<std::int64_t> fallback = std::nullopt) const;
  double real(const std::string& key, std::optional<double> fallback = std::nullopt) const;
  std::int64_t array_size(const std::string& key) const;

 private:
  GgufKeys(std::string path, GgufPtr ctx) : path_(std::move(path)), ctx_(std::move(ctx)) {}
  std::int64_t find(const std::string& key) const;  // InputError when missing
  std::string path_;
  GgufPtr ctx_;
};

// The text of the vocabulary's end-of-sequence token (tokenizer.ggml.eos_token_id into
// tokenizer.ggml.tokens); InputError when the file has none.
std::string eos_text(const GgufKeys& keys);

}  // namespace uniner::engine

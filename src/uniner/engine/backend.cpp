#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

void log_callback(ggml_log_level level, const char* text, void*) {
  static const bool verbose = [] {
    const char* v = std::getenv("UNINER_LLAMA_LOG");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  if (verbose || level == GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
}

}  // namespace

void ensure_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(log_callback, nullptr);
    llama_backend_init();
  });
}

ModelPtr load_model_file(const std::string& path, const llama_model_params& params) {
  ensure_backend();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw InputError(path + ": model file not found: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw InputError(path + ": model path is not a regular file");
  {
    char magic[4] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(magic, 4);
    if (in.gcount() != 4 || std::memcmp(magic, "GGUF", 4) != 0) {
      throw InputError(path + ": not a GGUF file (bad magic); convert the model to GGUF first");
    }
  }
  ModelPtr model(llama_model_load_from_file(path.c_str(), params));
  if (!model) {
    throw InputError(path +
                     ": llama.cpp could not load this GGUF model (corrupt or unsupported; "
                     "UNINER_LLAMA_LOG=1 shows why)");
  }
  return model;
}

}  // namespace uniner::engine

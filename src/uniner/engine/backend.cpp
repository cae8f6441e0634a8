#include <ggml-cpu.h>
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

thread_local std::string* captured = nullptr;

void log_callback(ggml_log_level level, const char* text, void*) {
  if (captured != nullptr && level == GGML_LOG_LEVEL_ERROR) {
    captured->append(text);
    return;
  }
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

ErrorLogCapture::ErrorLogCapture() : previous_(captured) {
  captured = &text_;
}
ErrorLogCapture::~ErrorLogCapture() {
  captured = previous_;
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
  // On CPUs with AMX (Intel Sapphire Rapids and later), llama.cpp repacks quantized weights into
  // its AMX buffer type and then crashes in ggml_backend_amx_mul_mat at the first decode
  // (llama.cpp issue 20824; seen here with every quantized type). The extra buffer types are
  // left out there: quantized models then run on the ordinary CPU kernels.
  llama_model_params safe = params;
  if (ggml_cpu_has_amx_int8()) safe.use_extra_bufts = false;
  ModelPtr model(llama_model_load_from_file(path.c_str(), safe));
  if (!model) {
    throw InputError(path +
                     ": llama.cpp could not load this GGUF model (corrupt or unsupported; "
                     "UNINER_LLAMA_LOG=1 shows why)");
  }
  return model;
}

}  // namespace uniner::engine

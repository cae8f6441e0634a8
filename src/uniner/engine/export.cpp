// export_model: llama.cpp's quantizer, or a rewrite through ModelFile and write_model_file; the
// result goes to a temporary name, is loaded once as a check, and is renamed into place.
#include "uniner/engine/export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/gguf_keys.h"
#include "engine/llama_handles.h"
#include "engine/model_file.h"
#include "format/file_io.h"
#include "uniner/engine/model.h"
#include "uniner/error.h"

namespace uniner {
namespace {

struct QuantInfo {
  llama_ftype ftype;
  const char* name;
  int block;  // values per quantization block: rows must be a multiple of it
};

QuantInfo quant_info(QuantType t) {
  switch (t) {
    case QuantType::kQ8_0: return {LLAMA_FTYPE_MOSTLY_Q8_0, "Q8_0", 32};
    case QuantType::kQ4_0: return {LLAMA_FTYPE_MOSTLY_Q4_0, "Q4_0", 32};
    case QuantType::kQ4_1: return {LLAMA_FTYPE_MOSTLY_Q4_1, "Q4_1", 32};
    case QuantType::kQ5_0: return {LLAMA_FTYPE_MOSTLY_Q5_0, "Q5_0", 32};
    case QuantType::kQ5_1: return {LLAMA_FTYPE_MOSTLY_Q5_1, "Q5_1", 32};
    case QuantType::kQ2_K: return {LLAMA_FTYPE_MOSTLY_Q2_K, "Q2_K", 256};
    case QuantType::kQ3_K_M: return {LLAMA_FTYPE_MOSTLY_Q3_K_M, "Q3_K_M", 256};
    case QuantType::kQ4_K_S: return {LLAMA_FTYPE_MOSTLY_Q4_K_S, "Q4_K_S", 256};
    case QuantType::kQ4_K_M: return {LLAMA_FTYPE_MOSTLY_Q4_K_M, "Q4_K_M", 256};
    case QuantType::kQ5_K_S: return {LLAMA_FTYPE_MOSTLY_Q5_K_S, "Q5_K_S", 256};
    case QuantType::kQ5_K_M: return {LLAMA_FTYPE_MOSTLY_Q5_K_M, "Q5_K_M", 256};
    case QuantType::kQ6_K: return {LLAMA_FTYPE_MOSTLY_Q6_K, "Q6_K", 256};
    case QuantType::kF16: return {LLAMA_FTYPE_MOSTLY_F16, "F16", 1};
    case QuantType::kBF16: return {LLAMA_FTYPE_MOSTLY_BF16, "BF16", 1};
    case QuantType::kF32: break;
  }
  return {LLAMA_FTYPE_ALL_F32, "F32", 1};
}

std::string errno_text(int err) {
  return err ? std::strerror(err) : "I/O error";
}

// llama.cpp's logged reason, without its function-name prefixes and trailing newlines.
std::string reason_of(std::string log) {
  for (const char* prefix : {"llama_model_quantize: ", "failed to quantize: "}) {
    if (const auto at = log.find(prefix); at != std::string::npos) {
      log.erase(0, at + std::strlen(prefix));
    }
  }
  while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
  if (const auto nl = log.find('\n'); nl != std::string::npos) log.resize(nl);
  return log.empty() ? "llama.cpp gave no reason" : log;
}

void quantize(const ExportOptions& o, const engine::GgufKeys& in, const std::string& target) {
  const QuantInfo q = quant_info(*o.quantize);
  {  // a folder that does not exist or cannot be written is an I/O error, before any work
    FILE* f = std::fopen(target.c_str(), "wb");
    if (f == nullptr) throw Error(o.out_path + ": cannot open for writing: " + errno_text(errno));
    std::fclose(f);
  }
  auto params = llama_model_quantize_default_params();
  params.nthread = o.threads;
  params.ftype = q.ftype;
  engine::ErrorLogCapture log;
  errno = 0;
  if (llama_model_quantize(o.input_path.c_str(), target.c_str(), &params) == 0) return;
  const int err = errno;
  const std::string reason = reason_of(log.text());
  if (reason.find("iostream") != std::string::npos || reason.find("write error") != std::string::npos) {
    throw Error(o.out_path + ": write failed: " + errno_text(err));
  }
  std::string hint;
  const std::string arch = in.string("general.architecture");
  const std::int64_t dim = in.integer(arch + ".embedding_length", 0);
  const std::int64_t ff = in.integer(arch + ".feed_forward_length", 0);
  if (q.block > 1 && (dim % q.block != 0 || ff % q.block != 0)) {
    hint = " (" + std::string(q.name) + " needs rows that are multiples of " +
           std::to_string(q.block) + " values: this model has dim " + std::to_string(dim) +
           " and ff " + std::to_string(ff) + ")";
  }
  throw InputError(o.input_path + ": cannot quantize to " + q.name + ": " + reason + hint);
}

void rewrite(const ExportOptions& o, const engine::GgufKeys& in, const std::string& target) {
  const auto file = engine::ModelFile::open(o.input_path);
  engine::ModelWriteOptions w;
  w.tokenizer_from = o.input_path;
  w.shape = file.shape();
  w.prompt = file.prompt_template();
  w.type = o.type;
  if (in.has("general.name")) w.name = in.string("general.name");
  engine::write_model_file(target, w, [&](const engine::TensorSpec& spec, float* dst) {
    file.read_tensor(spec.name, dst, spec.numel());
  });
}

void sync_file(const std::string& path, const std::string& name) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(name + ": cannot reopen the written file: " + errno_text(errno));
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) throw Error(name + ": write failed: " + errno_text(err));
}

}  // namespace

ExportResult export_model(const ExportOptions& o) {
  refuse_same_file(o.input_path, o.out_path);
  const engine::GgufKeys in = engine::GgufKeys::open(o.input_path);
  const std::string arch = in.string("general.architecture");
  if (arch != "llama" && arch != "qwen2") {
    throw InputError(o.input_path + ": architecture '" + arch +
                     "' is not supported (this version exports llama and qwen2 models)");
  }
  struct stat st {};
  const bool exists = ::stat(o.out_path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw InputError(o.out_path + ": is a directory");
  // A device or a pipe (/dev/null) is written directly: it cannot be renamed onto or loaded.
  const bool direct = exists && !S_ISREG(st.st_mode);
  const std::string target = direct ? o.out_path : o.out_path + ".export.tmp";

  struct Cleanup {
    const std::string& path;
    bool active;
    ~Cleanup() {
      if (active) std::remove(path.c_str());
    }
  } cleanup{target, !direct};
  if (o.quantize) {
    quantize(o, in, target);
  } else {
    rewrite(o, in, target);
  }
  ExportResult result;
  if (direct) return result;
  sync_file(target, o.out_path);
  try {
    ModelOptions mo;
    mo.threads = 1;
    result.description = Model::load(target, mo).description();
  } catch (const Error& e) {
    throw Error(o.out_path + ": the exported model does not load: " + e.what());
  }
  if (::stat(target.c_str(), &st) == 0) result.bytes = static_cast<std::uint64_t>(st.st_size);
  if (std::rename(target.c_str(), o.out_path.c_str()) != 0) {
    throw Error(o.out_path + ": cannot rename " + target + " to it: " + errno_text(errno));
  }
  cleanup.active = false;
  return result;
}

}  // namespace uniner

// Reading one Hugging Face tensor as floats (hf_tensor.h): pread in chunks, converted by ggml.
#include "engine/hf_tensor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner::engine {

const char* hf_dtype_name(HfDtype dtype) {
  switch (dtype) {
    case HfDtype::kF16: return "F16";
    case HfDtype::kBF16: return "BF16";
    case HfDtype::kF32: break;
  }
  return "F32";
}

std::size_t hf_dtype_size(HfDtype dtype) {
  return dtype == HfDtype::kF32 ? 4 : 2;
}

std::int64_t HfTensor::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string dims_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void read_hf_tensor(const std::string& name, const HfTensor& t, float* dst) {
  const int fd = ::open(t.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(t.file + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const auto read = [&](void* buf, std::size_t bytes, std::uint64_t at) {
    auto* p = static_cast<char*>(buf);
    while (bytes > 0) {
      const ssize_t n = ::pread(fd, p, bytes, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(t.file + ": read failed: " + std::strerror(errno));
      if (n == 0) throw InputError(t.file + ": truncated in tensor " + name);
      p += n, at += static_cast<std::uint64_t>(n), bytes -= static_cast<std::size_t>(n);
    }
  };
  const std::int64_t numel = t.numel();
  if (t.dtype == HfDtype::kF32) {
    read(dst, static_cast<std::size_t>(numel) * 4, t.offset);
    return;
  }
  // Half-precision values converted a chunk at a time: little memory beside dst.
  constexpr std::int64_t kChunk = 1 << 20;
  std::vector<std::uint16_t> buf(static_cast<std::size_t>(std::min(numel, kChunk)));
  for (std::int64_t done = 0; done < numel; done += kChunk) {
    const std::int64_t n = std::min(kChunk, numel - done);
    read(buf.data(), static_cast<std::size_t>(n) * 2, t.offset + static_cast<std::uint64_t>(done) * 2);
    if (t.dtype == HfDtype::kF16) {
      ggml_fp16_to_fp32_row(reinterpret_cast<const ggml_fp16_t*>(buf.data()), dst + done, n);
    } else {
      ggml_bf16_to_fp32_row(reinterpret_cast<const ggml_bf16_t*>(buf.data()), dst + done, n);
    }
  }
}

}  // namespace uniner::engine

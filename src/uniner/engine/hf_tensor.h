// A tensor stored in a Hugging Face weight file (safetensors, or a PyTorch zip archive): where
// its bytes lie and how to read them as floats. The readers (hf_safetensors.h, hf_torch_bin.h)
// build these; import-hf reads them. Private to engine/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace uniner::engine {

enum class HfDtype { kF32, kF16, kBF16 };

// "F32", "F16", "BF16": safetensors' names.
const char* hf_dtype_name(HfDtype dtype);
std::size_t hf_dtype_size(HfDtype dtype);

struct HfTensor {
  std::string file;                 // the weight file holding it
  std::uint64_t offset = 0;         // of its first byte in that file
  HfDtype dtype = HfDtype::kF32;
  std::vector<std::int64_t> shape;  // row-major, contiguous
  std::int64_t numel() const;
  std::uint64_t bytes() const { return static_cast<std::uint64_t>(numel()) * hf_dtype_size(dtype); }
};

// Tensors by their Hugging Face name (model.layers.0.self_attn.q_proj.weight...).
using HfTensorMap = std::map<std::string, HfTensor>;

// Reads the tensor as floats into dst[0..numel). Error on an I/O failure; InputError when the
// file ends early (naming it and the tensor).
void read_hf_tensor(const std::string& name, const HfTensor& tensor, float* dst);

// "[4096, 11008]"
std::string dims_text(const std::vector<std::int64_t>& shape);

}  // namespace uniner::engine

// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
// {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the raw
// data, offsets counted from the byte after the header. Read: the index only (the data stays in
// the file, read on demand through hf_tensor.h); write: streamed, one tensor in memory at a time.
// Private to engine/.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/hf_tensor.h"

namespace uniner::engine {

// The tensors of one .safetensors file. InputError naming the file for a header that is not
// JSON or too large, a dtype other than F32/F16/BF16, data offsets that disagree with the shape,
// overlap, or run past the end of the file (a truncated download).
HfTensorMap read_safetensors(const std::string& path);

struct SafetensorsEntry {
  std::string name;
  std::vector<std::int64_t> shape;
};
// Writes the tensors in the given order, `dtype` for all of them; `fill` writes each one's numel
// floats into dst. Written to path + ".tmp", synced and renamed; every write is checked (Error).
using SafetensorsFill = std::function<void(const SafetensorsEntry& entry, float* dst)>;
void write_safetensors(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                       HfDtype dtype, const SafetensorsFill& fill);

}  // namespace uniner::engine

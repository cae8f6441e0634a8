// Every tensor of a GGUF model as floats, in model_tensors() order: for tests that compare the
// weights two training runs wrote.
#pragma once

#include <string>
#include <vector>

#include "engine/model_file.h"

namespace uniner::testing {

inline std::vector<std::vector<float>> weights(const std::string& path) {
  const auto f = engine::ModelFile::open(path);
  std::vector<std::vector<float>> out;
  for (const auto& spec : engine::model_tensors(f.shape())) {
    out.emplace_back(static_cast<std::size_t>(spec.numel()));
    f.read_tensor(spec.name, out.back().data(), spec.numel());
  }
  return out;
}

}  // namespace uniner::testing

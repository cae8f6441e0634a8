// Helpers of the model file tests: vocabularies of the llama.cpp tree, random weights of a shape.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "engine/model_file.h"

namespace uniner::testing {

// third_party/llama.cpp/models/ggml-vocab-<name>.gguf: llama-spm, llama-bpe, qwen2.
inline std::string vocab_file(const std::string& name) {
  return std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-" + name + ".gguf";
}

// Random values for every tensor of a shape (norms near 1), and the TensorData views of them.
struct RandomWeights {
  std::vector<std::vector<float>> values;
  std::vector<engine::TensorData> tensors;

  RandomWeights(const engine::ModelShape& shape, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.05f);
    const auto specs = engine::model_tensors(shape);
    values.reserve(specs.size());
    for (const auto& spec : specs) {
      std::vector<float> v(static_cast<std::size_t>(spec.numel()));
      const bool norm = spec.name.find("norm") != std::string::npos;
      for (auto& x : v) x = norm ? 1.0f + normal(rng) : normal(rng);
      values.push_back(std::move(v));
      tensors.push_back({spec.name, spec.shape, values.back().data()});
    }
  }
};

}  // namespace uniner::testing

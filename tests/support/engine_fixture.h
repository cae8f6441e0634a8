// A tiny random LLaMA model on the real 32000-token LLaMA vocabulary, made once per test binary.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "support/test_support.h"
#include "uniner/engine/extractor.h"
#include "uniner/engine/model.h"
#include "uniner/engine/model_init.h"

namespace uniner::testing {

inline std::string llama_vocab_path() {
  return std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-llama-spm.gguf";
}

class TinyModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    path_ = dir_->file("tiny.gguf");
    InitModelOptions o;
    o.vocab_path = llama_vocab_path();
    o.out_path = path_;
    o.dim = 64, o.layers = 2, o.heads = 4, o.ff = 128, o.seed = 7;
    o.init_std = 0.05f;  // sharper logits than the default: fewer near-ties in argmax
    init_model(o);
    ModelOptions mo;
    mo.threads = 1;  // ctest -j2 runs two suites at once: one core each, no spin-wait contention
    mo.context_size = 4096;
    mo.parallel = 32;
    model_ = std::make_unique<Model>(Model::load(path_, mo));
  }
  static void TearDownTestSuite() {
    model_.reset();
    dir_.reset();
  }
  static const Model& model() { return *model_; }
  static const std::string& model_path() { return path_; }

 private:
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<Model> model_;
  static inline std::string path_;
};

// Every result of `inputs` through one Extractor run, in input order.
inline std::vector<PassageResult> run_all(const Model& model,
                                          const std::vector<PassageInput>& inputs,
                                          ExtractOptions options) {
  Extractor extractor(model, options);
  std::vector<PassageResult> out;
  std::size_t i = 0;
  extractor.run(
      [&](PassageInput& p) { return i < inputs.size() ? (p = inputs[i++], true) : false; },
      [&](PassageResult&& r) { out.push_back(std::move(r)); });
  return out;
}

}  // namespace uniner::testing

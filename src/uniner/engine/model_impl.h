// What a Model holds. Private to engine/.
#pragma once

#include "engine/llama_handles.h"
#include "engine/vocab_impl.h"
#include "uniner/engine/model.h"

namespace uniner {

struct Model::Impl {
  engine::ModelPtr model;
  ModelOptions options;
  Vocab vocab;  // borrows the model's vocabulary
  PromptTemplate prompt;  // read from the file's metadata at load
  std::string path;
  llama_adapter_lora* lora = nullptr;  // owned by the model (freed with it), or null

  // A fresh context sized by `options` (kv_unified: sequences share the cells, seq_cp is free).
  engine::ContextPtr new_context() const;
};

namespace engine {
inline const Model::Impl& model_impl(const Model& m) {
  return Access::model(m);
}
}  // namespace engine

}  // namespace uniner

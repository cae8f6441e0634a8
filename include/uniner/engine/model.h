// A UniNER model (GGUF, LLaMA architecture) loaded through llama.cpp.
//
// Ownership: Model is a move-only handle that owns the llama.cpp weights. Extractors borrow it:
// it must outlive them. Threads: one Model may be shared by several Extractors on several
// threads (each has its own llama.cpp context). Errors: load throws InputError for bad options
// (parallel outside 1..256, context_size < 64, a batch size < 1) or a bad file (see load());
// gpu_offload_supported() and the accessors do not throw.
//
//   uniner::ModelOptions opts;  // threads, context, batch, GPU layers...
//   opts.threads = 8;
//   auto model = uniner::Model::load("UniNER-7B-type.Q4_K_M.gguf", opts);
//   uniner::Extractor extractor(model, {});  // see extractor.h
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "uniner/engine/vocab.h"

namespace uniner {

namespace engine {
struct Access;
}

struct ModelOptions {
  int threads = 0;          // CPU threads; 0 = all hardware threads
  int context_size = 4096;  // KV cells shared by all parallel sequences (7B f16: 0.5 MB each)
  int batch_size = 2048;    // most tokens per llama_decode call
  int ubatch_size = 512;    // physical micro-batch
  int gpu_layers = 0;       // layers offloaded to a GPU (needs a GPU build of llama.cpp)
  int parallel = 64;        // most sequences decoded together (1..256)
  // A LoRA adapter (llama.cpp's adapter GGUF, e.g. `uniner train --lora-adapter-out`) applied to
  // every context of the model, its delta scaled by lora_scale; empty: none.
  std::string lora_path;
  float lora_scale = 1.0f;
};

// Whether this build of llama.cpp can offload layers to a GPU. When it cannot,
// ModelOptions::gpu_layers is ignored and everything runs on the CPU.
bool gpu_offload_supported();

class Model {
 public:
  // Throws InputError for bad options, a missing file, a non-GGUF file, a model llama.cpp cannot
  // load, an adapter llama.cpp cannot load for it (another architecture or shape), a vocabulary without an end-of-sequence token, or a template whose separator is not
  // one end-of-sequence token.
  static Model load(const std::string& path, const ModelOptions& options = {});

  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const Vocab& vocab() const;
  // The conversation template the model was trained with (see Vocab::prompt_template).
  const PromptTemplate& prompt_template() const;
  const ModelOptions& options() const;
  std::string description() const;  // e.g. "llama 7B Q4_K - Medium, 6.74 B params"
  int trained_context() const;

  struct Impl;  // opaque: defined inside the engine

 private:
  friend struct engine::Access;  // the engine's own code reaches the llama.cpp handles
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner

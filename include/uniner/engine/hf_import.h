// Hugging Face checkpoints in and out, without Python: a LLaMA or Qwen2 folder (config.json,
// safetensors or PyTorch .bin weights, SentencePiece tokenizer.model) to one GGUF that llama.cpp
// and `uniner extract` load, and a GGUF back to that layout (config.json, model.safetensors,
// tokenizer.model) for transformers' LlamaForCausalLM. docs/hugging-face.md lists what is read.
//
// Ownership: plain values; the output (a file, or the files of a folder) is the only result,
// each file written under a temporary name and renamed when complete. PyTorch .bin pickles are
// read by a restricted unpickler that executes nothing and refuses any global a state dict does
// not use. Errors: InputError naming the file and the reason (a missing config key, an
// architecture other than LLaMA/Qwen2, a truncated or damaged weight file, a refused pickle, a
// tokenizer.json-only folder without a vocabulary GGUF, a non-empty output folder); Error for
// I/O failures (every write is checked).
//
//   uniner::ImportHfOptions o;
//   o.input_dir = "UniNER-7B-type";           // config.json, pytorch_model-0000N-of-00003.bin...
//   o.out_path = "uniner-7b-type.gguf";
//   o.quantize = uniner::QuantType::kQ4_K_M;  // or leave unset: matrices in o.type (f16)
//   uniner::ImportHfResult r = uniner::import_hf(o);
//
//   uniner::ExportHfOptions e;
//   e.input_path = "student.gguf";
//   e.out_dir = "student-hf";                 // config.json, model.safetensors, tokenizer.model
//   uniner::export_hf(e);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "uniner/engine/export.h"
#include "uniner/engine/model_init.h"

namespace uniner {

struct ImportHfOptions {
  std::string input_dir;   // the Hugging Face model folder
  std::string out_path;    // the GGUF written (never one of the input files)
  FloatType type = FloatType::kF16;   // storage of the matrices (norms stay f32), as llama.cpp's
                                      // converter's default; the quantizer's input with quantize
  std::optional<QuantType> quantize;  // set: then quantized by llama.cpp (as `uniner export`)
  std::string vocab_path;  // empty: tokenizer.model; else a GGUF whose tokenizer is used (for
                           // folders with only a BPE tokenizer.json, e.g. Qwen2)
  int threads = 0;         // quantizer threads; 0 = all hardware threads
};

struct ImportHfResult {
  std::string architecture;  // config.json's, e.g. "LlamaForCausalLM"
  std::string weights;       // e.g. "PyTorch .bin, 3 files"
  std::string tokenizer;     // where the vocabulary came from, and its size
  std::size_t tensors = 0;   // tensors written
  std::string description;   // llama.cpp's description (when quantized: checked to load)
  std::uint64_t bytes = 0;   // size of the written file
};

// Called after each tensor is written: (done, total).
using ImportHfProgress = std::function<void(std::size_t done, std::size_t total)>;

ImportHfResult import_hf(const ImportHfOptions& options, const ImportHfProgress& progress = {});

struct ExportHfOptions {
  std::string input_path;  // a GGUF with f32/f16/bf16 matrices (not quantized)
  std::string out_dir;     // created if absent; refused when it holds files, unless overwrite
  std::optional<FloatType> type;  // safetensors dtype; unset: that of the input's matrices
  bool overwrite = false;  // replace the files of a non-empty out_dir
};

struct ExportHfResult {
  std::vector<std::string> files;  // the files written in out_dir
  std::string tokenizer_note;      // empty, or why no tokenizer.model was written
};

ExportHfResult export_hf(const ExportHfOptions& options);

}  // namespace uniner

// Exporting a model file for deployment: quantized through llama.cpp's own quantizer (q8_0,
// q4_k_m...), or rewritten with its matrices in f32, f16 or bf16. The conversation template
// (uniner.* metadata) and the tokenizer travel with the weights.
//
// Ownership: plain values; the file at out_path is the only result, written under a temporary
// name, checked to load, and renamed when complete. Errors: InputError when the output is the
// input, the input is not a llama/qwen2 GGUF, a rewrite is asked of quantized weights, or the
// model's shape does not suit the quantization (the message says which sizes must divide);
// Error when the output cannot be written (a full disk, a missing folder).
//
//   uniner::ExportOptions o;
//   o.input_path = "student-f32.gguf";
//   o.out_path = "student-q8_0.gguf";
//   o.quantize = uniner::QuantType::kQ8_0;  // or leave it empty and set o.type (f16 by default)
//   uniner::ExportResult r = uniner::export_model(o);  // r.description: "llama ?B Q8_0, ..."
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "uniner/engine/model_init.h"

namespace uniner {

// llama.cpp's quantization types (k-quants need rows that are multiples of 256 values, the
// others multiples of 32; where a matrix does not fit, llama.cpp stores it in a type that does).
enum class QuantType {
  kQ8_0, kQ4_0, kQ4_1, kQ5_0, kQ5_1, kQ2_K, kQ3_K_M, kQ4_K_S, kQ4_K_M, kQ5_K_S, kQ5_K_M, kQ6_K,
  kF16, kBF16, kF32,
};

struct ExportOptions {
  std::string input_path;               // a GGUF model (f32/f16/bf16 for a rewrite)
  std::string out_path;                 // where the exported model goes (never the input)
  std::optional<QuantType> quantize;    // set: llama.cpp's quantizer to this type
  FloatType type = FloatType::kF16;     // quantize unset: rewrite the matrices in this type
  int threads = 0;                      // quantizer threads; 0 = all hardware threads
};

struct ExportResult {
  std::string description;  // llama.cpp's description of the written model
  std::uint64_t bytes = 0;  // size of the written file
};

ExportResult export_model(const ExportOptions& options);

}  // namespace uniner

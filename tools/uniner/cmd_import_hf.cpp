// uniner import-hf: a Hugging Face LLaMA/Qwen2 folder (safetensors or PyTorch .bin) to one GGUF.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "progress_line.h"
#include "uniner/engine/hf_import.h"

namespace uniner::cli {

Runner add_import_hf_command(CLI::App& app) {
  auto o = std::make_shared<ImportHfOptions>();
  auto quiet = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "import-hf",
      "Convert a Hugging Face LLaMA/Qwen2 folder (safetensors or pytorch_model*.bin) to GGUF");
  cmd->add_option("dir", o->input_dir,
                  "Model folder: config.json, weights, tokenizer.model")->required();
  cmd->add_option("-o,--output,--out", o->out_path, "Output GGUF (never an input file)")->required();
  add_choice(cmd, "--outtype", o->type, kFloatTypes,
                             "Storage of the matrices (norms stay f32)");
  add_optional_choice(cmd, "--quantize", o->quantize, kQuantTypes,
                      "Then quantize through llama.cpp (the matrices pass through --outtype)");
  cmd->add_option("--vocab", o->vocab_path,
                  "GGUF whose tokenizer is used instead of tokenizer.model (for a folder with only "
                  "a BPE tokenizer.json, e.g. Qwen2: llama.cpp's models/ggml-vocab-qwen2.gguf)");
  cmd->add_option("-t,--threads", o->threads, "Quantizer threads (0 = all)")->capture_default_str();
  add_quiet(cmd, *quiet);
  return [o, quiet] {
    ProgressLine progress("import-hf");
    const auto r = import_hf(*o, [&](std::size_t done, std::size_t total) {
      if (!*quiet) progress.update(done, total, "tensors");
    });
    progress.finish();
    std::fprintf(stderr, "import-hf: wrote %s (%s; %zu tensors from %s; tokenizer: %s%s%s; %llu bytes)\n",
                 o->out_path.c_str(), r.architecture.c_str(), r.tensors, r.weights.c_str(),
                 r.tokenizer.c_str(), r.description.empty() ? "" : "; ", r.description.c_str(),
                 static_cast<unsigned long long>(r.bytes));
    return 0;
  };
}

}  // namespace uniner::cli

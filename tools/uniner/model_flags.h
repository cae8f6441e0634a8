// The model flags shared by every subcommand that loads a GGUF model.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "uniner/engine/model.h"

namespace uniner::cli {

struct ModelFlags {
  std::string path;
  ModelOptions options;
};

inline void add_model_flags(CLI::App* cmd, ModelFlags& f, bool required = true) {
  auto* opt = cmd->add_option("-m,--model", f.path, "UniNER model (GGUF)");
  if (required) opt->required();
  cmd->add_option("-t,--threads", f.options.threads, "CPU threads (0 = all)")
      ->capture_default_str();
  cmd->add_option("-c,--ctx-size", f.options.context_size,
                  "KV cells shared by all parallel sequences")
      ->capture_default_str();
  cmd->add_option("-b,--batch-size", f.options.batch_size, "Most tokens per decode call")
      ->capture_default_str();
  cmd->add_option("--ubatch-size", f.options.ubatch_size, "Physical micro-batch")
      ->capture_default_str();
  cmd->add_option("-p,--parallel", f.options.parallel, "Most sequences decoded together (1-256)")
      ->capture_default_str();
  cmd->add_option("-g,--gpu-layers", f.options.gpu_layers,
                  "Layers offloaded to a GPU (needs a GPU build of llama.cpp)")
      ->capture_default_str();
}

}  // namespace uniner::cli

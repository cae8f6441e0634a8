// uniner init-model: a random-initialized LLaMA or Qwen2 GGUF with the tokenizer of another GGUF.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/engine/model_init.h"

namespace uniner::cli {

Runner add_init_model_command(CLI::App& app) {
  auto o = std::make_shared<InitModelOptions>();
  auto* cmd = app.add_subcommand(
      "init-model",
      "Write a random-initialized LLaMA or Qwen2 model (GGUF) with a given tokenizer");
  cmd->add_option("--vocab", o->vocab_path, "GGUF whose tokenizer is copied")->required();
  cmd->add_option("-o,--output,--out", o->out_path, "Output GGUF")->required();
  add_choice(cmd, "--arch", o->arch, kModelArchs, "Architecture (qwen2: biases on q, k, v)");
  cmd->add_option("--dim", o->dim, "Embedding size")->capture_default_str();
  cmd->add_option("--layers", o->layers, "Transformer blocks")->capture_default_str();
  cmd->add_option("--heads", o->heads, "Attention heads")->capture_default_str();
  cmd->add_option("--kv-heads", o->kv_heads, "Key/value heads (0 = heads)")->capture_default_str();
  cmd->add_option("--ff", o->ff, "Feed-forward size")->capture_default_str();
  cmd->add_option("--ctx", o->ctx, "Trained context length (metadata)")->capture_default_str();
  cmd->add_option("--rope-base", o->rope_base, "Rotary frequency base")->capture_default_str();
  cmd->add_option("--norm-eps", o->norm_eps, "RMSNorm epsilon")->capture_default_str();
  cmd->add_flag("--tied-output", o->tied_output, "No output matrix: reuse the token embeddings");
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  cmd->add_option("--end-bias", o->end_bias,
                  "For benchmarks: make EOS likely so answers end after a few tokens (0 = off)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--init-std", o->init_std, "Std of the normal init (0 = 1/sqrt(dim))")
      ->capture_default_str();
  auto* outtype = add_choice(cmd, "--outtype", o->type, kFloatTypes, "Storage of the matrices");
  cmd->add_flag_callback("--f16", [o] { o->type = FloatType::kF16; }, "Same as --outtype f16")
      ->excludes(outtype);
  return [o] {
    refuse_same_file(o->vocab_path, o->out_path);
    init_model(*o);
    std::fprintf(stderr, "init-model: wrote %s (%s, dim %d, %d layers, %d heads, ff %d)\n",
                 o->out_path.c_str(), o->arch == ModelArch::kQwen2 ? "qwen2" : "llama", o->dim,
                 o->layers, o->heads, o->ff);
    return 0;
  };
}

}  // namespace uniner::cli

// uniner export: a model file for deployment, quantized by llama.cpp or rewritten in f32/f16/bf16.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "uniner/engine/export.h"

namespace uniner::cli {

Runner add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export", "Quantize a model (llama.cpp's quantizer) or rewrite it in f32/f16/bf16");
  cmd->add_option("-m,--model", o->input_path, "Input GGUF model")->required();
  cmd->add_option("-o,--output,--out", o->out_path, "Output GGUF (never the input)")->required();
  auto* quant = add_optional_choice(cmd, "--quantize", o->quantize, kQuantTypes,
                                    "Quantization type, through llama.cpp");
  auto* outtype = add_choice(cmd, "--outtype", o->type, kFloatTypes,
                             "Rewrite the matrices in this type (f32/f16/bf16 input only)");
  quant->excludes(outtype);
  cmd->add_option("-t,--threads", o->threads, "Quantizer threads (0 = all)")->capture_default_str();
  return [o] {
    const auto r = export_model(*o);
    std::fprintf(stderr, "export: wrote %s (%s, %llu bytes)\n", o->out_path.c_str(),
                 r.description.c_str(), static_cast<unsigned long long>(r.bytes));
    return 0;
  };
}

}  // namespace uniner::cli

// uniner export: a model file for deployment, quantized by llama.cpp or rewritten in f32/f16/bf16,
// or (--hf DIR) the Hugging Face layout: config.json, model.safetensors, tokenizer.model.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "uniner/engine/export.h"
#include "uniner/engine/hf_import.h"
#include "uniner/error.h"

namespace uniner::cli {

Runner add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  auto hf = std::make_shared<ExportHfOptions>();
  auto* cmd = app.add_subcommand(
      "export",
      "Quantize a model (llama.cpp's quantizer), rewrite it in f32/f16/bf16, or write it as a "
      "Hugging Face folder (--hf)");
  cmd->add_option("-m,--model", o->input_path, "Input GGUF model")->required();
  auto* out = cmd->add_option("-o,--output,--out", o->out_path, "Output GGUF (never the input)");
  auto* hf_dir = cmd->add_option("--hf", hf->out_dir,
                                 "Instead: a Hugging Face folder (config.json, model.safetensors, "
                                 "tokenizer.model) for transformers' LlamaForCausalLM");
  out->excludes(hf_dir);
  auto* overwrite = cmd->add_flag("--overwrite", hf->overwrite,
                                  "With --hf: replace the files of a non-empty folder");
  overwrite->needs(hf_dir);
  auto* quant = add_optional_choice(cmd, "--quantize", o->quantize, kQuantTypes,
                                    "Quantization type, through llama.cpp");
  auto* outtype = add_choice(cmd, "--outtype", o->type, kFloatTypes,
                             "Rewrite the matrices in this type (f32/f16/bf16 input only)");
  quant->excludes(outtype);
  quant->excludes(hf_dir);
  cmd->add_option("-t,--threads", o->threads, "Quantizer threads (0 = all)")->capture_default_str();
  return [o, hf, outtype] {
    if (!hf->out_dir.empty()) {
      hf->input_path = o->input_path;
      if (outtype->count() > 0) hf->type = o->type;  // else the input's own precision
      const auto r = export_hf(*hf);
      std::string files;
      for (const auto& f : r.files) files += (files.empty() ? "" : ", ") + f;
      std::fprintf(stderr, "export: wrote %s/ (%s)\n", hf->out_dir.c_str(), files.c_str());
      if (!r.tokenizer_note.empty()) std::fprintf(stderr, "export: note: %s\n", r.tokenizer_note.c_str());
      return 0;
    }
    if (o->out_path.empty()) throw InputError("export: give -o/--output FILE (a GGUF) or --hf DIR (a Hugging Face folder)");
    const auto r = export_model(*o);
    std::fprintf(stderr, "export: wrote %s (%s, %llu bytes)\n", o->out_path.c_str(),
                 r.description.c_str(), static_cast<unsigned long long>(r.bytes));
    return 0;
  };
}

}  // namespace uniner::cli

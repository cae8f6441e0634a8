#include "flags.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "format/file_io.h"
#include "uniner/error.h"

namespace uniner::cli {

CLI::Option* add_input(CLI::App* cmd, std::string& path, const std::string& what, bool required) {
  auto* opt = cmd->add_option("-i,--input", path, what + " ('-' = stdin)");
  if (required) opt->required();
  return opt;
}

CLI::Option* add_inputs(CLI::App* cmd, std::vector<std::string>& paths, const std::string& what) {
  return cmd->add_option("-i,--input", paths, what + " ('-' = stdin)")->required();
}

CLI::Option* add_output(CLI::App* cmd, std::string& path, const std::string& what) {
  return cmd->add_option("-o,--output", path, what + " ('-' = stdout)")->capture_default_str();
}

CLI::Option* add_strict(CLI::App* cmd, bool& strict) {
  return cmd->add_flag("--strict", strict, "Stop at the first bad record instead of skipping it");
}

CLI::Option* add_quiet(CLI::App* cmd, bool& quiet) {
  return cmd->add_flag("-q,--quiet", quiet, "No progress on stderr (warnings are still shown)");
}

CLI::Validator positive_count() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const char* begin = s.c_str();
        char* end = nullptr;
        errno = 0;
        const unsigned long long v = std::strtoull(begin, &end, 10);
        if (s.empty() || *end != '\0' || s.find('-') != std::string::npos || errno == ERANGE ||
            v == 0) {
          return "must be a positive whole number, got '" + s + "'";
        }
        return {};
      },
      "POSITIVE");
}

const Choices<DecodeMode> kDecodeModes = {{"shared", DecodeMode::kShared},
                                          {"naive", DecodeMode::kNaive}};
const Choices<ParserMode> kParserModes = {{"official", ParserMode::kOfficial},
                                          {"lenient", ParserMode::kLenient}};
const Choices<AnswerConstraint> kAnswerConstraints = {{"none", AnswerConstraint::kNone},
                                                      {"passage", AnswerConstraint::kPassage}};
const Choices<SystemText> kSystemTexts = {{"text", SystemText::kText},
                                          {"paragraph", SystemText::kParagraph}};
const Choices<PassageFormat> kPassageFormats = {{"auto", PassageFormat::kAuto},
                                                {"text", PassageFormat::kText},
                                                {"jsonl", PassageFormat::kJsonl}};
const Choices<CorpusFormat> kCorpusFormats = {
    {"auto", CorpusFormat::kAuto}, {"text", CorpusFormat::kText}, {"jsonl", CorpusFormat::kJsonl}};
const Choices<SupervisedFormat> kSupervisedFormats = {{"auto", SupervisedFormat::kAuto},
                                                      {"conll", SupervisedFormat::kConll},
                                                      {"spans", SupervisedFormat::kSpans}};
const Choices<NegativeMode> kNegativeModes = {{"none", NegativeMode::kNone},
                                              {"uniform", NegativeMode::kUniform},
                                              {"frequency", NegativeMode::kFrequency}};
const Choices<TypeCase> kTypeCases = {{"keep", TypeCase::kKeep}, {"lower", TypeCase::kLower}};
const Choices<PromptVariant> kPromptVariants = {{"type", PromptVariant::kType},
                                                {"definition", PromptVariant::kDefinition}};
const Choices<ModelArch> kModelArchs = {{"llama", ModelArch::kLlama}, {"qwen2", ModelArch::kQwen2}};
const Choices<FloatType> kFloatTypes = {
    {"f32", FloatType::kF32}, {"f16", FloatType::kF16}, {"bf16", FloatType::kBF16}};
const Choices<QuantType> kQuantTypes = {
    {"q8_0", QuantType::kQ8_0},     {"q4_0", QuantType::kQ4_0},     {"q4_1", QuantType::kQ4_1},
    {"q5_0", QuantType::kQ5_0},     {"q5_1", QuantType::kQ5_1},     {"q2_k", QuantType::kQ2_K},
    {"q3_k_m", QuantType::kQ3_K_M}, {"q4_k_s", QuantType::kQ4_K_S}, {"q4_k_m", QuantType::kQ4_K_M},
    {"q5_k_s", QuantType::kQ5_K_S}, {"q5_k_m", QuantType::kQ5_K_M}, {"q6_k", QuantType::kQ6_K},
    {"f16", QuantType::kF16},       {"bf16", QuantType::kBF16},     {"f32", QuantType::kF32}};

CLI::Option* add_shard(CLI::App* cmd, Shard& shard, const std::string& what) {
  auto* opt = cmd->add_option_function<std::string>(
      "--shard", [&shard](const std::string& s) { shard = parse_shard(s); },
      "K/N (K from 0): " + what);
  // A bad value is a usage error that names it, before anything runs.
  opt->check(CLI::Validator(
      [](std::string& s) -> std::string {
        try {
          parse_shard(s);
          return {};
        } catch (const InputError& e) {
          return e.what();
        }
      },
      "K/N"));
  return opt;
}

void add_model_flags(CLI::App* cmd, ModelFlags& f, bool required) {
  auto* opt = cmd->add_option("-m,--model", f.path, "UniNER model (GGUF)");
  if (required) opt->required();
  auto& o = f.options;
  cmd->add_option("-t,--threads", o.threads, "CPU threads (0 = all)")->capture_default_str();
  cmd->add_option("-c,--ctx-size", o.context_size, "KV cells shared by all parallel sequences")
      ->capture_default_str();
  cmd->add_option("-b,--batch-size", o.batch_size, "Most tokens per decode call")
      ->capture_default_str();
  cmd->add_option("--ubatch-size", o.ubatch_size, "Physical micro-batch")->capture_default_str();
  cmd->add_option("-p,--parallel", o.parallel, "Most sequences decoded together (1-256)")
      ->capture_default_str();
  cmd->add_option("-g,--gpu-layers,--n-gpu-layers", o.gpu_layers,
                  "Layers offloaded to a GPU (needs a GPU build of llama.cpp; also -ngl)")
      ->capture_default_str();
  cmd->add_option("--lora", o.lora_path, "A LoRA adapter GGUF applied to the model")
      ->check(CLI::ExistingFile);
  cmd->add_option("--lora-scale", o.lora_scale, "Scale of the adapter's delta")
      ->capture_default_str();
}

Model load_model(const ModelFlags& f) {
  if (f.options.gpu_layers > 0 && !gpu_offload_supported()) {
    std::fprintf(stderr,
                 "uniner: warning: --gpu-layers %d ignored: this build of llama.cpp has no GPU "
                 "backend, everything runs on the CPU\n",
                 f.options.gpu_layers);
  }
  return Model::load(f.path, f.options);
}

bool same_output(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-") return false;
  std::error_code ea, eb;
  const auto ca = std::filesystem::weakly_canonical(a, ea);
  const auto cb = std::filesystem::weakly_canonical(b, eb);
  return a == b || (!ea && !eb && ca == cb);
}

}  // namespace uniner::cli

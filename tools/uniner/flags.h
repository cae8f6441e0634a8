// The flags every subcommand shares, defined once: files (-i/--input, -o/--output), --strict,
// -q/--quiet, named choices (--format, --mode, --parser...), and the model and batching group
// (-m, -t, -c, -b, -p, -g). Defaults are read from the value bound (a default-constructed library
// options struct), never repeated here. Output files are checked (check_written) and never the
// input (refuse_same_file).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "uniner/data/instruction_data.h"
#include "uniner/data/passages.h"
#include "uniner/data/supervised_data.h"
#include "uniner/engine/export.h"
#include "uniner/engine/extractor.h"
#include "uniner/engine/model.h"
#include "uniner/engine/model_init.h"
#include "uniner/format/shard.h"
#include "uniner/teacher/teacher_prompt.h"

namespace uniner::cli {

// -i/--input FILE ('-' = stdin). `what` says what the file holds.
CLI::Option* add_input(CLI::App* cmd, std::string& path, const std::string& what,
                       bool required = true);
// -i/--input FILE..., repeatable.
CLI::Option* add_inputs(CLI::App* cmd, std::vector<std::string>& paths, const std::string& what);
// -o/--output FILE ('-' = stdout); `path` holds the default.
CLI::Option* add_output(CLI::App* cmd, std::string& path, const std::string& what);
CLI::Option* add_strict(CLI::App* cmd, bool& strict);
CLI::Option* add_quiet(CLI::App* cmd, bool& quiet);

// A positive whole number ("--max-tokens: must be a positive whole number, got '0'").
CLI::Validator positive_count();

// A flag whose value is one of `choices`, stored as the matching enum value in `target`; the
// default shown is the name of the value `target` holds.
template <class E>
using Choices = std::vector<std::pair<std::string, E>>;

// The flag itself: checks the name, hands the matching value to `set`.
template <class E, class Set>
CLI::Option* add_choice_option(CLI::App* cmd, const std::string& flags, const Choices<E>& choices,
                               const std::string& what, Set set) {
  std::vector<std::string> names;
  for (const auto& [name, value] : choices) names.push_back(name);
  auto* opt = cmd->add_option_function<std::string>(
      flags,
      [set, choices](const std::string& s) {
        for (const auto& [name, value] : choices)
          if (name == s) set(value);
      },
      what);
  opt->check(CLI::IsMember(names));
  return opt;
}

template <class E>
CLI::Option* add_choice(CLI::App* cmd, const std::string& flags, E& target,
                        const Choices<E>& choices, const std::string& what) {
  auto* opt = add_choice_option(cmd, flags, choices, what, [&target](E v) { target = v; });
  for (const auto& [name, value] : choices) {
    if (value == target) return opt->default_str(name);
  }
  return opt;
}

// The same for an option whose absence means "the library decides" (std::nullopt).
template <typename E>
CLI::Option* add_optional_choice(CLI::App* cmd, const std::string& flags, std::optional<E>& target,
                                 const Choices<E>& choices, const std::string& what) {
  return add_choice_option(cmd, flags, choices, what, [&target](E v) { target = v; });
}

// The names of the library's enums on the command line.
extern const Choices<DecodeMode> kDecodeModes;              // shared, naive
extern const Choices<ParserMode> kParserModes;              // official, lenient
extern const Choices<AnswerConstraint> kAnswerConstraints;  // none, passage
extern const Choices<SystemText> kSystemTexts;              // text, paragraph
extern const Choices<PassageFormat> kPassageFormats;        // auto, text, jsonl
extern const Choices<CorpusFormat> kCorpusFormats;          // auto, text, jsonl
extern const Choices<SupervisedFormat> kSupervisedFormats;  // auto, conll, spans
extern const Choices<NegativeMode> kNegativeModes;          // none, uniform, frequency
extern const Choices<TypeCase> kTypeCases;                  // keep, lower
extern const Choices<PromptVariant> kPromptVariants;        // type, definition
extern const Choices<ModelArch> kModelArchs;                // llama, qwen2
extern const Choices<FloatType> kFloatTypes;                // f32, f16, bf16
extern const Choices<QuantType> kQuantTypes;                // q8_0, q4_k_m, ... (llama.cpp's)

// --shard K/N: a deterministic split by record id, for N independent jobs (a job array).
CLI::Option* add_shard(CLI::App* cmd, Shard& shard, const std::string& what);

// The model and batching group.
struct ModelFlags {
  std::string path;
  ModelOptions options;
};
// -m/--model (required unless `required` is false), -t/--threads, -c/--ctx-size,
// -b/--batch-size, --ubatch-size, -p/--parallel, -g/--gpu-layers (alias --n-gpu-layers; main
// also accepts llama.cpp's -ngl), --lora FILE, --lora-scale S.
void add_model_flags(CLI::App* cmd, ModelFlags& flags, bool required = true);
// Loads the model; warns on stderr when GPU layers are asked of a build without a GPU backend.
Model load_model(const ModelFlags& flags);

// Whether two outputs name the same file (never for "-": both go to stdout, in order).
bool same_output(const std::string& a, const std::string& b);

}  // namespace uniner::cli

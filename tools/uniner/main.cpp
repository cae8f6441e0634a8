// uniner: UniversalNER in one native tool. `uniner --help` lists the subcommands.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include "commands.h"
#include "uniner/error.h"

namespace {

// llama.cpp's users type -ngl N (or -ngl=N) for --n-gpu-layers; CLI11 has no multi-letter short
// flags, so the spelling is rewritten before parsing.
std::vector<std::string> llama_cpp_aliases(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "-ngl") args[i] = "--n-gpu-layers";
    if (args[i].rfind("-ngl=", 0) == 0) args[i] = "--n-gpu-layers=" + args[i].substr(5);
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace uniner::cli;
  CLI::App app{"uniner: open named-entity recognition with UniversalNER models, in C++"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "uniner 0.1.0");
  // Usage errors look like every other error, and say where help is.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("uniner: error: ") + e.what() + "\nRun with --help for more information.\n";
  });

  const std::pair<const char*, Runner (*)(CLI::App&)> table[] = {
      {"prompt", add_prompt_command},         {"eval", add_eval_command},
      {"extract", add_extract_command},       {"init-model", add_init_model_command},
      {"passages", add_passages_command},     {"stats", add_stats_command},
      {"build-data", add_build_data_command}, {"convert", add_convert_command},
      {"annotate", add_annotate_command},     {"merge", add_merge_command},
      {"export", add_export_command},         {"bench", add_bench_command},
      {"synth", add_synth_command},           {"serve", add_serve_command},
      {"import-hf", add_import_hf_command},   {"train-vocab", add_train_vocab_command},
  };
  std::map<std::string, Runner> runners;
  for (const auto& [name, add] : table) runners[name] = add(app);
#ifdef UNINER_WITH_TRAINING
  runners["train"] = add_train_command(app);
#else
  // A build without libtorch: the trainer is the one part that needs it.
  auto* train = app.add_subcommand("train", "(not in this build) instruction-tune a student");
  train->allow_extras();
  runners["train"] = [] {
    std::fprintf(stderr,
                 "uniner: error: this uniner was built without the trainer (libtorch): install "
                 "libtorch-dev and rebuild with -DUNINER_WITH_TRAINING=ON (scripts/test.sh does both)\n");
    return 2;
  };
#endif

  try {
    auto args = llama_cpp_aliases(argc, argv);
    std::vector<char*> raw;
    for (auto& a : args) raw.push_back(a.data());
    app.parse(static_cast<int>(raw.size()), raw.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;  // usage errors exit 2, as every other bad input
  }

  try {
    for (auto* sub : app.get_subcommands()) return runners.at(sub->get_name())();
    return 2;
  } catch (const uniner::InputError& e) {
    std::fprintf(stderr, "uniner: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uniner: error: %s\n", e.what());
    return 1;
  }
}

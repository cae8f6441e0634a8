// uniner: UniversalNER in one native tool. `uniner --help` lists the subcommands.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "commands.h"
#include "uniner/error.h"

int main(int argc, char** argv) {
  using namespace uniner::cli;
  CLI::App app{"uniner: open named-entity recognition with UniversalNER models, in C++"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "uniner 0.1.0");

  const std::pair<const char*, Runner (*)(CLI::App&)> table[] = {
      {"prompt", add_prompt_command},         {"eval", add_eval_command},
      {"extract", add_extract_command},       {"init-model", add_init_model_command},
      {"passages", add_passages_command},     {"stats", add_stats_command},
      {"build-data", add_build_data_command}, {"convert", add_convert_command},
      {"annotate", add_annotate_command},
  };
  std::map<std::string, Runner> runners;
  for (const auto& [name, add] : table) runners[name] = add(app);

  // Parts of the recipe this version does not have yet: the CLI says so instead of pretending.
  const std::pair<const char*, const char*> planned[] = {
      {"train", "instruction tuning of a student (libtorch)"},
      {"export", "writing a trained student as GGUF"},
      {"serve", "the HTTP API and web page"},
  };
  for (const auto& [name, what] : planned) {
    auto* cmd = app.add_subcommand(name, std::string("(not in this version) ") + what);
    cmd->allow_extras();
    runners[name] = [name = std::string(name), what = std::string(what)] {
      std::fprintf(stderr, "uniner: error: '%s' (%s) is not available in this version of uniner\n",
                   name.c_str(), what.c_str());
      return 2;
    };
  }

  try {
    app.parse(argc, argv);
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

// uniner prompt: print the exact inference prompt for one (text, type).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands.h"
#include "uniner/conversation.h"
#include "uniner/utf8.h"

namespace uniner::cli {

Runner add_prompt_command(CLI::App& app) {
  struct Options {
    std::string text, type, system = "text";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("prompt", "Print the exact inference prompt for a text and a type");
  cmd->add_option("--text", o->text, "Passage text")->required();
  cmd->add_option("--type", o->type, "Entity type")->required();
  cmd->add_option("--system", o->system, "System sentence: text (released models) or paragraph")
      ->capture_default_str();
  return [o] {
    require_utf8(o->text, "--text");
    require_utf8(o->type, "--type");
    std::cout << inference_prompt(o->text, o->type, parse_system_text(o->system)) << '\n';
    return 0;
  };
}

}  // namespace uniner::cli

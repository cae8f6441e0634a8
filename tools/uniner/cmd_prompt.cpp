// uniner prompt: print the exact inference prompt for one (text, type).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands.h"
#include "engine/prompt_tokens.h"
#include "text/utf8.h"
#include "uniner/engine/extractor.h"
#include "uniner/error.h"
#include "uniner/format/conversation.h"

namespace uniner::cli {

Runner add_prompt_command(CLI::App& app) {
  struct Options {
    std::string text, type, system = "text", model;
    bool tokens = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("prompt", "Print the exact inference prompt for a text and a type");
  cmd->add_option("--text", o->text, "Passage text")->required();
  cmd->add_option("--type", o->type, "Entity type")->required();
  cmd->add_option("--system", o->system, "System sentence: text (released models) or paragraph")
      ->capture_default_str();
  cmd->add_option("-m,--model", o->model, "GGUF model or vocabulary, for --tokens");
  cmd->add_flag("--tokens", o->tokens,
                "Print the token ids the engine feeds (BOS, prefix, query), space-separated");
  return [o] {
    require_utf8(o->text, "--text");
    require_utf8(o->type, "--type");
    // The checks `extract` makes: no prompt is printed for a passage extract would refuse.
    if (std::string why = validate_passage({"", o->text, {o->type}}); !why.empty()) {
      throw InputError("--text/--type: " + why);
    }
    const SystemText system = parse_system_text(o->system);
    if (!o->tokens) {
      std::cout << inference_prompt(o->text, o->type, system) << '\n';
      return 0;
    }
    if (o->model.empty()) throw InputError("--tokens needs --model");
    const auto ids = prompt_tokens(Vocab::load(o->model), o->text, o->type, system);
    for (std::size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
    std::cout << '\n';
    return 0;
  };
}

}  // namespace uniner::cli

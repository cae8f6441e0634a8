// uniner prompt: print the exact inference prompt for one (text, type).
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <ostream>

#include "commands.h"
#include "engine/prompt_tokens.h"
#include "flags.h"
#include "format/file_io.h"
#include "text/utf8.h"
#include "uniner/engine/extractor.h"
#include "uniner/error.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_prompt_command(CLI::App& app) {
  struct Options {
    std::string text, type, model, output = "-";
    SystemText system = SystemText::kText;
    bool tokens = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("prompt", "Print the exact inference prompt for a text and a type");
  cmd->add_option("--text", o->text, "Passage text")->required();
  cmd->add_option("--type", o->type, "Entity type")->required();
  auto* system = add_choice(cmd, "--system", o->system, kSystemTexts,
                            "System sentence: text (released models) or paragraph; default: the "
                            "model's own with --model, else text");
  cmd->add_option("-m,--model", o->model, "GGUF model or vocabulary, for --tokens");
  cmd->add_flag("--tokens", o->tokens,
                "Print the token ids the engine feeds (BOS, prefix, query), space-separated");
  add_output(cmd, o->output, "Where the prompt goes");
  return [o, system] {
    require_utf8(o->text, "--text");
    require_utf8(o->type, "--type");
    // The checks `extract` makes: no prompt is printed for a passage extract would refuse.
    if (std::string why = validate_passage({"", o->text, {o->type}}); !why.empty()) {
      throw InputError("--text/--type: " + why);
    }
    if (o->tokens && o->model.empty()) throw InputError("--tokens needs --model");
    auto out = open_output(o->output);
    // With a model, its own template (its separator, its system sentence unless --system).
    std::optional<Vocab> vocab;
    PromptTemplate prompt = PromptTemplate::original(o->system);
    if (!o->model.empty()) {
      vocab = Vocab::load(o->model);
      prompt = vocab->prompt_template();
      if (system->count() > 0) prompt.system = system_message(o->system);
    }
    if (!o->tokens) {
      *out << inference_prompt(o->text, o->type, prompt) << '\n';
    } else {
      const auto ids = prompt_tokens(*vocab, o->text, o->type, prompt);
      for (std::size_t i = 0; i < ids.size(); ++i) *out << (i ? " " : "") << ids[i];
      *out << '\n';
    }
    check_written(*out, o->output);
    return 0;
  };
}

}  // namespace uniner::cli

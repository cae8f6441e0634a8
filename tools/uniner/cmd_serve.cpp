// uniner serve: the HTTP API and the web page (docs/serving.md). Parses the flags, starts the
// library's Server, and turns SIGTERM/SIGINT into its graceful shutdown.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "uniner/error.h"
#include "uniner/serve/server.h"

namespace uniner::cli {
namespace {

struct Options {
  ModelFlags model;
  ServerOptions server;
  std::string api_key_env;
  bool quiet = false;
};

}  // namespace

Runner add_serve_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("serve", "HTTP API and web page: entities of any type, for many clients");
  add_model_flags(cmd, o->model);
  ServerOptions& s = o->server;
  cmd->add_option("--host", s.host, "Address to listen on (0.0.0.0: every interface)")
      ->capture_default_str();
  cmd->add_option("--port", s.port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--api-key-env", o->api_key_env,
                  "Environment variable holding the API key: then every route but / and /health "
                  "needs 'Authorization: Bearer KEY'");
  cmd->add_option("--max-body", s.max_body_bytes, "Largest request body, in bytes (larger: 413)")
      ->capture_default_str()
      ->check(positive_count());
  cmd->add_option("--max-types", s.max_types, "Most entity types per request")
      ->capture_default_str()
      ->check(positive_count());
  cmd->add_option("--max-texts", s.max_texts, "Most passages per request (\"texts\")")
      ->capture_default_str()
      ->check(positive_count());
  cmd->add_option("--max-text-tokens", s.max_text_tokens, "Most tokens in one passage's text")
      ->capture_default_str()
      ->check(positive_count());
  cmd->add_option("--max-new-tokens", s.extract.max_new_tokens,
                  "Answer tokens per type, for requests that do not say")
      ->capture_default_str()
      ->check(positive_count());
  cmd->add_option("--max-new-tokens-limit", s.max_new_tokens_limit,
                  "The most answer tokens a request may ask for")
      ->capture_default_str()
      ->check(positive_count());
  add_choice(cmd, "--parser", s.extract.parser, kParserModes,
             "Answer parser for requests that do not say: lenient or official");
  add_choice(cmd, "--constrain", s.extract.constrain, kAnswerConstraints,
             "none (the original's answers) or passage (answers only quote the passage)");
  add_optional_choice(cmd, "--system", s.extract.system, kSystemTexts,
                      "System sentence: text or paragraph (default: the model's own)");
  cmd->add_option("--max-passage-tokens", s.extract.max_passage_tokens,
                  "Longer prompts are split into overlapping windows (0 = never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--window-overlap", s.extract.window_overlap_tokens,
                  "Overlap of windows, in tokens")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--http-threads", s.http_threads,
                  "Connections served at once (a waiting client holds one)")
      ->capture_default_str()
      ->check(positive_count());
  add_quiet(cmd, o->quiet);
  return [o] {
    ServerOptions options = o->server;
    options.model_path = o->model.path;
    options.model = o->model.options;
    if (!o->api_key_env.empty()) {
      const char* key = std::getenv(o->api_key_env.c_str());
      if (!key || !*key) {
        throw InputError("the environment variable " + o->api_key_env +
                         " (the API key) is not set or empty");
      }
      options.api_key = key;
    }
    // The signals are taken by this thread alone (sigtimedwait below): every server thread,
    // created after this, inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    ServerCallbacks callbacks;
    const bool quiet = o->quiet;
    callbacks.log = [quiet](const std::string& line) {
      if (!quiet) std::fprintf(stderr, "serve: %s\n", line.c_str());
    };
    Server server(options, callbacks);
    const timespec tick{0, 100 * 1000 * 1000};
    while (!server.stopped()) {
      const int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) {
        server.shutdown();
        break;
      }
    }
    server.wait();  // rethrows a model that failed to load
    if (!quiet) std::fprintf(stderr, "serve: stopped\n");
    return 0;
  };
}

}  // namespace uniner::cli

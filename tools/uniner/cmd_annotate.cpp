// uniner annotate: teacher annotation of passages through an OpenAI-compatible API, resumable.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "commands.h"
#include "flags.h"
#include "progress_line.h"
#include "uniner/error.h"
#include "uniner/teacher/annotate.h"

namespace uniner::cli {
namespace {

// Progress on stderr, with the counts by status.
class ProgressPrinter {
 public:
  void update(const AnnotateStats& s) {
    char counts[128];
    std::snprintf(counts, sizeof counts, "ok %zu, parse_error %zu, failed %zu", s.ok, s.parse_error,
                  s.failed);
    line_.update(s.processed(), s.total, "passages", counts);
  }
  void message(const std::string& prefix, const std::string& m) { line_.message(prefix, m); }
  void clear() { line_.finish(); }

 private:
  ProgressLine line_{"annotate"};
};

}  // namespace

Runner add_annotate_command(CLI::App& app) {
  struct Options {
    AnnotateOptions job;
    std::string api_key_env = "OPENAI_API_KEY";
  };
  auto o = std::make_shared<Options>();
  auto& job = o->job;
  auto* cmd = app.add_subcommand(
      "annotate", "Annotate passages with a teacher LLM (OpenAI-compatible API); resumable");
  add_input(cmd, job.input,
            "Passages JSONL {\"id\", \"text\"} (as `uniner passages` writes; '-' = stdin)");
  // Not add_output: this output is never stdout.
  cmd->add_option("-o,--output", job.output,
                  "Records JSONL, appended; a real file (it is read back to resume)")
      ->required();
  cmd->add_option("--base-url", job.chat.base_url,
                  "API base URL, before /chat/completions (vLLM, llama.cpp: http://HOST:PORT/v1; "
                  "Ollama: http://localhost:11434/v1)")
      ->capture_default_str();
  cmd->add_option("-m,--model", job.chat.model, "Model name sent to the API")->required();
  cmd->add_option("--api-key-env", o->api_key_env,
                  "Environment variable holding the API key, sent as a Bearer token (the default "
                  "variable only over HTTPS; a named one to any --base-url)")
      ->capture_default_str();
  cmd->add_option("--temperature", job.chat.temperature, "Sampling temperature")
      ->capture_default_str();
  cmd->add_option("--max-tokens", job.chat.max_tokens, "max_tokens of each request (0 = not sent)")
      ->capture_default_str();
  add_choice(cmd, "--variant", job.variant, kPromptVariants,
             "Prompt: type (entity types) or definition (one-sentence type definitions)");
  cmd->add_option("--concurrency", job.concurrency, "Requests in flight")->capture_default_str();
  cmd->add_option("--timeout", job.chat.timeout_s, "Seconds per request (connect + whole answer)")
      ->capture_default_str();
  cmd->add_option("--max-retries", job.chat.max_retries,
                  "Retries of a request (429, 5xx, timeouts, dropped connections, bad bodies)")
      ->capture_default_str();
  cmd->add_option("--backoff", job.chat.backoff_s,
                  "Seconds before the first retry; doubles each retry (max 60), with jitter")
      ->capture_default_str();
  cmd->add_flag("--retry-failed", job.retry_failed,
                "Remove 'failed' records of earlier runs from the output and ask again");
  cmd->add_option("--max-consecutive-failures", job.max_consecutive_failures,
                  "Stop after this many failed passages in a row (0 = never)")
      ->capture_default_str();
  cmd->add_option("--ca-cert", job.chat.ca_cert_file,
                  "PEM CA certificates for HTTPS (default: the system's)");
  add_shard(cmd, job.shard,
            "only the passages whose id falls in shard K of N, for N jobs (a Slurm job array) "
            "that cover the input once, each with its own --output");

  return [o, cmd] {
    auto& job = o->job;
    const char* key = std::getenv(o->api_key_env.c_str());
    const bool named = cmd->count("--api-key-env") > 0;
    // The default variable (OPENAI_API_KEY) never travels in clear text to a local server that
    // did not ask for it; a key named with --api-key-env goes wherever --base-url points.
    const bool cleartext = job.chat.base_url.rfind("http://", 0) == 0;
    if (key != nullptr && *key != '\0' && (named || !cleartext)) {
      job.chat.api_key = key;
    } else if (named) {
      throw InputError("--api-key-env: the environment variable " + o->api_key_env + " is not set");
    }

    ProgressPrinter progress;
    AnnotateCallbacks callbacks;
    callbacks.progress = [&](const AnnotateStats& s) { progress.update(s); };
    callbacks.warning = [&](const std::string& m) { progress.message("warning: ", m); };
    callbacks.notice = [&](const std::string& m) { progress.message("", m); };
    AnnotateStats s;
    try {
      s = annotate(job, callbacks);
    } catch (...) {
      progress.clear();
      throw;
    }
    progress.clear();
    std::fprintf(stderr,
                 "uniner: annotate: %zu records written in %.1f s (ok %zu, parse_error %zu, "
                 "failed %zu); %zu already done; %zu bad input lines; %zu HTTP requests, "
                 "%.1f requests/s; tokens: %llu prompt + %llu completion\n",
                 s.written, s.elapsed_s, s.ok, s.parse_error, s.failed, s.resumed, s.bad_input,
                 s.requests, s.requests_per_s(), static_cast<unsigned long long>(s.prompt_tokens),
                 static_cast<unsigned long long>(s.completion_tokens));
    if (!job.shard.whole()) {
      std::fprintf(stderr, "uniner: annotate: shard %s: %zu passages left to the other shards\n",
                   job.shard.to_string().c_str(), s.other_shards);
    }
    if (s.failed > 0) {
      std::fprintf(stderr,
                   "uniner: %zu passages failed (their records say why); run again with "
                   "--retry-failed to ask again\n",
                   s.failed);
    }
    return 0;
  };
}

}  // namespace uniner::cli

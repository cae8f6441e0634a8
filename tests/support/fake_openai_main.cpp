// uniner-fake-openai: the test server of fake_openai_server.h as a program, for trying
// `uniner annotate` by hand and for scripts. Prints its base URL on stdout (one line), then
// serves until SIGINT or SIGTERM.
//
//   build/tests/uniner-fake-openai --latency-ms 50 &   # -> http://127.0.0.1:PORT/v1
//   build/tests/uniner-fake-openai --answers synth/teacher.jsonl &   # uniner synth's teacher
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "support/fake_openai_server.h"

int main(int argc, char** argv) {
  uniner::testing::FakeOpenAiOptions o;
  std::string fixtures, key_env;
  CLI::App app{"A local OpenAI-compatible chat server with fault injection, for tests"};
  app.add_option("--latency-ms", o.latency_ms, "Delay before every answer")->capture_default_str();
  app.add_option("--slow-ms", o.slow_ms, "Delay of the {{fault:slow}} answers")
      ->capture_default_str();
  app.add_option("--retry-after", o.retry_after, "Retry-After of {{fault:429}}")
      ->capture_default_str();
  app.add_option("--api-key-env", key_env, "Require the key held by this environment variable");
  app.add_option("--answers,--fixtures", fixtures,
                 "JSONL {\"text\": passage, \"answer\": content} (uniner synth's teacher.jsonl)");
  app.add_option("--threads", o.threads, "Server threads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (!key_env.empty()) {
    const char* key = std::getenv(key_env.c_str());
    if (key == nullptr) {
      std::fprintf(stderr, "uniner-fake-openai: %s is not set\n", key_env.c_str());
      return 2;
    }
    o.api_key = key;
  }
  if (!fixtures.empty()) {
    std::ifstream in(fixtures);
    if (!in) {
      std::fprintf(stderr, "uniner-fake-openai: %s: cannot open\n", fixtures.c_str());
      return 2;
    }
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      try {
        const auto j = nlohmann::json::parse(line);
        o.answers[j.at("text").get<std::string>()] = j.at("answer").get<std::string>();
      } catch (const nlohmann::json::exception& e) {
        std::fprintf(stderr, "uniner-fake-openai: %s:%zu: %s\n", fixtures.c_str(), n, e.what());
        return 2;
      }
    }
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server threads start
  uniner::testing::FakeOpenAiServer server(o);
  std::cout << server.base_url() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "uniner-fake-openai: %zu requests served\n", server.requests());
  return 0;
}

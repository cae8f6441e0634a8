// bench/serve: `uniner serve` under load, against the CLI on the same passages, in one run.
//
//   build/bench/bench_serve --model build-bench/demo/quick/student.gguf --max-new-tokens 256
//   build/bench/bench_serve --vocab third_party/llama.cpp/models/ggml-vocab-llama-spm.gguf
//       [--clients 32 --requests 20 --max-new-tokens 16 --threads 2 --dim 128 --layers 4 ...]
//
// The model: --model, or a random model of the given shape made with init-model. Each of --clients threads sends
// --requests POST /v1/extract {"text", "types"} one after another over its own keep-alive
// connection; request k of client c asks passage (c * requests + k) % passages. Every answer must
// equal, byte for byte, the line `uniner extract --text` writes for that passage alone (id "1", as
// the server gives a single text). Printed: errors, mismatches, requests/s, latency p50/p95/p99,
// and two CLI baselines on the same passages: `uniner extract --text` once per request, one after
// another (what a script without a server does; timed once per distinct passage), and one batch
// job over every request's passage (the CLI at its best, nobody waiting for an answer), whose
// answers are compared with the passage-alone ones too.
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "uniner/engine/model_init.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Sentences of a few shapes, all different, in the style of the benchmarks' passages.
std::vector<std::string> make_passages(int n) {
  const char* people[] = {"Ada Lovelace", "Marie Curie", "Alan Turing", "Grace Hopper",
                          "Niels Bohr", "Emmy Noether", "Carl Gauss", "Lise Meitner"};
  const char* places[] = {"London", "Paris", "Cambridge", "New York", "Copenhagen", "Vienna",
                          "Berlin", "Zurich"};
  const char* things[] = {"the Analytical Engine", "radium", "the Bombe", "COBOL",
                          "quantum theory", "abstract algebra", "the Gaussian curve", "fission"};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(std::string(people[i % 8]) + " worked on " + things[(i / 8) % 8] + " in " +
                  places[(i * 3 + i / 8) % 8] + " during year " + std::to_string(1800 + i) + ".");
  }
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench/serve: uniner serve with concurrent clients vs the CLI"};
  std::string vocab, dir = "/tmp/uniner-bench-serve";
  int clients = 32, requests = 20, passages_n = 64, max_new_tokens = 16, threads = 2;
  uniner::InitModelOptions shape;
  shape.dim = 128, shape.layers = 4, shape.heads = 4, shape.ff = 344, shape.seed = 7;
  shape.init_std = 0.05f;
  const std::vector<std::string> types = {"person", "location", "field"};
  std::string given_model;
  app.add_option("--model", given_model,
                 "A model to serve (e.g. the demo's trained student) instead of a random one");
  app.add_option("--vocab", vocab, "GGUF vocabulary for the random model");
  app.add_option("--dir", dir, "Work folder (model, inputs, logs)")->capture_default_str();
  app.add_option("--clients", clients)->capture_default_str();
  app.add_option("--requests", requests, "Requests per client")->capture_default_str();
  app.add_option("--passages", passages_n, "Distinct passages")->capture_default_str();
  app.add_option("--max-new-tokens", max_new_tokens)->capture_default_str();
  app.add_option("-t,--threads", threads)->capture_default_str();
  app.add_option("--dim", shape.dim)->capture_default_str();
  app.add_option("--layers", shape.layers)->capture_default_str();
  app.add_option("--heads", shape.heads)->capture_default_str();
  app.add_option("--ff", shape.ff)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::filesystem::create_directories(dir);
  const std::string bin = UNINER_BINARY;
  std::string model = given_model;
  if (model.empty()) {
    if (vocab.empty()) {
      std::fprintf(stderr, "bench_serve: give --model, or --vocab for a random model\n");
      return 2;
    }
    model = dir + "/model.gguf";
    shape.vocab_path = vocab;
    shape.out_path = model;
    uniner::init_model(shape);
  }
  const auto passages = make_passages(passages_n);
  const int total = clients * requests;
  std::vector<std::string> asked(total);  // request index -> passage
  for (int c = 0; c < clients; ++c)
    for (int k = 0; k < requests; ++k) asked[c * requests + k] = passages[(c * requests + k) % passages_n];

  // Expected answers: the CLI's record for each passage, id "1" as the server gives it.
  const std::string common = " -q -t " + std::to_string(threads) + " -m " + model +
                             " --max-new-tokens " + std::to_string(max_new_tokens);
  {
    std::ofstream in(dir + "/all.jsonl");
    for (const auto& p : asked) in << json{{"id", "1"}, {"text", p}, {"types", types}}.dump() << "\n";
  }
  auto start = Clock::now();
  if (shell(bin + " extract" + common + " --input " + dir + "/all.jsonl -o " + dir +
            "/cli.jsonl --overwrite") != 0) {
    std::fprintf(stderr, "bench_serve: the CLI batch run failed\n");
    return 1;
  }
  const double cli_batch_s = since(start);
  std::vector<std::string> expected;
  {
    std::istringstream lines(slurp(dir + "/cli.jsonl"));
    for (std::string l; std::getline(lines, l);) expected.push_back(l + "\n");
  }
  if (static_cast<int>(expected.size()) != total) {
    std::fprintf(stderr, "bench_serve: the CLI wrote %zu records for %d passages\n",
                 expected.size(), total);
    return 1;
  }
  // The CLI once per distinct passage (`extract --text`, a process each, as a script without a
  // server runs it): the per-request baseline, and the answer each request must equal.
  std::string type_list;
  for (const auto& t : types) type_list += (type_list.empty() ? "" : ",") + t;
  std::vector<std::string> alone(passages_n);
  start = Clock::now();
  for (int p = 0; p < passages_n; ++p) {
    const std::string text = json(passages[p]).dump();  // a double-quoted shell word: no quotes inside
    shell(bin + " extract" + common + " --text " + text + " --types " + type_list + " >" + dir +
          "/alone.jsonl");
    alone[p] = slurp(dir + "/alone.jsonl");
  }
  const double cli_each_s = since(start) / passages_n;
  // The engine's answer for a passage alone and inside a batch of others should be the same; a
  // near-tie in a random model's logits can tip under another batch composition.
  int batch_vs_alone = 0;
  for (int i = 0; i < total; ++i) batch_vs_alone += expected[i] != alone[i % passages_n];
  expected.clear();
  for (int i = 0; i < total; ++i) expected.push_back(alone[i % passages_n]);

  // The server, on a free port; ready once "model loaded" is logged.
  const std::string log = dir + "/serve.log";
  std::filesystem::remove(log);  // a previous run's "model loaded" must not be read as this one's
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = "exec " + bin + " serve --port 0 -t " + std::to_string(threads) +
                            " -m " + model + " --max-new-tokens " + std::to_string(max_new_tokens) +
                            " 2>" + log;
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int port = -1;
  for (int i = 0; i < 60000 && port < 0; ++i) {
    std::smatch m;
    const std::string text = slurp(log);
    if (text.find("model loaded") != std::string::npos &&
        std::regex_search(text, m, std::regex("127\\.0\\.0\\.1:([0-9]+)"))) {
      port = std::stoi(m[1]);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (port < 0) {
    std::fprintf(stderr, "bench_serve: the server did not start: %s\n", slurp(log).c_str());
    return 1;
  }

  std::vector<double> latency(total, 0);
  std::atomic<int> errors{0}, mismatches{0};
  std::mutex mismatch_mutex;
  std::filesystem::remove(dir + "/mismatches.txt");
  std::vector<std::thread> pool;
  start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    pool.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(600, 0);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int k = 0; k < requests; ++k) {
        const int i = c * requests + k;
        const std::string body = json{{"text", asked[i]}, {"types", types}}.dump();
        const auto t0 = Clock::now();
        auto r = client.Post("/v1/extract", body, "application/json");
        latency[i] = since(t0);
        if (!r || r->status != 200) {
          ++errors;
        } else if (r->body != expected[i]) {
          ++mismatches;
          std::lock_guard lock(mismatch_mutex);
          std::ofstream(dir + "/mismatches.txt", std::ios::app)
              << "request " << i << "\nserve: " << r->body << "cli:   " << expected[i];
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  const double serve_s = since(start);
  httplib::Client probe("127.0.0.1", port);
  const auto metrics = probe.Get("/metrics");
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);

  const std::string model_desc =
      given_model.empty() ? "random model dim " + std::to_string(shape.dim) + " layers " +
                                std::to_string(shape.layers)
                          : "model " + given_model;
  std::printf("bench/serve: %d clients x %d requests, %zu types, max_new_tokens %d, %d threads, "
              "%s\n",
              clients, requests, types.size(), max_new_tokens, threads, model_desc.c_str());
  std::printf("| run | wall s | requests/s | vs CLI per request | vs CLI batch |\n|---|---|---|---|---|\n");
  const double each_total = cli_each_s * total;
  std::printf("| CLI, one `extract --text` per request, one after another (%d timed) | %.1f (est.) | %.2f | 1.00 | %.2f |\n",
              passages_n, each_total, total / each_total, cli_batch_s / each_total);
  std::printf("| CLI, one batch job over all %d passages | %.1f | %.2f | %.2f | 1.00 |\n", total,
              cli_batch_s, total / cli_batch_s, each_total / cli_batch_s);
  std::printf("| serve, %d concurrent clients | %.1f | %.2f | %.2f | %.2f |\n", clients, serve_s,
              total / serve_s, each_total / serve_s, cli_batch_s / serve_s);
  std::printf("\nserve latency: p50 %.3f s, p95 %.3f s, p99 %.3f s, max %.3f s\n",
              percentile(latency, 0.50), percentile(latency, 0.95), percentile(latency, 0.99),
              percentile(latency, 1.0));
  std::printf("errors: %d, answers different from the CLI's: %d (of %d, in %s/mismatches.txt); server exit %d\n",
              errors.load(), mismatches.load(), total, dir.c_str(), WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  std::printf("the CLI itself, each passage alone vs in the batch job: %d of %d answers differ\n",
              batch_vs_alone, total);
  if (metrics) {
    std::istringstream lines(metrics->body);
    for (std::string l; std::getline(lines, l);) {
      if (l.rfind("uniner_tokens_generated_total ", 0) == 0 || l.rfind("uniner_decode_", 0) == 0 ||
          l.rfind("uniner_evictions_total ", 0) == 0) {
        std::printf("  %s\n", l.c_str());
      }
    }
  }
  return errors == 0 && mismatches == 0 ? 0 : 1;
}

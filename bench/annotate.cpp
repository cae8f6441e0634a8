// bench/annotate: throughput of `uniner annotate` against the local fake OpenAI server
// (tests/support) with a fixed answer latency. The ideal rate with C requests in flight and a
// latency of L seconds is C / L; the table gives the achieved rate and its ratio to the ideal,
// for several concurrencies side by side. Results: bench/RESULTS.md, section "annotate".
//
//   build/bench/bench_annotate [--latency-ms 50] [--concurrency 1,8,32,64] [--per-slot 100]
//
// Each configuration annotates concurrency * per-slot passages (about per-slot * latency
// seconds of ideal work), through the real binary, timed from its start to its exit.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_openai_server.h"

namespace {

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int latency_ms = 50, per_slot = 100;
  std::vector<int> concurrencies = {1, 8, 32, 64};
  std::string bin = UNINER_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--latency-ms")
      latency_ms = std::stoi(value);
    else if (flag == "--concurrency")
      concurrencies = parse_list(value);
    else if (flag == "--per-slot")
      per_slot = std::stoi(value);
    else if (flag == "--bin")
      bin = value;
    else {
      std::fprintf(
          stderr,
          "usage: %s [--latency-ms N] [--concurrency A,B,...] [--per-slot N] [--bin PATH]\n",
          argv[0]);
      return 2;
    }
  }

  uniner::testing::FakeOpenAiOptions so;
  so.latency_ms = latency_ms;
  so.threads = 256;
  uniner::testing::FakeOpenAiServer server(so);
  const auto dir = std::filesystem::temp_directory_path() /
                   (std::string("uniner-bench-annotate-") + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  std::printf("uniner annotate against a local server answering in %d ms (%u hardware threads)\n\n",
              latency_ms, std::thread::hardware_concurrency());
  std::printf("| concurrency | passages | wall s | requests/s | ideal/s | achieved/ideal |\n");
  std::printf("|---|---|---|---|---|---|\n");
  int status_all = 0;
  for (int c : concurrencies) {
    const int n = c * per_slot;
    const auto input = (dir / (std::string("passages-") + std::to_string(c) + ".jsonl")).string();
    const auto output = (dir / (std::string("out-") + std::to_string(c) + ".jsonl")).string();
    {
      std::ofstream in(input);
      for (int i = 0; i < n; ++i) {
        in << nlohmann::json{{"id", std::string("p") + std::to_string(i)},
                             {"text", std::string("Passage ") + std::to_string(i) +
                                          ": Ada Lovelace wrote about the Analytical Engine of "
                                          "Charles Babbage in London in 1843."}}
                  .dump()
           << '\n';
      }
    }
    std::filesystem::remove(output);
    const std::string command = bin + " annotate --input " + input + " --output " + output +
                                " --base-url " + server.base_url() + " --model bench" +
                                " --concurrency " + std::to_string(c) + " 2>" +
                                (dir / "stderr.txt").string();
    const auto start = std::chrono::steady_clock::now();
    const int rc = std::system(command.c_str());
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t ok = 0;
    {
      std::ifstream out(output);
      std::string line;
      while (std::getline(out, line)) ok += nlohmann::json::parse(line)["status"] == "ok";
    }
    if (rc != 0 || ok != static_cast<std::size_t>(n)) {
      std::fprintf(stderr, "concurrency %d: exit %d, %zu of %d ok (see %s)\n", c, rc, ok, n,
                   (dir / "stderr.txt").c_str());
      status_all = 1;
      continue;
    }
    const double rate = n / wall, ideal = c * 1000.0 / latency_ms;
    std::printf("| %d | %d | %.2f | %.1f | %.0f | %.1f%% |\n", c, n, wall, rate, ideal,
                100.0 * rate / ideal);
    std::fflush(stdout);
  }
  std::printf("\nserver saw %zu requests\n", server.requests());
  std::filesystem::remove_all(dir);
  return status_all;
}

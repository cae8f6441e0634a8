// bench/build_data: `uniner build-data` on 50,000 generated annotated passages with a long-tailed
// type distribution like the original's (~5.2 entities a passage; types drawn from a Zipf law over
// 18,000 names whose exponent puts 78% of the mass on the top 1%, which gives ~11,700 observed
// types with tiers ~75/15/10% against the original's 74/19/7% over 13,020). 2% of records are
// "failed" and 1% "parse_error" without entities. Each configuration runs the real binary in a
// child process; wall time and the child's peak RSS (getrusage ru_maxrss) are reported.
//
//   build/bench/bench_build_data [--passages 50000] [--types 18000] [--top-share 0.78]
//                                [--dir /tmp/x] [--keep] [--generate-only]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "uniner/data/dataset_stats.h"

namespace {

struct Run {
  double seconds = 0;
  long max_rss_kb = 0;
  int status = -1;
};

// Runs argv[0] with argv, stdout/stderr to files; returns wall time and the child's peak RSS.
Run run_child(const std::vector<std::string>& argv, const std::string& err_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(stdout);  // the child must not inherit (and print again) buffered output
  std::fflush(stderr);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen(err_path.c_str(), "w", stderr)) {
      _exit(127);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  Run r;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kb = usage.ru_maxrss;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Zipf exponent s for which the top 1% of n types hold `share` of the probability mass.
double zipf_exponent(std::size_t n, double share) {
  double lo = 0.1, hi = 3.0;
  for (int it = 0; it < 60; ++it) {
    const double s = (lo + hi) / 2;
    double top = 0, all = 0;
    for (std::size_t k = 1; k <= n; ++k) {
      const double p = std::pow(static_cast<double>(k), -s);
      all += p;
      if (k <= n / 100) top += p;
    }
    (top / all < share ? lo : hi) = s;
  }
  return (lo + hi) / 2;
}

std::string type_name(std::size_t rank) {
  static const char* kHead[] = {"Person",  "Organization",     "Location", "Date",
                                "Concept", "Product",          "Event",    "Technology",
                                "Group",   "Medical Condition"};
  if (rank < 10) return kHead[rank];
  std::string s = "Category ";
  for (std::size_t r = rank; r > 0; r /= 26) s.push_back(static_cast<char>('a' + r % 26));
  s[9] = static_cast<char>(s[9] - 'a' + 'A');
  return s;
}

std::size_t generate(const std::string& path, std::size_t passages, std::size_t types, double s) {
  std::vector<double> cumulative(types);
  double sum = 0;
  for (std::size_t k = 0; k < types; ++k) cumulative[k] = sum += std::pow(k + 1.0, -s);
  std::mt19937_64 gen(42);
  std::uniform_real_distribution<double> unit(0, sum);
  std::poisson_distribution<int> n_entities(5.2);
  std::uniform_int_distribution<int> word(0, 999);
  std::ofstream out(path);
  std::size_t mentions = 0;
  for (std::size_t i = 0; i < passages; ++i) {
    nlohmann::json entities = nlohmann::json::array();
    std::string text;
    const int m = std::max(1, n_entities(gen));
    for (int e = 0; e < m; ++e) {
      const auto t = static_cast<std::size_t>(
          std::lower_bound(cumulative.begin(), cumulative.end(), unit(gen)) - cumulative.begin());
      const std::string entity = "Entity" + std::to_string(word(gen)) + " " + std::to_string(t);
      entities.push_back({entity, type_name(std::min(t, types - 1))});
      for (int w = 0; w < 30; ++w) text += "word" + std::to_string(word(gen)) + " ";
      text += entity + ". ";
      ++mentions;
    }
    while (text.size() < 1000) text += "filler" + std::to_string(word(gen)) + " ";
    const double u = static_cast<double>(gen() % 1000) / 1000;
    const char* status = u < 0.02 ? "failed" : u < 0.03 ? "parse_error" : "ok";
    nlohmann::json rec = {{"id", "p" + std::to_string(i)}, {"text", text}, {"status", status}};
    rec["entities"] = std::string(status) == "ok" ? entities : nlohmann::json::array();
    out << rec.dump() << '\n';
  }
  return mentions;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t passages = 50000, types = 18000;
  std::string dir = (std::filesystem::temp_directory_path() / "uniner-bench-build-data").string();
  bool keep = false, generate_only = false;
  double top_share = 0.78;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--passages" && i + 1 < argc)
      passages = std::stoul(argv[++i]);
    else if (a == "--types" && i + 1 < argc)
      types = std::stoul(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (a == "--top-share" && i + 1 < argc)
      top_share = std::stod(argv[++i]);
    else if (a == "--keep")
      keep = true;
    else if (a == "--generate-only")
      generate_only = keep = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--passages N] [--types N] [--top-share F] [--dir DIR] [--keep] "
                   "[--generate-only]\n",
                   argv[0]);
      return 2;
    }
  }
  std::filesystem::create_directories(dir);
  const std::string input = dir + "/annotations.jsonl";
  const double s = zipf_exponent(types, top_share);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t mentions = generate(input, passages, types, s);
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto stats = uniner::compute_stats(input, {});
  std::printf(
      "input: %zu passages (%zu ok/parse_error), %zu mentions, %zu distinct types, "
      "%.1f MB, Zipf s=%.3f, generated in %.1fs\n",
      passages, stats.passages, mentions, stats.types.size(),
      std::filesystem::file_size(input) / 1e6, s, gen_s);
  for (const auto& t : stats.tiers) {
    std::printf("  tier %-7s %5.1f%% of mentions, %6zu types\n", t.name.c_str(), 100 * t.share,
                t.types);
  }
  if (generate_only) return 0;

  struct Config {
    const char* name;
    std::vector<std::string> args;
  };
  const std::string bin = UNINER_BINARY;
  const Config configs[] = {
      {"stats (reference: one read)", {"stats", input}},
      {"negatives none", {"build-data", "--negatives", "none"}},
      {"negatives uniform, 2/passage", {"build-data", "--negatives", "uniform"}},
      {"negatives frequency, 2/passage (default)", {"build-data"}},
      {"frequency, 8/passage", {"build-data", "--neg-per-passage", "8"}},
      {"frequency + --drop-unfound", {"build-data", "--drop-unfound"}},
      {"frequency, --jsonl, 2% dev split",
       {"build-data", "--jsonl", "--dev-fraction", "0.02", "--dev-output", dir + "/dev.jsonl"}},
  };
  std::printf("\n%-42s %8s %12s %10s %9s\n", "configuration", "wall s", "passages/s", "peak MB",
              "out MB");
  for (const auto& c : configs) {
    std::vector<std::string> argv_ = {bin};
    argv_.insert(argv_.end(), c.args.begin(), c.args.end());
    const std::string out = dir + "/out.json";
    if (c.args[0] == "build-data") {
      argv_.insert(argv_.end(), {"--input", input, "--output", out});
    }
    std::filesystem::remove(out);
    const Run r = run_child(argv_, dir + "/stderr.txt");
    if (r.status != 0) {
      std::fprintf(stderr, "%s failed (exit %d), see %s/stderr.txt\n", c.name, r.status,
                   dir.c_str());
      return 1;
    }
    const double out_mb = std::filesystem::exists(out) ? std::filesystem::file_size(out) / 1e6 : 0;
    std::printf("%-42s %8.2f %12.0f %10.1f %9.1f\n", c.name, r.seconds, passages / r.seconds,
                r.max_rss_kb / 1024.0, out_mb);
  }
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}

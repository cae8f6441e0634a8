// write_synthetic_world: the four files of a synthetic run, each written beside its final name
// and renamed over it once complete.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "data/answer_json.h"
#include "data/conversation_sink.h"
#include "data/rng.h"
#include "data/temp_file.h"
#include "format/file_io.h"
#include "uniner/data/instruction_data.h"
#include "uniner/data/synthetic_world.h"
#include "uniner/error.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kBenchmarkSalt = 0x62656e6368ULL;  // "bench"

std::string json_line(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// One output: a temporary file beside `path`, renamed over it by commit().
struct Output {
  std::string path;
  TempFile temp;
  std::ofstream out;

  Output(const std::string& dir, const std::string& name)
      : path((fs::path(dir) / name).string()), temp(dir, "." + name + ".tmp-") {
    // rw-r--r--, as a file the commands create (a temporary file starts private).
    if (::fchmod(temp.fd(), 0644) != 0) throw Error(temp.path() + ": chmod failed");
    temp.close();
    out.open(temp.path(), std::ios::binary | std::ios::trunc);
    if (!out) throw Error(temp.path() + ": cannot open for writing");
  }

  void finish() {
    check_written(out, path);
    out.close();
    if (out.fail()) throw Error(path + ": write failed");
  }

  void commit() {
    std::error_code ec;
    fs::rename(temp.path(), path, ec);
    if (ec) throw Error(path + ": cannot rename " + temp.path() + " to it: " + ec.message());
    temp.keep();
  }
};

}  // namespace

SynthReport write_synthetic_world(const std::string& directory, const SynthOptions& options) {
  const SyntheticWorld world(options.seed, options.name_scale, options.sentences);
  world.passage(options.split, 0, options.noise);  // checks the noise rates before any write

  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec || !fs::is_directory(directory)) {
    throw Error(directory + ": cannot create the directory" +
                (ec ? ": " + ec.message() : std::string(": a file has that name")));
  }
  const char* names[] = {"passages.jsonl", "gold.jsonl", "teacher.jsonl", "benchmark.json"};
  for (const char* name : names) {
    const fs::path path = fs::path(directory) / name;
    if (fs::is_directory(path, ec)) throw InputError(path.string() + ": is a directory");
    if (!options.overwrite && fs::exists(path, ec)) {
      throw InputError(path.string() +
                       ": already exists (nothing was written; allow overwriting to replace it)");
    }
  }

  std::vector<std::unique_ptr<Output>> outs;
  for (const char* name : names) outs.push_back(std::make_unique<Output>(directory, name));
  std::ofstream& passages = outs[0]->out;
  std::ofstream& gold = outs[1]->out;
  std::ofstream& teacher = outs[2]->out;
  ConversationSink bench(outs[3]->out, /*jsonl=*/false);

  SynthReport report;
  const auto& types = world.types();
  for (std::size_t i = options.first; i < options.first + options.passages; ++i) {
    const SynthPassage p = world.passage(options.split, i, options.noise);
    passages << json_line({{"id", p.id}, {"text", p.text}});
    nlohmann::ordered_json entities = nlohmann::ordered_json::array();
    for (const auto& e : p.entities) {
      entities.push_back({{"text", e.text}, {"type", e.type}, {"start", e.start}, {"end", e.end}});
    }
    gold << json_line({{"id", p.id}, {"text", p.text}, {"entities", std::move(entities)}});
    teacher << json_line({{"id", p.id}, {"text", p.text}, {"answer", p.answer}});

    // Benchmark: each type of the passage (every mention, in text order), then absent types.
    std::vector<std::string> present;
    for (const auto& e : p.entities)
      if (std::find(present.begin(), present.end(), e.type) == present.end())
        present.push_back(e.type);
    std::vector<TypeAnswer> queries;
    for (const auto& type : present) {
      std::vector<std::string> mentions;
      for (const auto& e : p.entities)
        if (e.type == type) mentions.push_back(e.text);
      queries.push_back({type, answer_json(mentions)});
    }
    const std::size_t stream = 2 * i + (options.split == SynthSplit::kHeldOut);
    Rng rng(mix_seed(options.seed ^ kBenchmarkSalt, stream));
    std::vector<std::string> absent;
    for (const auto& t : types)
      if (std::find(present.begin(), present.end(), t.name) == present.end())
        absent.push_back(t.name);
    for (std::size_t k = 0; k < options.absent_types && !absent.empty(); ++k) {
      const std::size_t pick = rng.below(absent.size());
      queries.push_back({absent[pick], "[]"});
      absent.erase(absent.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    for (std::size_t q = 0; q < queries.size(); ++q) {
      bench.write(instruction_conversation(p.id + "_" + std::to_string(q), p.text,
                                           {&queries[q], 1}));
    }
    report.benchmark_records += queries.size();
    report.mentions += p.entities.size();
    ++report.passages;
  }
  bench.finish();
  for (auto& o : outs) o->finish();
  for (auto& o : outs) {
    o->commit();
    report.files.push_back(o->path);
  }
  return report;
}

}  // namespace uniner

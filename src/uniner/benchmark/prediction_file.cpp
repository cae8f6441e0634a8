#include "benchmark/prediction_file.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "uniner/error.h"

namespace uniner::bench {

using json = nlohmann::json;

PredictionScan scan_predictions(const std::string& path,
                                const std::vector<BenchmarkPassage>& groups,
                                const std::string& data_path) {
  PredictionScan scan;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return scan;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string content = ss.str();
  scan.file_bytes = content.size();

  const auto refuse = [&](std::size_t line, const std::string& why) {
    throw InputError(where(path, line, why + "; it is not the predictions of " + data_path +
                                           " (another dataset's, or damaged), so it is left as "
                                           "it is: move it away, or start the dataset over"));
  };
  std::size_t g = 0, t = 0, k = 0;  // the next expected record: group g, type t, its k-th id
  std::size_t group_records = 0, group_failed = 0, pos = 0, line = 0;
  while (pos < content.size()) {
    const std::size_t end = content.find('\n', pos);
    if (end == std::string::npos) break;  // a torn last line: cut off
    ++line;
    const std::string_view text(content.data() + pos, end - pos);
    pos = end + 1;
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() ||
        !j.contains("prediction") || !j["prediction"].is_string()) {
      refuse(line, "not a prediction {\"id\", \"prediction\"}");
    }
    if (g == groups.size()) refuse(line, "more records than the benchmark file has");
    const std::string& expected = groups[g].record_ids[t][k];
    const std::string id = j["id"].get<std::string>();
    if (id != expected) refuse(line, "id '" + id + "' where '" + expected + "' comes next");
    ++group_records;
    group_failed += j.contains("error");
    if (++k == groups[g].record_ids[t].size()) {
      k = 0;
      if (++t == groups[g].record_ids.size()) {  // the group is complete
        t = 0;
        ++g;
        scan.groups_done = g;
        scan.records_done += group_records;
        scan.failed += group_failed;
        scan.keep_bytes = pos;
        group_records = group_failed = 0;
      }
    }
  }
  return scan;
}

std::string group_lines(const BenchmarkPassage& group, const std::vector<std::string>& answers,
                        const std::string& error) {
  std::string out;
  for (std::size_t t = 0; t < group.record_ids.size(); ++t) {
    for (const auto& id : group.record_ids[t]) {
      // Keys in this order: a line with an answer is byte for byte write_prediction's.
      nlohmann::ordered_json j = {{"id", id},
                                  {"prediction", error.empty() ? answers.at(t) : std::string()}};
      if (!error.empty()) j["error"] = error;
      out += j.dump(-1, ' ', false, json::error_handler_t::replace);
      out += '\n';
    }
  }
  return out;
}

}  // namespace uniner::bench

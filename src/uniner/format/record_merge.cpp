#include "uniner/format/record_merge.h"

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <unordered_map>

#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

struct Line {
  std::string text;
  std::size_t file = 0;
  std::size_t line = 0;
  bool kept = false;  // false: an identical copy of a record from another input
};

struct Owner {
  std::size_t file = 0;              // the input that first had the id
  std::vector<std::size_t> records;  // its occurrences there (indexes into the lines)
  std::size_t used = 0;              // occurrences already placed (order_by)
};

// Reads `path` line by line; fn(text, line_number) for every non-blank line.
template <class Fn>
void read_lines(const std::string& path, Fn fn) {
  auto in = open_input(path);
  std::string text;
  std::size_t number = 0;
  while (std::getline(*in, text)) {
    ++number;
    if (in->eof()) {
      if (text.find_first_not_of(" \t\r") == std::string::npos) break;
      throw InputError(where(path, number,
                             "the last line is incomplete (no newline): the job that wrote it did "
                             "not finish; run it again (it resumes) before merging"));
    }
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    fn(std::move(text), number);
  }
  if (in->bad()) throw Error(path + ": read error");
}

}  // namespace

MergeReport merge_records(const std::vector<std::string>& inputs, std::ostream& out,
                          const MergeOptions& options) {
  std::vector<Line> lines;
  std::unordered_map<std::string, Owner> ids;
  std::vector<std::string> order_of_ids;  // ids in order of first appearance (for errors)
  for (std::size_t f = 0; f < inputs.size(); ++f) {
    std::unordered_map<std::string, std::size_t> seen_here;  // occurrences of an id in this file
    read_lines(inputs[f], [&](std::string&& text, std::size_t number) {
      const nlohmann::json j = parse_json_value(text, inputs[f], number);
      if (!j.is_object()) throw InputError(where(inputs[f], number, "expected a JSON object"));
      if (!j.contains("id")) throw InputError(where(inputs[f], number, "record without an 'id'"));
      const std::string id = id_of(j, inputs[f], number);
      lines.push_back({std::move(text), f, number, true});
      const std::size_t index = lines.size() - 1;
      const std::size_t k = seen_here[id]++;
      auto [it, fresh] = ids.try_emplace(id);
      Owner& owner = it->second;
      if (fresh) {
        owner.file = f;
        order_of_ids.push_back(id);
      }
      if (owner.file == f) {
        owner.records.push_back(index);
        return;
      }
      const Line* first = k < owner.records.size() ? &lines[owner.records[k]] : nullptr;
      if (first == nullptr || first->text != lines[index].text) {
        const Line& other = first ? *first : lines[owner.records.front()];
        throw InputError(where(inputs[f], number,
                               "id '" + id + "' is also in " +
                                   where(inputs[other.file], other.line,
                                         "with different content: remove the stale output "
                                         "(two shards of different runs?)")));
      }
      lines[index].kept = false;
    });
  }

  MergeReport report;
  std::vector<std::size_t> plan;
  if (options.order_by.empty()) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].kept) plan.push_back(i);
    }
  } else {
    PassageReader reader(options.order_by, options.order_format, {"entity"});
    PassageInput p;
    std::string problem;
    while (reader.next(p, problem)) {
      if (!problem.empty()) continue;  // a bad input line: extract skipped it too
      auto it = ids.find(p.id);
      if (it == ids.end() || it->second.used == it->second.records.size()) {
        if (report.missing++ == 0) report.first_missing = p.id;
        continue;
      }
      plan.push_back(it->second.records[it->second.used++]);
    }
    for (const auto& id : order_of_ids) {
      const Owner& o = ids.at(id);
      if (o.used < o.records.size()) {
        const Line& l = lines[o.records[o.used]];
        throw InputError(where(inputs[l.file], l.line,
                               "id '" + id + "' is not in " + options.order_by +
                                   (o.used ? " that often" : "") +
                                   ": these outputs are not of that input"));
      }
    }
  }
  for (std::size_t i : plan) out << lines[i].text << '\n';
  report.written = plan.size();
  for (const auto& l : lines) report.duplicates += !l.kept;
  return report;
}

}  // namespace uniner

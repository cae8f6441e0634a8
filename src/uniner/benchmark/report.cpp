// The Markdown and JSON reports of a benchmark run, the paper's numbers and the domain map.
#include "uniner/benchmark/report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "uniner/error.h"

namespace uniner {
namespace {

using ojson = nlohmann::ordered_json;

// docs/recipe.md section 4: UniNER-7B, zero-shot F1 (Zhou et al. 2023).
constexpr std::pair<std::string_view, double> kPublished[] = {
    {"mit-movie", 42.4},          {"mit-restaurant", 31.7},      {"CrossNER_AI", 53.5},
    {"CrossNER_literature", 59.4}, {"CrossNER_music", 65.0},      {"CrossNER_politics", 60.8},
    {"CrossNER_science", 61.1},
};

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", 100 * v);
  return b;
}

std::string cell(std::string s) {  // a Markdown table cell: '|' escaped, no line breaks
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

const char* status_name(DatasetStatus s) {
  switch (s) {
    case DatasetStatus::kRun: return "run";
    case DatasetStatus::kResumed: return "resumed";
    case DatasetStatus::kSkipped: return "skipped (complete)";
  }
  return "";
}

std::string system_name(const std::optional<SystemText>& s) {
  if (!s) return "model";
  return *s == SystemText::kParagraph ? "paragraph" : "text";
}

// The paper's F1 and ours over the datasets the paper covers (both unweighted means).
struct Beside {
  std::vector<std::string> datasets;
  double ours = 0, paper = 0;
};
Beside beside_paper(const BenchReport& r) {
  Beside b;
  for (const auto& d : r.datasets) {
    if (!d.published_f1) continue;
    b.datasets.push_back(d.name);
    b.ours += d.eval.scores.f1;
    b.paper += *d.published_f1;
  }
  if (!b.datasets.empty()) {
    b.ours /= static_cast<double>(b.datasets.size());
    b.paper /= static_cast<double>(b.datasets.size());
  }
  return b;
}

ojson scores_json(const Scores& s) {
  return ojson{{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}};
}

}  // namespace

std::optional<double> published_uniner_f1(std::string_view dataset) {
  for (const auto& [name, f1] : kPublished)
    if (name == dataset) return f1 / 100;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> read_domain_map(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec)) {
    throw InputError(path + ": cannot be read (the dataset-to-domain map)");
  }
  std::vector<std::pair<std::string, std::string>> map;
  std::string line;
  std::size_t n = 0;
  constexpr const char* kSpace = " \t\r";
  while (std::getline(in, line)) {
    ++n;
    const std::size_t a = line.find_first_not_of(kSpace);
    if (a == std::string::npos || line[a] == '#') continue;
    const std::size_t b = line.find_first_of(kSpace, a);
    const std::size_t c = b == std::string::npos ? b : line.find_first_not_of(kSpace, b);
    if (c == std::string::npos) {
      throw InputError(where(path, n, "expected 'dataset domain' (a tab or spaces between)"));
    }
    std::string dataset = line.substr(a, b - a);
    std::string domain = line.substr(c, line.find_last_not_of(kSpace) + 1 - c);
    for (const auto& [d, dom] : map) {
      if (d == dataset && dom != domain) {
        throw InputError(where(path, n, "dataset '" + dataset + "' already has domain '" + dom +
                                            "'"));
      }
    }
    map.emplace_back(std::move(dataset), std::move(domain));
  }
  if (in.bad()) throw Error(path + ": read failed");
  return map;
}

std::string bench_markdown(const BenchReport& r) {
  const auto& o = r.options;
  std::string s = "# UniNER benchmark report\n\n";
  s += "- model: `" + cell(r.model.path) + "` (" + cell(r.model.description) + ", " +
       std::to_string(r.model.size_bytes) + " bytes, trained context " +
       std::to_string(r.model.trained_context) + ")\n";
  s += "- template: system \"" + cell(r.model.system) + "\", separator `" +
       cell(r.model.separator) + "`\n";
  s += std::string("- decoding: greedy") +
       (o.extract.constrain == AnswerConstraint::kPassage ? " constrained to the passage" : "") +
       ", at most " + std::to_string(o.extract.max_new_tokens) +
       " new tokens, " + (o.extract.mode == DecodeMode::kNaive ? "naive" : "shared") +
       " mode, system sentence: " + system_name(o.extract.system) + "; metric: official, " +
       (o.metric_parser == ParserMode::kOfficial ? "official" : "lenient") + " answer parser\n";
  char b[160];
  std::snprintf(b, sizeof b, "- this run: %.1f s, %zu tokens generated\n\n", r.seconds,
                r.tokens_generated);
  s += b;
  const bool paper = o.published;
  s += "| dataset | domain | records | passages | failed | status | precision | recall | F1 |";
  s += paper ? " UniNER-7B (paper) |\n" : "\n";
  s += "|---|---|---:|---:|---:|---|---:|---:|---:|";
  s += paper ? "---:|\n" : "\n";
  for (const auto& d : r.datasets) {
    s += "| " + cell(d.name) + " | " + cell(d.domain) + " | " + std::to_string(d.records) +
         " | " + std::to_string(d.passages) + " | " + std::to_string(d.failed) + " | " +
         status_name(d.status) + " | " + pct(d.eval.scores.precision) + " | " +
         pct(d.eval.scores.recall) + " | " + pct(d.eval.scores.f1) + " |";
    if (paper) {
      s += ' ';
      s += d.published_f1 ? pct(*d.published_f1) : std::string("-");
      s += " |";
    }
    s += "\n";
  }
  s += "| **average** (" + std::to_string(r.datasets.size()) + " datasets, unweighted) | | | | | | " +
       pct(r.average.precision) + " | " + pct(r.average.recall) + " | **" + pct(r.average.f1) +
       "** |";
  s += paper ? " |\n" : "\n";
  if (!r.domains.empty()) {
    s += "\n## Domains\n\nUnweighted means over the datasets of each domain (the map: `" +
         cell(o.domains_path) + "`).\n\n| domain | datasets | precision | recall | F1 |\n"
         "|---|---|---:|---:|---:|\n";
    for (const auto& dom : r.domains) {
      std::string names;
      for (const auto& n : dom.datasets) names += (names.empty() ? "" : ", ") + n;
      s += "| " + cell(dom.domain) + " | " + cell(names) + " | " + pct(dom.average.precision) +
           " | " + pct(dom.average.recall) + " | " + pct(dom.average.f1) + " |\n";
    }
  }
  const Beside bp = beside_paper(r);
  if (paper && !bp.datasets.empty()) {
    s += "\n## Beside the paper\n\nOver the " + std::to_string(bp.datasets.size()) +
         " datasets here that the paper reports (docs/recipe.md section 4): F1 " + pct(bp.ours) +
         " here, " + pct(bp.paper) + " for UniNER-7B in the paper.\n";
  }
  return s;
}

std::string bench_json(const BenchReport& r, int indent) {
  const auto& o = r.options;
  ojson datasets = ojson::array();
  for (const auto& d : r.datasets) {
    ojson j{{"name", d.name},
            {"path", d.path},
            {"predictions", d.predictions_path},
            {"domain", d.domain.empty() ? ojson() : ojson(d.domain)},
            {"records", d.records},
            {"passages", d.passages},
            {"records_before", d.records_before},
            {"failed", d.failed},
            {"missing", d.eval.missing},
            {"status", d.status == DatasetStatus::kSkipped ? "skipped"
                       : d.status == DatasetStatus::kResumed ? "resumed" : "run"},
            {"seconds", d.seconds},
            {"correct", d.eval.counts.correct},
            {"predicted", d.eval.counts.predicted},
            {"gold", d.eval.counts.gold}};
    j.update(scores_json(d.eval.scores));
    j["published_f1"] = d.published_f1 ? ojson(*d.published_f1) : ojson();
    datasets.push_back(std::move(j));
  }
  ojson domains = ojson::array();
  for (const auto& dom : r.domains) {
    ojson j{{"domain", dom.domain}, {"datasets", dom.datasets}};
    j.update(scores_json(dom.average));
    domains.push_back(std::move(j));
  }
  ojson average = scores_json(r.average);
  average["datasets"] = r.datasets.size();
  const Beside bp = beside_paper(r);
  ojson published;
  if (o.published && !bp.datasets.empty()) {
    published = ojson{{"system", "UniNER-7B"},
                      {"source", "Zhou et al. 2023, zero-shot F1 (docs/recipe.md section 4)"},
                      {"datasets", bp.datasets},
                      {"ours_f1", bp.ours},
                      {"paper_f1", bp.paper}};
  }
  const ojson j{
      {"model",
       {{"path", r.model.path},
        {"size_bytes", r.model.size_bytes},
        {"description", r.model.description},
        {"template", {{"system", r.model.system}, {"separator", r.model.separator}}},
        {"trained_context", r.model.trained_context}}},
      {"settings",
       {{"decoding", "greedy"},
        {"constrain", o.extract.constrain == AnswerConstraint::kPassage ? "passage" : "none"},
        {"max_new_tokens", o.extract.max_new_tokens},
        {"mode", o.extract.mode == DecodeMode::kNaive ? "naive" : "shared"},
        {"system", system_name(o.extract.system)},
        {"max_passage_tokens", 0},
        {"metric_parser", o.metric_parser == ParserMode::kOfficial ? "official" : "lenient"},
        {"threads", o.model.threads},
        {"context_size", o.model.context_size},
        {"batch_size", o.model.batch_size},
        {"ubatch_size", o.model.ubatch_size},
        {"parallel", o.model.parallel},
        {"gpu_layers", o.model.gpu_layers},
        {"domains", o.domains_path.empty() ? ojson() : ojson(o.domains_path)}}},
      {"datasets", std::move(datasets)},
      {"average", std::move(average)},
      {"domains", std::move(domains)},
      {"published", std::move(published)},
      {"seconds", r.seconds},
      {"tokens_generated", r.tokens_generated}};
  // Names and paths come from the file system, which need not be UTF-8: never throw on them.
  return j.dump(indent, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace uniner

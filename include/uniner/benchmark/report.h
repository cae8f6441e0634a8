// The reports of the benchmark runner (runner.h): Markdown, JSON and an SVG bar chart of one
// BenchReport, the paper's published UniNER-7B numbers, and the dataset-to-domain map.
//
// Ownership: plain values and strings. Errors: read_domain_map throws InputError for a file that
// cannot be read or a line that is not "dataset domain" (naming file:line), or a dataset given
// two domains; the renderers and published_uniner_f1 do not throw and are thread-safe.
//
//   auto report = uniner::run_bench(options);
//   std::cout << uniner::bench_markdown(report);   // the table of report.md
//   std::ofstream("chart.svg") << uniner::bench_svg(report);
//   uniner::published_uniner_f1("CrossNER_AI");    // 0.535 (docs/recipe.md section 4)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "uniner/benchmark/runner.h"

namespace uniner {

// The zero-shot F1 (in [0, 1]) the paper reports for UniNER-7B on a dataset, by file stem:
// CrossNER_AI, CrossNER_literature, CrossNER_music, CrossNER_politics, CrossNER_science,
// mit-movie, mit-restaurant; nullopt for the others.
std::optional<double> published_uniner_f1(std::string_view dataset);

// A dataset-to-domain map: one "dataset<whitespace>domain" per line (a tab or spaces; the domain
// is the rest of the line, trimmed, and may hold spaces); blank lines and lines starting with '#'
// are skipped. Pairs in file order.
std::vector<std::pair<std::string, std::string>> read_domain_map(const std::string& path);

// report.md: the model and settings, the per-dataset table (P, R, F1 in percent, the paper's F1
// where known), the unweighted average and the per-domain averages.
std::string bench_markdown(const BenchReport& report);

// report.json: {"model", "settings", "datasets": [...], "average", "domains", "published", ...};
// scores in [0, 1]. Indented by `indent` spaces (-1: one line).
std::string bench_json(const BenchReport& report, int indent = 2);

// report.svg: horizontal bars of F1 per dataset, the average and each domain average, with the
// paper's UniNER-7B F1 beside them where known (and report.options.published).
std::string bench_svg(const BenchReport& report);

}  // namespace uniner

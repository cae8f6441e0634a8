// uniner merge: the outputs of sharded jobs joined into one file (format/record_merge.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/format/record_merge.h"
#include "uniner/format/records.h"

namespace uniner::cli {

Runner add_merge_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string output = "-";
    MergeOptions lib;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "merge",
      "Join shard outputs (JSON Lines records with an id: extract, annotate, predictions) into "
      "one file, in the input's order with --order-by");
  add_inputs(cmd, o->inputs, "Shard outputs, in the order they are joined without --order-by");
  add_output(cmd, o->output, "The merged records");
  cmd->add_option("--order-by", o->lib.order_by,
                  "The original input (passages, plain text or JSONL): records follow its order");
  add_choice(cmd, "--format", o->lib.order_format, kPassageFormats,
             "Format of --order-by: auto, text or jsonl (as extract --format)");
  return [o] {
    for (const auto& in : o->inputs) refuse_same_file(in, o->output);
    if (!o->lib.order_by.empty()) refuse_same_file(o->lib.order_by, o->output);
    // Everything is read and checked before the output is opened: a refused merge writes nothing.
    std::shared_ptr<std::ostream> out;
    std::ostringstream buffer;
    const auto report = merge_records(o->inputs, buffer, o->lib);
    out = open_output(o->output);
    *out << buffer.str();
    check_written(*out, o->output);
    std::fprintf(stderr, "merge: %zu records from %zu files", report.written, o->inputs.size());
    if (report.duplicates) {
      std::fprintf(stderr, " (%zu identical duplicates written once)", report.duplicates);
    }
    std::fprintf(stderr, "\n");
    if (report.missing) {
      std::fprintf(stderr,
                   "uniner: warning: %zu passages of %s have no record (first: id '%s'): a shard "
                   "missing or not finished?\n",
                   report.missing, o->lib.order_by.c_str(), report.first_missing.c_str());
    }
    return 0;
  };
}

}  // namespace uniner::cli

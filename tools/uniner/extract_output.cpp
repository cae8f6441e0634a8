#include "extract_output.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "flags.h"
#include "format/file_io.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner::cli {

ExtractOutput::ExtractOutput(const std::string& path, bool overwrite) : path_(path) {
  if (path == "-") {
    out_ = open_output(path);
    return;
  }
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISREG(st.st_mode) && st.st_size > 0 && !overwrite) {
    ExtractOutputScan scan;
    try {
      scan = scan_extract_output(path);
    } catch (const InputError& e) {
      throw InputError(std::string(e.what()) + "; " + path +
                       " is damaged or is not an extract output, so it is left as it is: choose "
                       "another --output, or pass --overwrite to replace it");
    }
    if (scan.torn_bytes) {
      std::filesystem::resize_file(path, scan.complete_bytes);
      std::fprintf(stderr,
                   "extract: %s: removed an incomplete last record (%zu bytes) left by an "
                   "interrupted run\n",
                   path.c_str(), scan.torn_bytes);
    }
    done_ = std::move(scan.ids);
  }
  out_ = open_output(path, /*append=*/!overwrite);
}

std::size_t ExtractOutput::skip_done(const std::function<bool(PassageInput&)>& read) {
  PassageInput p;
  for (std::size_t k = 0; k < done_.size(); ++k) {
    const std::string record = "its record " + std::to_string(k + 1) + " has id '" + done_[k];
    if (!read(p)) {
      throw InputError(path_ + ": holds " + std::to_string(done_.size()) +
                       " records but the input has only " + std::to_string(k) +
                       " passages: it is the output of another input (or --shard); choose "
                       "another --output, or pass --overwrite to start over");
    }
    if (p.id != done_[k]) {
      throw InputError(path_ + ": is the output of another input (or --shard): " + record +
                       "' but passage " + std::to_string(k + 1) + " of the input has id '" + p.id +
                       "'; choose another --output, or pass --overwrite to start over");
    }
  }
  if (!done_.empty()) {
    std::fprintf(stderr, "extract: %s: resuming after %zu records\n", path_.c_str(), done_.size());
  }
  return done_.size();
}

void ExtractOutput::write(const ExtractRecord& record) {
  *out_ << to_json_line(record) << '\n';
  check_written(*out_, path_);
}

void ExtractOutput::finish() {
  check_written(*out_, path_);
}

std::optional<std::size_t> count_passages(const std::string& path, bool jsonl,
                                          const std::vector<std::string>& types,
                                          const Shard& shard) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::size_t count = 0;
  // The reader the extraction uses, so the rules (ids, blank lines, bad records) are the same;
  // reading the input twice costs little beside running a model over it.
  PassageReader reader(path, jsonl ? PassageFormat::kJsonl : PassageFormat::kText, types);
  PassageInput p;
  std::string problem;
  while (reader.next(p, problem)) {
    if (problem.empty()) count += shard.contains(p.id);
    problem.clear();
  }
  return count;
}

}  // namespace uniner::cli

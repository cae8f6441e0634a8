// The output of `uniner extract --input`: records appended one by one, each flushed and checked,
// and resumed when the command runs again. The records of a run come in input order, so an
// output holding K complete records is the first K passages of the input (of the shard): a rerun
// reads them back (format/extract_record.h), checks that the input's first K passage ids are
// theirs (position by position, so repeated ids are fine), skips those passages and appends the
// rest; the file ends byte-identical to an uninterrupted run. A last line without a newline (a
// write cut by a kill) is removed first; a complete line that is not an extract record stops the
// command (the file is not ours to delete).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "uniner/format/extract_record.h"
#include "uniner/format/passage_reader.h"
#include "uniner/format/shard.h"

namespace uniner::cli {

class ExtractOutput {
 public:
  // `path` "-" is stdout (nothing to resume). `overwrite` replaces an existing file.
  ExtractOutput(const std::string& path, bool overwrite);

  // Reads the passages already done through `read` and checks their ids; returns how many.
  std::size_t skip_done(const std::function<bool(PassageInput&)>& read);

  // Appends one record line, flushed and checked.
  void write(const ExtractRecord& record);
  void finish();

 private:
  std::string path_;
  std::vector<std::string> done_;
  std::shared_ptr<std::ostream> out_;
};

// The passages of a regular file (of the shard; `types` as for the reader) for the progress total,
// bad records not counted; nullopt for stdin or a pipe.
std::optional<std::size_t> count_passages(const std::string& path, bool jsonl,
                                          const std::vector<std::string>& types,
                                          const Shard& shard);

}  // namespace uniner::cli

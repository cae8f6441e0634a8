// The output file of an annotation job (private to teacher/): JSON Lines, one record per
// passage, appended as results arrive and read back to resume.
//
// Crash safety: each record is one write(2) of "json\n" (no user-space buffer to lose on
// kill -9); fsync every `sync_every` records and on close. A kill can leave at most a torn last
// line (no final '\n', or an unparsable last line after a power loss): opening the store
// truncates it away. A damaged line elsewhere is an Error naming the line: the file is not
// ours to repair.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>

namespace uniner::teacher {

struct StoreScan {
  std::unordered_set<std::string> done_ids;  // ids (as text) of the records kept
  std::size_t records = 0;                   // records kept
  std::size_t torn_bytes = 0;                // bytes of a torn last line, truncated away
  std::size_t dropped_failed = 0;            // "failed" records removed (retry_failed)
};

class AnnotationStore {
 public:
  // Opens `path` for appending, creating it. Existing content is scanned first; with
  // `retry_failed`, records whose status is "failed" are removed (the file is rewritten through
  // a temporary file and an atomic rename) so that their passages are asked again.
  // Throws InputError for "-" or a path that is not a regular file, Error for I/O failures or
  // a damaged line that is not the last.
  AnnotationStore(const std::string& path, bool retry_failed, std::size_t sync_every);
  ~AnnotationStore();  // syncs and closes; never throws
  AnnotationStore(const AnnotationStore&) = delete;
  AnnotationStore& operator=(const AnnotationStore&) = delete;

  const StoreScan& scan() const { return scan_; }

  // Appends one record: `json_line` must be one line of JSON, without its '\n'.
  void append(const std::string& json_line);
  // fsync now.
  void sync();

 private:
  std::string path_;
  int fd_ = -1;
  std::size_t sync_every_ = 64;
  std::size_t unsynced_ = 0;
  StoreScan scan_;
};

}  // namespace uniner::teacher

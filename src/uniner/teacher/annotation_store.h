// The output file of an annotation job (private to teacher/): JSON Lines, one record per
// passage (include/uniner/format/annotated_passage.h), appended as results arrive and read back
// to resume.
//
// One writer: the store holds an exclusive lock (flock) on "<path>.lock" while it lives, so two
// jobs on one output cannot both append (the second is refused, with the holder's pid). The lock
// file holds "pid host" and is removed when the store closes; one left by a killed job is stale
// and harmless (the lock died with its process).
//
// Crash safety: each record is one write(2) of "json\n" (no user-space buffer to lose on
// kill -9); fsync every `sync_every` records, every sync() and on close. A kill can leave at most
// a torn last line: one without its final '\n' that starts like a record ({"id": ...) or holds
// only NUL bytes (a power loss). Opening the store truncates it away; an unterminated last line
// that is a whole valid record is kept and given its '\n'. Any other line that is not a record
// (a complete line, even the last one) is an InputError naming the line, and the file is left
// untouched: it is not ours to repair (a wrong --output must not lose the user's data).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>

namespace uniner::teacher {

struct StoreScan {
  std::unordered_set<std::string> done_ids;  // ids (as text) of the records kept
  std::size_t records = 0;                   // records kept
  std::size_t torn_bytes = 0;                // bytes of a torn last line, truncated away
  bool added_newline = false;                // the last record lacked its '\n' (added)
  std::size_t dropped_failed = 0;            // "failed" records removed (retry_failed)
};

// An exclusive flock on "<path>.lock", released (and the lock file removed) by the destructor.
class OutputLock {
 public:
  // Throws InputError("<path>: another uniner annotate is writing it (pid N on host H)") when
  // another process (or another OutputLock) holds it, Error when the lock file cannot be made.
  explicit OutputLock(const std::string& path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string lock_path_;
  int fd_ = -1;
};

class AnnotationStore {
 public:
  // Locks `path`, then opens it for appending, creating it. Existing content is scanned first;
  // with `retry_failed`, records whose status is "failed" are removed (the file is rewritten
  // through a uniquely named temporary file beside it and an atomic rename) so that their
  // passages are asked again. Throws InputError for "-", a path that is not a regular file, a
  // path another store holds, or a damaged line; Error for I/O failures.
  AnnotationStore(const std::string& path, bool retry_failed, std::size_t sync_every);
  ~AnnotationStore();  // syncs, closes and unlocks; never throws
  AnnotationStore(const AnnotationStore&) = delete;
  AnnotationStore& operator=(const AnnotationStore&) = delete;

  const StoreScan& scan() const { return scan_; }

  // Appends one record: `json_line` must be one line of JSON, without its '\n'. Throws
  // Error("path: write failed: reason").
  void append(const std::string& json_line);
  // fsync now; throws Error("path: fsync failed: reason").
  void sync();

 private:
  std::string path_;
  OutputLock lock_;  // before anything reads or writes the file
  int fd_ = -1;
  std::size_t sync_every_ = 64;
  std::size_t unsynced_ = 0;
  StoreScan scan_;
};

}  // namespace uniner::teacher

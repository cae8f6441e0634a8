// A temporary file with a unique name, removed when the object dies unless kept. Private.
//
//   TempFile spool;                              // $TMPDIR/uniner-XXXXXX (mkstemp)
//   TempFile next(directory_of(output), ".out.jsonl.tmp-");  // beside an output, to rename
//   write(next.fd(), ...); next.close(); rename(next.path(), output); next.keep();
//
// Every failure path removes the file: an exception unwinding past the object, a failed write.
#pragma once

#include <iosfwd>
#include <string>

namespace uniner {

class TempFile {
 public:
  // Creates an empty file "<directory>/<prefix>XXXXXX" (mode 0600) whose name no other file has
  // (mkstemp: two objects, in one process or two, never share a name). `directory` "" is the
  // temporary directory ($TMPDIR, else /tmp). Throws Error naming the directory and the reason.
  explicit TempFile(const std::string& directory = "", const std::string& prefix = "uniner-");
  ~TempFile();  // closes and removes the file unless keep() was called; never throws
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  // The open descriptor (read/write), -1 after close().
  int fd() const { return fd_; }
  // Closes the descriptor; throws Error when the close reports a lost write.
  void close();
  // The file now belongs to someone else (renamed, or to be kept): the destructor leaves it.
  void keep() { kept_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool kept_ = false;
};

// The directory part of a file path ("." for a bare name), for a TempFile beside it.
std::string directory_of(const std::string& path);

// `path` itself when it names a file; for "-" (stdin) the input is copied into `spool` and its
// path returned, so that the caller can read it more than once. Throws Error when the copy fails.
std::string rereadable_path(const std::string& path, TempFile& spool);

}  // namespace uniner

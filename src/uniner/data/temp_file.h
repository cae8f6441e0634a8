// A temporary file removed when the object dies; used to read standard input twice. Private.
#pragma once

#include <iosfwd>
#include <string>

namespace uniner {

class TempFile {
 public:
  TempFile();  // creates an empty file in the temporary directory; throws Error
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `path` itself when it names a file; for "-" (stdin) the input is copied into `spool` and its
// path returned, so that the caller can read it more than once.
std::string rereadable_path(const std::string& path, TempFile& spool);

}  // namespace uniner

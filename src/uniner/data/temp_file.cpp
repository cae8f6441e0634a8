#include "data/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "uniner/error.h"

namespace uniner {

TempFile::TempFile(const std::string& directory, const std::string& prefix) {
  std::filesystem::path dir = directory;
  if (dir.empty()) {
    std::error_code ec;
    dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
  }
  std::string name = (dir / (prefix + "XXXXXX")).string();
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) {
    throw Error(dir.string() + ": cannot create a temporary file: " + std::strerror(errno));
  }
  path_ = std::move(name);
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!kept_) ::unlink(path_.c_str());
}

void TempFile::close() {
  if (fd_ < 0) return;
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw Error(path_ + ": write failed: " + std::strerror(errno));
}

std::string directory_of(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

std::string rereadable_path(const std::string& path, TempFile& spool) {
  if (path != "-") return path;
  std::ofstream out(spool.path(), std::ios::binary);
  if (std::cin.peek() != std::char_traits<char>::eof()) out << std::cin.rdbuf();
  out.flush();
  if (!out || std::cin.bad()) {
    throw Error(std::string("cannot copy standard input to ") + spool.path() + ": " +
                (errno ? std::strerror(errno) : "stream error"));
  }
  return spool.path();
}

}  // namespace uniner

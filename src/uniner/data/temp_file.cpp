#include "data/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "uniner/error.h"

namespace uniner {

TempFile::TempFile() {
  std::string name = (std::filesystem::temp_directory_path() / "uniner-XXXXXX").string();
  const int fd = mkstemp(name.data());
  if (fd < 0)
    throw Error(std::string("cannot create a temporary file: ") +
                std::string(std::strerror(errno)));
  close(fd);
  path_ = name;
}

TempFile::~TempFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

std::string rereadable_path(const std::string& path, TempFile& spool) {
  if (path != "-") return path;
  std::ofstream out(spool.path(), std::ios::binary);
  if (std::cin.peek() != std::char_traits<char>::eof()) out << std::cin.rdbuf();
  out.flush();
  if (!out) throw Error(std::string("cannot copy standard input to ") + spool.path());
  return spool.path();
}

}  // namespace uniner

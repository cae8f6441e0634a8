#include "format/file_io.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
std::shared_ptr<std::istream> open_input(const std::string& path) {
  if (path == "-")
    return std::shared_ptr<std::istream>(&std::cin, [](std::istream*) {});  // borrowed
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw InputError(path + ": is a directory, not a file");
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*in) throw InputError(path + ": cannot open for reading: " + std::strerror(errno));
  return in;
}

std::shared_ptr<std::ostream> open_output(const std::string& path, bool append) {
  if (path == "-")
    return std::shared_ptr<std::ostream>(&std::cout, [](std::ostream*) {});  // borrowed
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw InputError(path + ": is a directory, not a file");
  auto mode = std::ios::binary | (append ? std::ios::app : std::ios::trunc);
  auto out = std::make_shared<std::ofstream>(path, mode);
  if (!*out) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  return out;
}

void refuse_same_file(const std::string& input, const std::string& output) {
  if (input == "-" || output == "-") return;
  struct stat a{}, b{};
  const bool same_path = input == output;
  const bool same_inode = ::stat(input.c_str(), &a) == 0 && ::stat(output.c_str(), &b) == 0 &&
                          a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  if (same_path || same_inode)
    throw InputError(output + ": is also the input (" + input +
                     "); writing it would destroy the input: choose another output");
}

void check_written(std::ostream& out, const std::string& path) {
  errno = 0;
  out.flush();
  if (!out) {
    const int err = errno;
    throw Error((path == "-" ? std::string("standard output") : path) + ": write failed: " +
                (err ? std::strerror(err) : "stream error"));
  }
}

}  // namespace uniner

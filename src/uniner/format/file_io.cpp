#include <cstring>
#include <fstream>
#include <iostream>

#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
std::shared_ptr<std::istream> open_input(const std::string& path) {
  if (path == "-")
    return std::shared_ptr<std::istream>(&std::cin, [](std::istream*) {});  // borrowed
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*in) throw InputError(path + ": cannot open for reading: " + std::strerror(errno));
  return in;
}

std::shared_ptr<std::ostream> open_output(const std::string& path, bool append) {
  if (path == "-")
    return std::shared_ptr<std::ostream>(&std::cout, [](std::ostream*) {});  // borrowed
  auto mode = std::ios::binary | (append ? std::ios::app : std::ios::trunc);
  auto out = std::make_shared<std::ofstream>(path, mode);
  if (!*out) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  return out;
}

}  // namespace uniner

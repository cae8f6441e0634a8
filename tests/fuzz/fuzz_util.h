// Helpers shared by the fuzz harnesses: invariant checks that abort (so libFuzzer reports them)
// and a per-process temporary file for the readers that take a path.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "text/utf8.h"

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace uniner::fuzz {

inline bool valid_utf8(std::string_view s) {
  return !find_invalid_utf8(s).has_value();
}

// Writes `data` to /tmp/uniner-fuzz-<pid><suffix> (one fixed file per process) and returns it.
inline std::string temp_file(std::string_view data, const char* suffix) {
  static const std::string base = "/tmp/uniner-fuzz-" + std::to_string(::getpid());
  std::string path = base + suffix;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  return path;
}

}  // namespace uniner::fuzz

// Errors thrown by the uniner library. The CLI maps them to exit codes:
// InputError -> 2 (bad usage or bad input), any other Error -> 1 (runtime failure).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace uniner {

// A runtime failure (I/O, model, network). Exit code 1 in the CLI.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: the message names the source (file or argument), the place, and the reason.
// Exit code 2 in the CLI.
class InputError : public Error {
 public:
  using Error::Error;
};

// "file:line: reason" (line omitted when 0), the one format every input message uses.
std::string where(const std::string& source, std::size_t line, const std::string& reason);

}  // namespace uniner

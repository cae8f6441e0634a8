// The exceptions of the uniner library, and the one format of their input messages.
//
// Errors: the library throws InputError for bad input (a file, a record, an option value: the
// message names the file and line, or the value, and the reason; the CLI exits 2) and Error for
// runtime failures (I/O, a full disk, llama.cpp, the network; the CLI exits 1). InputError
// derives from Error: catch it first. Messages never name CLI flags. where() does not throw.
// Ownership: copyable values, like every std::exception.
//
//   try {
//     throw uniner::InputError(uniner::where("train.conll", 12, "expected 2 columns"));
//   } catch (const uniner::InputError& e) {  // e.what(): "train.conll:12: expected 2 columns"
//     std::cerr << "uniner: error: " << e.what() << '\n';
//   } catch (const uniner::Error& e) {  // I/O, llama.cpp, network
//     std::cerr << "uniner: error: " << e.what() << '\n';
//   }
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

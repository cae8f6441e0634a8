// Guards every command's files with: an output never replaces its own input, and a write that
// failed (full disk, closed pipe, unwritable file) is an Error, never a silent exit 0.
#pragma once

#include <iosfwd>
#include <string>

namespace uniner {

// Throws InputError when `output` names the same file as `input` (the same path, or the same
// inode through another name or a link): writing would destroy the input before it is read.
// "-" (stdin/stdout) and outputs that do not exist yet never clash.
void refuse_same_file(const std::string& input, const std::string& output);

// Flushes `out` and throws Error("path: write failed: <reason>") when any write to it failed.
// Call it once after the last write (and wherever losing buffered records would matter).
// `known_errno`: the reason when the caller saw the failure happen (errno right after it), used
// when flushing again no longer tells it.
void check_written(std::ostream& out, const std::string& path, int known_errno = 0);

}  // namespace uniner

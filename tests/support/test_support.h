// Helpers shared by the tests: temporary files and running the `uniner` binary.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace uniner::testing {

// A fresh temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "uniner-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(file(name), std::ios::binary) << content;
    return file(name);
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command_line) {
  TempDir dir;
  const std::string out = dir.file("stdout"), err = dir.file("stderr");
  const int status = std::system((command_line + " >'" + out + "' 2>'" + err + "'").c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

// Quotes a string for the shell.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string uniner_bin() {
  return UNINER_BINARY;
}

inline std::string shared_data(const std::string& rel) {
  return std::string(UNINER_SHARED_DATA_DIR) + "/" + rel;
}

inline bool have_shared_benchmark() {
  return std::filesystem::exists(shared_data("universal-ner-benchmark/CrossNER_AI.json"));
}

// Starts a shell command line in the background ("exec" first, so the pid is the command's own).
inline pid_t start_command(const std::string& command_line) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + command_line).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Polls `ready` every millisecond; once it holds, sends `sig` to the process and reaps it,
// returning its wait status. nullopt when the process ended first or `timeout` passed (then it
// is killed and reaped anyway): a test of an interruption that did not interrupt anything.
inline std::optional<int> signal_when(pid_t pid, const std::function<bool()>& ready, int sig,
                                      std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (!ready()) {
    if (waitpid(pid, &status, WNOHANG) == pid) return std::nullopt;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill(pid, sig);
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace uniner::testing

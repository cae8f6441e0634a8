#include "teacher/annotation_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "data/temp_file.h"
#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/annotated_passage.h"
#include "uniner/format/records.h"

namespace uniner::teacher {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

void write_all(int fd, const char* data, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t k = ::write(fd, data, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      throw Error(path + ": write failed: " + errno_text());
    }
    data += k;
    n -= static_cast<std::size_t>(k);
  }
}

void sync_fd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) throw Error(path + ": fsync failed: " + errno_text());
}

// Makes a created or renamed entry durable.
void sync_parent_dir(const std::string& path) {
  const int fd = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems refuse it
  ::fsync(fd);
  ::close(fd);
}

InputError damaged(const std::string& path, std::size_t line_no, const std::string& why) {
  return InputError(where(path, line_no,
                          why + "; the output file is damaged or is not an annotate output "
                                "(fix or remove this line, or choose another --output, then run "
                                "again); it was left untouched"));
}

struct ScanResult {
  std::uintmax_t good_end = 0;  // byte length of the intact part
  bool unterminated = false;    // the last kept record has no '\n'
};

// Scans the records of `path`.
ScanResult scan_records(const std::string& path, bool retry_failed, StoreScan& scan) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open for reading: " + errno_text());
  ScanResult result;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const bool last_unterminated = in.eof();  // no '\n'
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (last_unterminated) break;  // trailing blanks: nothing is lost
      result.good_end += line.size() + 1;
      continue;
    }
    AnnotationRecord record;
    try {
      record = parse_annotation_record(line, path, line_no);
    } catch (const InputError& e) {
      if (last_unterminated && looks_like_torn_record(line)) break;  // torn by a crash: drop it
      std::string reason = e.what();
      const std::string place = where(path, line_no, "");
      if (reason.rfind(place, 0) == 0) reason.erase(0, place.size());
      throw damaged(path, line_no, "not an annotation record (" + reason + ")");
    }
    if (retry_failed && record.status == "failed") {
      ++scan.dropped_failed;
    } else {
      scan.done_ids.insert(record.id);
      ++scan.records;
    }
    result.good_end += line.size() + (last_unterminated ? 0 : 1);
    result.unterminated = last_unterminated;
  }
  if (in.bad()) throw Error(path + ": read error: " + errno_text());
  return result;
}

// Rewrites `path` without its "failed" records, atomically, through a unique temporary file
// beside it (removed on any failure).
void drop_failed_records(const std::string& path, mode_t mode) {
  std::string prefix = std::filesystem::path(path).filename().string();
  prefix.insert(0, 1, '.');
  prefix.append(".tmp-");
  TempFile tmp(directory_of(path), prefix);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open for reading: " + errno_text());
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") != std::string::npos &&
        parse_annotation_record(line, path, line_no).status == "failed") {
      continue;
    }
    line.push_back('\n');
    write_all(tmp.fd(), line.data(), line.size(), tmp.path());
  }
  if (in.bad()) throw Error(path + ": read error: " + errno_text());
  if (::fchmod(tmp.fd(), mode) != 0) throw Error(tmp.path() + ": chmod: " + errno_text());
  sync_fd(tmp.fd(), tmp.path());
  tmp.close();
  if (std::rename(tmp.path().c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot replace it with " + tmp.path() + ": " + errno_text());
  }
  tmp.keep();
  sync_parent_dir(path);
}

const std::string& checked_output(const std::string& path) {
  if (path.empty() || path == "-") {
    throw InputError(
        "annotate's output must be a real file, not stdout: it appends to it and reads it back "
        "to resume after an interruption");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    throw InputError(
        path + (S_ISDIR(st.st_mode) ? ": is a directory, not a file" : ": not a regular file") +
        " (annotate appends to its output and reads it back to resume)");
  }
  return path;
}

// "pid N on host H" from a lock file, or "" when it holds nothing readable.
std::string lock_holder(int fd) {
  char buf[300] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string text(buf, static_cast<std::size_t>(n));
  if (const auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  const auto space = text.find(' ');
  const std::string pid = text.substr(0, space);
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return "";
  return "pid " + pid + (space == std::string::npos ? "" : " on host " + text.substr(space + 1));
}

}  // namespace

OutputLock::OutputLock(const std::string& path) : lock_path_(path + ".lock") {
  // The lock file is removed on release, so a lock may be won on a file that was just unlinked:
  // it counts only when the path still names the locked file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(lock_path_ + ": cannot create the lock file: " + errno_text());
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        const std::string holder = lock_holder(fd);
        ::close(fd);
        throw InputError(path + ": another uniner annotate is writing it" +
                         (holder.empty() ? std::string() : " (" + holder + ")") +
                         "; wait for it to finish, or stop it, before running again (its lock: " +
                         lock_path_ + ")");
      }
      ::close(fd);
      throw Error(lock_path_ + ": cannot lock: " + std::strerror(err));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(lock_path_.c_str(), &named) == 0 &&
        held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
      char host[256] = {};
      if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
      const std::string who = std::to_string(::getpid()) + (host[0] ? " " : "") + host + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, who.data(), who.size(), 0) < 0) {
        // the lock holds without it; only the message of a refused run loses the pid
      }
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  throw Error(lock_path_ + ": cannot lock: the file keeps being replaced");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(lock_path_.c_str());  // while still holding the lock (see the constructor)
  ::close(fd_);
}

AnnotationStore::AnnotationStore(const std::string& path, bool retry_failed, std::size_t sync_every)
    : path_(checked_output(path)), lock_(path), sync_every_(sync_every == 0 ? 1 : sync_every) {
  struct stat st {};
  const bool existed = ::stat(path.c_str(), &st) == 0;
  if (existed) {
    const ScanResult scanned = scan_records(path, retry_failed, scan_);
    const auto size = std::filesystem::file_size(path);
    if (size > scanned.good_end) {
      scan_.torn_bytes = static_cast<std::size_t>(size - scanned.good_end);
      if (::truncate(path.c_str(), static_cast<off_t>(scanned.good_end)) != 0) {
        throw Error(path + ": cannot truncate a torn last line: " + errno_text());
      }
    }
    scan_.added_newline = scanned.unterminated;
    if (scan_.dropped_failed > 0) drop_failed_records(path, st.st_mode & 07777);
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path + ": cannot open for writing: " + errno_text());
  if (!existed) sync_parent_dir(path);
  if (scan_.added_newline && scan_.dropped_failed == 0) {
    try {
      write_all(fd_, "\n", 1, path_);
    } catch (...) {
      ::close(fd_);
      throw;
    }
  }
}

AnnotationStore::~AnnotationStore() {
  if (fd_ < 0) return;
  ::fsync(fd_);
  ::close(fd_);
}

void AnnotationStore::append(const std::string& json_line) {
  std::string line;
  line.reserve(json_line.size() + 1);
  line += json_line;
  line.push_back('\n');
  write_all(fd_, line.data(), line.size(), path_);
  if (++unsynced_ >= sync_every_) sync();
}

void AnnotationStore::sync() {
  if (unsynced_ == 0) return;
  sync_fd(fd_, path_);
  unsynced_ = 0;
}

}  // namespace uniner::teacher

#include "teacher/annotation_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "format/json_records.h"
#include "uniner/error.h"
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
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems refuse it
  ::fsync(fd);
  ::close(fd);
}

bool is_failed(const nlohmann::json& record) {
  const auto status = record.find("status");
  return status != record.end() && status->is_string() && status->get<std::string>() == "failed";
}

// Scans the records of `path`; returns the byte length of its intact part.
std::uintmax_t scan_records(const std::string& path, bool retry_failed, StoreScan& scan) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open for reading: " + errno_text());
  std::string line;
  std::uintmax_t good_end = 0;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (in.eof()) break;  // no '\n': a torn last line
    const std::uintmax_t line_end = good_end + line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      good_end = line_end;
      continue;
    }
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object() || !record.contains("id")) {
      if (in.peek() == std::char_traits<char>::eof()) break;  // torn by a crash: drop it
      throw Error(where(path, line_no,
                        "not an annotation record; the output file is damaged (remove or fix "
                        "this line, then run again)"));
    }
    const std::string id = id_of(record, path, line_no);
    if (retry_failed && is_failed(record)) {
      ++scan.dropped_failed;
    } else {
      scan.done_ids.insert(id);
      ++scan.records;
    }
    good_end = line_end;
  }
  return good_end;
}

// Rewrites `path` without its "failed" records, atomically.
void drop_failed_records(const std::string& path) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(tmp + ": cannot open for writing: " + errno_text());
  try {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (record.is_object() && is_failed(record)) continue;
      line.push_back('\n');
      write_all(fd, line.data(), line.size(), tmp);
    }
    sync_fd(fd, tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot replace it with " + tmp + ": " + errno_text());
  }
  sync_parent_dir(path);
}

}  // namespace

AnnotationStore::AnnotationStore(const std::string& path, bool retry_failed, std::size_t sync_every)
    : path_(path), sync_every_(sync_every == 0 ? 1 : sync_every) {
  if (path.empty() || path == "-") {
    throw InputError(
        "--output: annotate needs a real file, not stdout: it appends to it and reads it back "
        "to resume after an interruption");
  }
  struct stat st {};
  const bool existed = ::stat(path.c_str(), &st) == 0;
  if (existed && !S_ISREG(st.st_mode)) {
    throw InputError(path +
                     ": not a regular file (annotate appends to its output and reads it "
                     "back to resume)");
  }
  if (existed) {
    const std::uintmax_t good_end = scan_records(path, retry_failed, scan_);
    const auto size = std::filesystem::file_size(path);
    if (size > good_end) {
      scan_.torn_bytes = static_cast<std::size_t>(size - good_end);
      if (::truncate(path.c_str(), static_cast<off_t>(good_end)) != 0) {
        throw Error(path + ": cannot truncate a torn last line: " + errno_text());
      }
    }
    if (scan_.dropped_failed > 0) drop_failed_records(path);
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path + ": cannot open for writing: " + errno_text());
  if (!existed) sync_parent_dir(path);
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

#include "data/temp_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <stdexcept>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using uniner::testing::read_file;
using uniner::testing::TempDir;

std::size_t entries(const TempDir& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.file(""))) ++n;
  return n;
}

TEST(TempFile, TwoAtOnceHaveTwoNamesAndBothGoAway) {
  TempDir dir;
  {
    TempFile a(dir.file("")), b(dir.file(""));
    EXPECT_NE(a.path(), b.path());
    EXPECT_TRUE(std::filesystem::exists(a.path()));
    EXPECT_TRUE(std::filesystem::exists(b.path()));
    EXPECT_EQ(std::filesystem::path(a.path()).parent_path(),
              std::filesystem::path(dir.file("")).parent_path());
    ASSERT_GE(a.fd(), 0);
    ASSERT_EQ(::write(a.fd(), "x", 1), 1);
    EXPECT_EQ(read_file(a.path()), "x");
    struct stat st {};
    ASSERT_EQ(::stat(a.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "private until renamed";
  }
  EXPECT_EQ(entries(dir), 0u);
}

TEST(TempFile, TwoProcessesAtOnceNeverShareAName) {
  TempDir dir;
  // Each of two processes makes 50 files at the same time, keeping them; no name repeats.
  const std::string prefix = "same-prefix-";
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0; i < 50; ++i) {
        TempFile f(dir.file(""), prefix);
        f.keep();
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(entries(dir), 100u);
}

TEST(TempFile, RemovedWhenAnExceptionUnwindsPastIt) {
  TempDir dir;
  std::string path;
  try {
    TempFile f(dir.file(""));
    path = f.path();
    ASSERT_TRUE(std::filesystem::exists(path));
    throw std::runtime_error("the job failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(path.empty());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(entries(dir), 0u);
}

TEST(TempFile, KeptOnceRenamed) {
  TempDir dir;
  const auto target = dir.file("out.jsonl");
  {
    TempFile f(directory_of(target), ".out.jsonl.tmp-");
    ASSERT_EQ(::write(f.fd(), "done\n", 5), 5);
    f.close();
    EXPECT_EQ(f.fd(), -1);
    ASSERT_EQ(std::rename(f.path().c_str(), target.c_str()), 0);
    f.keep();
  }
  EXPECT_EQ(read_file(target), "done\n");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(TempFile, UsesTmpdirByDefaultAndNamesAMissingDirectory) {
  TempDir dir;
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  ::setenv("TMPDIR", dir.file("").c_str(), 1);
  {
    TempFile f;
    EXPECT_EQ(std::filesystem::path(f.path()).parent_path(),
              std::filesystem::path(dir.file("")).parent_path());
    EXPECT_EQ(std::filesystem::path(f.path()).filename().string().rfind("uniner-", 0), 0u);
  }
  if (old) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  EXPECT_EQ(entries(dir), 0u);
  try {
    TempFile f(dir.file("missing"));
    ADD_FAILURE() << "created in a missing directory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  EXPECT_EQ(directory_of("out.jsonl"), ".");
  EXPECT_EQ(directory_of("a/b/out.jsonl"), "a/b");
}

}  // namespace
}  // namespace uniner

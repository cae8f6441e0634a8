// `uniner extract` resumed after a kill or a torn write, split into shards, and `uniner merge`:
// the real binary and a tiny model made by init-model.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "support/engine_fixture.h"
#include "support/test_support.h"

namespace uniner {
namespace {

using testing::read_file;
using testing::run_command;
using testing::signal_when;
using testing::start_command;
using testing::TempDir;

class CliResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    model_ = dir_->file("m.gguf");
    const auto r =
        run_command(bin() + " init-model --vocab " + testing::llama_vocab_path() + " -o " + model_ +
                    " --dim 64 --layers 2 --heads 4 --ff 128 --seed 5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string text;
    for (int i = 1; i <= kPassages; ++i) {
      text += "Passage " + std::to_string(i) + ": Ada Lovelace met Charles Babbage in London.\n";
      if (i % 7 == 0) text += "\n";  // blank lines are not passages; ids stay line numbers
    }
    input_ = dir_->write("in.txt", text);
    const auto whole =
        run_command(extract() + " -i " + input_ + " -o " + dir_->file("whole.jsonl"));
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    whole_ = read_file(dir_->file("whole.jsonl"));
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string bin() { return testing::uniner_bin(); }
  static std::string extract() {
    return bin() + " extract -q -t 1 -p 8 -m " + model_ + " --max-new-tokens 4 --types person,city";
  }
  static std::size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

  static constexpr int kPassages = 300;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::string model_, input_, whole_;
};

TEST_F(CliResume, TheUninterruptedRunHasOneRecordPerPassage) {
  EXPECT_EQ(lines(whole_), static_cast<std::size_t>(kPassages));
}

TEST_F(CliResume, KilledMidRunThenRerunEqualsTheUninterruptedRun) {
  TempDir dir;
  const std::string out = dir.file("out.jsonl");
  const pid_t pid = start_command(extract() + " -i " + input_ + " -o " + out + " 2>/dev/null");
  ASSERT_GE(pid, 0);
  // Kill it (SIGKILL: no cleanup at all) as soon as the output holds a record.
  ASSERT_TRUE(signal_when(pid, [&] { return lines(read_file(out)) >= 1; }, SIGKILL))
      << "extract ended before writing a record";
  const std::string partial = read_file(out);
  ASSERT_LT(lines(partial), static_cast<std::size_t>(kPassages))
      << "the run finished before the kill: nothing to resume";
  const std::string complete = partial.substr(0, partial.rfind('\n') + 1);
  EXPECT_EQ(whole_.substr(0, complete.size()), complete) << "records in input order";

  const auto r = run_command(extract() + " -i " + input_ + " -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (lines(partial) > 0) {
    EXPECT_NE(r.err.find("resuming after"), std::string::npos) << r.err;
  }
  EXPECT_EQ(read_file(out), whole_) << "byte-identical to the uninterrupted run";

  const auto again = run_command(extract() + " -i " + input_ + " -o " + out);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_file(out), whole_) << "a finished output stays as it is";
}

TEST_F(CliResume, ATornLastLineIsRemovedAndRedone) {
  TempDir dir;
  const std::size_t keep = whole_.find('\n', whole_.size() / 2) + 1;
  const std::string torn = whole_.substr(0, keep) + whole_.substr(keep, 40);  // no newline
  const std::string out = dir.write("out.jsonl", torn);
  const auto r = run_command(extract() + " -i " + input_ + " -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("removed an incomplete last record (40 bytes)"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(out), whole_);
}

TEST_F(CliResume, AForeignOrDamagedOutputIsLeftAloneAndOverwriteStartsOver) {
  TempDir dir;
  const std::string first = whole_.substr(0, whole_.find('\n') + 1);
  const std::string damaged = first + "{\"id\": \"9\", \"prediction\": \"[]\"}\n";
  const std::string out = dir.write("out.jsonl", damaged);
  auto r = run_command(extract() + " -i " + input_ + " -o " + out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(out + ":2: not an extract record"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("damaged or is not an extract output"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(out), damaged) << "never deleted";

  // The output of another input: the ids do not match.
  const std::string other = dir.write("other.txt", "\nsomething else\n");
  r = run_command(extract() + " -i " + other + " -o " + dir.write("o2.jsonl", first));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the output of another input"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("record 1 has id '1' but passage 1 of the input has id '2'"),
            std::string::npos)
      << r.err;

  r = run_command(extract() + " -i " + input_ + " -o " + out + " --overwrite");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(out), whole_);
}

TEST_F(CliResume, ShardsTogetherAreTheWholeRunAndMergeRestoresItsOrder) {
  TempDir dir;
  std::vector<std::string> all;
  std::string shard_files;
  for (int k = 0; k < 3; ++k) {
    const char* names[] = {"s0.jsonl", "s1.jsonl", "s2.jsonl"};
    const std::string out = dir.file(names[k]);
    const auto r = run_command(extract() + " -i " + input_ + " -o " + out + " --shard " +
                               std::to_string(k) + "/3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream in(read_file(out));
    std::size_t n = 0;
    for (std::string line; std::getline(in, line); ++n) all.push_back(line);
    EXPECT_GT(n, 0u) << "shard " << k;
    EXPECT_LT(n, static_cast<std::size_t>(kPassages)) << "shard " << k;
    shard_files += " -i " + out;
  }
  std::vector<std::string> expected;
  std::istringstream in(whole_);
  for (std::string line; std::getline(in, line);) expected.push_back(line);
  std::sort(all.begin(), all.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(all, expected) << "as sets of records, the shards are the whole run";

  const std::string merged = dir.file("merged.jsonl");
  auto m = run_command(bin() + " merge" + shard_files + " --order-by " + input_ + " -o " + merged);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(read_file(merged), whole_);

  // A shard missing: merged anyway, with a warning.
  m = run_command(bin() + " merge -i " + dir.file("s0.jsonl") + " --order-by " + input_);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("have no record"), std::string::npos) << m.err;
  // Never over an input.
  const auto before = read_file(dir.file("s1.jsonl"));
  m = run_command(bin() + " merge" + shard_files + " -o " + dir.file("s1.jsonl"));
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_EQ(read_file(dir.file("s1.jsonl")), before);
  // Bad shard specs name the value.
  const auto bad = run_command(extract() + " -i " + input_ + " --shard 3/3");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("3/3"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace uniner

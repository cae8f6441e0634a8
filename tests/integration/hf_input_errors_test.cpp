// What `uniner import-hf` refuses, and how: exit 2 and one message naming the file and the
// reason, nothing written, nothing executed. The folders come from the Python reference (skipped,
// visibly, without python3-torch); the readers' own cases are tests/unit/hf_readers_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/hf_reference.h"
#include "support/test_support.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using testing::hf_reference;
using testing::run_command;
using testing::TempDir;

std::string bin() {
  return testing::uniner_bin();
}

// A valid folder from the reference, then one thing broken.
class HfRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::hf_reference_missing().empty()) {
      GTEST_SKIP() << "Python reference skipped: " << testing::hf_reference_missing();
    }
    hf_reference("make " + hf_ + " --format " + format());
  }
  virtual std::string format() const { return "safetensors"; }
  testing::CommandResult import() const {
    return run_command(bin() + " import-hf " + hf_ + " -o " + out_);
  }
  void expect_refused(const testing::CommandResult& r, const std::vector<std::string>& words) const {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    for (const auto& w : words) EXPECT_NE(r.err.find(w), std::string::npos) << w << " in " << r.err;
    EXPECT_FALSE(fs::exists(out_));
  }
  void edit_config(const std::function<void(nlohmann::json&)>& f) const {
    auto j = nlohmann::json::parse(testing::read_file(hf_ + "/config.json"));
    f(j);
    std::ofstream(hf_ + "/config.json") << j.dump();
  }
  TempDir tmp_;
  std::string hf_ = tmp_.file("hf"), out_ = tmp_.file("out.gguf");
};

TEST_F(HfRefusal, MissingConfigKeyIsNamed) {
  edit_config([](nlohmann::json& j) { j.erase("hidden_size"); });
  expect_refused(import(), {hf_ + "/config.json", "missing key 'hidden_size'"});
}

TEST_F(HfRefusal, OtherArchitecturesAndShapesThatDisagree) {
  edit_config([](nlohmann::json& j) { j["architectures"] = {"GPT2LMHeadModel"}; });
  expect_refused(import(), {"GPT2LMHeadModel", "not supported"});
  edit_config([](nlohmann::json& j) {
    j["architectures"] = {"LlamaForCausalLM"};
    j["intermediate_size"] = 128;
  });
  expect_refused(import(), {"mlp.gate_proj.weight has shape [96, 64]", "[128, 64]"});
}

TEST_F(HfRefusal, TruncatedSafetensors) {
  const std::string st = hf_ + "/model.safetensors";
  fs::resize_file(st, fs::file_size(st) - 1000);
  expect_refused(import(), {st, "truncated"});
}

TEST_F(HfRefusal, OutputThatIsAnInputIsRefusedAndTheInputSurvives) {
  const std::string st = hf_ + "/model.safetensors";
  const auto before = testing::read_file(st);
  const auto r = run_command(bin() + " import-hf " + hf_ + " -o " + st);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(testing::read_file(st), before);
  fs::remove(st);
  expect_refused(import(), {"no weights"});
}

class HfRefusalBin : public HfRefusal {
  std::string format() const override { return "bin"; }
};

TEST_F(HfRefusalBin, MaliciousPickleIsRefusedAndNotExecuted) {
  const std::string marker = tmp_.file("was-executed");
  fs::remove(hf_ + "/pytorch_model.bin");
  hf_reference("malicious " + hf_ + "/pytorch_model.bin " + marker);
  expect_refused(import(), {hf_ + "/pytorch_model.bin: data.pkl", "system'", "refused"});
  EXPECT_FALSE(fs::exists(marker));
}

TEST_F(HfRefusalBin, TruncatedBin) {
  const std::string path = hf_ + "/pytorch_model.bin";
  fs::resize_file(path, fs::file_size(path) / 2);
  expect_refused(import(), {path, "zip"});
}

TEST_F(HfRefusalBin, DamagedArchivesExitTwoOrImport) {
  // Bytes of the zip headers, the pickle and the central directory damaged one place at a time:
  // each import either succeeds (the damage hit tensor data) or exits 2 naming the file; never a
  // crash or a runtime error.
  const std::string path = hf_ + "/pytorch_model.bin";
  const std::string original = testing::read_file(path);
  const std::size_t n = original.size();
  for (const std::size_t at : {std::size_t{10}, std::size_t{40}, std::size_t{70}, std::size_t{100},
                               std::size_t{300}, std::size_t{1000}, n - 300, n - 100, n - 60, n - 22,
                               n - 10}) {
    std::string damaged = original;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    const auto r = import();
    EXPECT_TRUE(r.exit_code == 0 || (r.exit_code == 2 && r.err.find(path) != std::string::npos))
        << "byte " << at << ": exit " << r.exit_code << ": " << r.err;
    fs::remove(out_);
  }
}

}  // namespace
}  // namespace uniner

// What import-hf refuses, and how: exit 2 and one message naming the file and the reason, nothing
// written, nothing executed. The pickle and safetensors cases below are written by hand and need
// no Python; the torch.save ones skip, visibly, without python3-torch.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/hf_pickle.h"
#include "engine/hf_safetensors.h"
#include "support/hf_reference.h"
#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using testing::hf_reference;
using testing::run_command;
using testing::TempDir;

std::string bin() {
  return testing::uniner_bin();
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(HfPickle, RefusesGlobalsAStateDictDoesNotUse) {
  // pickle.dumps of os.system("touch x") reduced, protocol 2: GLOBAL 'posix system', REDUCE.
  const std::string evil("\x80\x02" "cposix\nsystem\nq\x00X\x07\x00\x00\x00touch xq\x01\x85q\x02Rq\x03.", 39);
  const auto m = message_of([&] { engine::unpickle_state_dict(evil, "evil.bin: data.pkl"); });
  EXPECT_NE(m.find("evil.bin: data.pkl"), std::string::npos) << m;
  EXPECT_NE(m.find("'posix.system'"), std::string::npos) << m;
  EXPECT_NE(m.find("nothing in it was executed"), std::string::npos) << m;
  // builtins.eval through STACK_GLOBAL (protocol 4) too.
  const std::string eval("\x80\x04\x8c\x08" "builtins\x8c\x04" "eval\x93.", 20);
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict(eval, "x"); }).find("'builtins.eval'"),
            std::string::npos);
  // Opcodes a state dict never has (INST, OBJ, NEWOBJ) are refused by name.
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict(std::string("\x80\x02\x81", 3), "x"); })
                .find("opcode 0x81"),
            std::string::npos);
  // Truncated input is an error, not a read past the end.
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict("\x80\x02X\xff\x00\x00\x00ab", "x"); })
                .find("truncated"),
            std::string::npos);
}

TEST(HfPickle, BuildsAStateDictOfTensors) {
  // {"w": _rebuild_tensor_v2(('storage', torch.HalfStorage, '0', 'cpu', 6), 0, (2, 3), (3, 1),
  //  False, OrderedDict())} as torch.save pickles it.
  const std::string p(
      "\x80\x02}q\x00X\x01\x00\x00\x00wq\x01" "ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00"
      "\x00storageq\x03" "ctorch\nHalfStorage\nq\x04X\x01\x00\x00\x00" "0q\x05X\x03\x00\x00\x00" "cpuq\x06K\x06tq\x07"
      "QK\x00K\x02K\x03\x86q\x08K\x03K\x01\x86q\x09\x89" "ccollections\nOrderedDict\nq\x0a)Rq\x0btq\x0cRq\x0ds.",
      165);
  const auto root = engine::unpickle_state_dict(p, "x");
  ASSERT_EQ(root->kind, engine::PickleValue::Kind::kDict);
  ASSERT_EQ(root->items.size(), 2u);
  EXPECT_EQ(root->items[0]->text, "w");
  const auto& t = *root->items[1];
  ASSERT_EQ(t.kind, engine::PickleValue::Kind::kTensor);
  EXPECT_EQ(t.dtype, engine::HfDtype::kF16);
  EXPECT_EQ(t.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(t.stride, (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(t.storage->text, "0");
  EXPECT_EQ(t.storage->storage_numel, 6);
}

TEST(HfSafetensors, ReadsWhatItWritesAndRefusesTruncation) {
  TempDir tmp;
  const std::string path = tmp.file("m.safetensors");
  engine::write_safetensors(path, {{"a", {2, 3}}, {"b", {4}}}, engine::HfDtype::kBF16,
                            [](const engine::SafetensorsEntry& e, float* dst) {
                              for (int i = 0; i < (e.name == "a" ? 6 : 4); ++i) dst[i] = i * 0.5f;
                            });
  const auto map = engine::read_safetensors(path);
  ASSERT_EQ(map.size(), 2u);
  std::vector<float> a(6);
  engine::read_hf_tensor("a", map.at("a"), a.data());
  EXPECT_EQ(a, (std::vector<float>{0, 0.5f, 1, 1.5f, 2, 2.5f}));
  fs::resize_file(path, fs::file_size(path) - 3);
  const auto m = message_of([&] { engine::read_safetensors(path); });
  EXPECT_NE(m.find(path + ": truncated: tensor b"), std::string::npos) << m;
  tmp.write("bad.safetensors", std::string("\xff\xff\xff\xff\xff\xff\x00\x00{}", 10));
  EXPECT_NE(message_of([&] { engine::read_safetensors(tmp.file("bad.safetensors")); })
                .find("not a safetensors file"),
            std::string::npos);
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

}  // namespace
}  // namespace uniner

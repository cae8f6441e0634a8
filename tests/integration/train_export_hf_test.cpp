// `uniner train --export-hf DIR`: the trained student also in the Hugging Face layout, which
// import-hf reads back to the same weights; a folder that holds files is refused before the
// training starts.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/model_file.h"
#include "support/test_support.h"
#include "uniner/engine/model_init.h"

namespace uniner::testing {
namespace {

namespace fs = std::filesystem;

std::string q(const std::string& s) { return shell_quote(s); }

TEST(TrainExportHf, TheStudentComesBackFromItsHfFolder) {
  TempDir dir;
  InitModelOptions base;
  base.vocab_path = std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-llama-spm.gguf";
  base.out_path = dir.file("base.gguf");
  base.dim = 64, base.layers = 1, base.heads = 4, base.kv_heads = 2, base.ff = 128;
  init_model(base);
  nlohmann::json data = nlohmann::json::array();
  for (int i = 0; i < 4; ++i) {
    data.push_back({{"id", std::to_string(i)},
                    {"conversations",
                     {{{"from", "human"}, {"value", "Text: Ann flew to Oslo."}},
                      {{"from", "gpt"}, {"value", "I've read this text."}},
                      {{"from", "human"}, {"value", "What describes city in the text?"}},
                      {{"from", "gpt"}, {"value", "[\"Oslo\"]"}}}}});
  }
  const std::string train = dir.write("train.json", data.dump());
  const std::string student = dir.file("s.gguf"), hf = dir.file("hf"), back = dir.file("back.gguf");
  const std::string cmd = uniner_bin() + " train --base " + q(base.out_path) + " --data " + q(train) +
                          " --out " + q(student) + " --dev-fraction 0 --epochs 2 --threads 1 --quiet";

  fs::create_directories(hf);
  std::ofstream(hf + "/keep.txt") << "x";
  const auto refused = run_command(cmd + " --export-hf " + q(hf));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_FALSE(fs::exists(student)) << "refused before training";
  fs::remove_all(hf);

  const auto r = run_command(cmd + " --export-hf " + q(hf));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"config.json", "model.safetensors", "tokenizer.model"}) {
    EXPECT_TRUE(fs::exists(hf + "/" + f)) << f;
  }
  const auto i = run_command(uniner_bin() + " import-hf " + q(hf) + " -o " + q(back) + " --outtype f32");
  ASSERT_EQ(i.exit_code, 0) << i.err;
  const auto a = engine::ModelFile::open(student), b = engine::ModelFile::open(back);
  ASSERT_EQ(a.shape().kv_heads, b.shape().kv_heads);
  for (const auto& spec : engine::model_tensors(a.shape())) {
    std::vector<float> x(static_cast<std::size_t>(spec.numel())), y(x.size());
    a.read_tensor(spec.name, x.data(), spec.numel());
    b.read_tensor(spec.name, y.data(), spec.numel());
    EXPECT_EQ(x, y) << spec.name;
  }
}

}  // namespace
}  // namespace uniner::testing

// `uniner init-model` (--arch, --rope-base, --norm-eps, --tied-output, --outtype) and
// `uniner export` (--quantize, --outtype) as a user runs them.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/model_file.h"
#include "support/model_io.h"
#include "support/test_support.h"

namespace uniner {
namespace {

using testing::run_command;
using testing::TempDir;

std::string bin() {
  return testing::uniner_bin();
}

TEST(CliInitModel, FlagsReachTheFile) {
  TempDir dir;
  const std::string out = dir.file("q.gguf");
  const auto r = run_command(bin() + " init-model --vocab " + testing::vocab_file("qwen2") +
                             " -o " + out +
                             " --arch qwen2 --dim 64 --heads 4 --kv-heads 2 --ff 128 --layers 1 "
                             "--rope-base 1000000 --norm-eps 1e-5 --tied-output --outtype bf16");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = engine::ModelFile::open(out).shape();
  EXPECT_EQ(s.arch, "qwen2");
  EXPECT_TRUE(s.qkv_bias);
  EXPECT_TRUE(s.tied_output);
  EXPECT_EQ(s.kv_heads, 2);
  EXPECT_FLOAT_EQ(s.rope_base, 1e6f);
  EXPECT_FLOAT_EQ(s.norm_eps, 1e-5f);
  const auto x = run_command(bin() + " extract -q -t 1 -m " + out +
                             " --max-new-tokens 2 --text 'Ann met Bob.' --types person");
  EXPECT_EQ(x.exit_code, 0) << x.err;

  const auto both = run_command(bin() + " init-model --vocab " + testing::vocab_file("llama-spm") +
                                " -o " + dir.file("x.gguf") + " --f16 --outtype bf16");
  EXPECT_EQ(both.exit_code, 2) << both.err;
  const auto arch = run_command(bin() + " init-model --vocab " + testing::vocab_file("llama-spm") +
                                " -o " + dir.file("x.gguf") + " --arch gpt2");
  EXPECT_EQ(arch.exit_code, 2) << arch.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.gguf")));
}

TEST(CliExport, QuantizesRewritesAndRefusesBadRequests) {
  TempDir dir;
  const std::string in = dir.file("m.gguf"), q = dir.file("q.gguf"), h = dir.file("h.gguf");
  ASSERT_EQ(run_command(bin() + " init-model --vocab " + testing::vocab_file("llama-spm") +
                        " -o " + in + " --dim 64 --ff 128 --layers 1")
                .exit_code,
            0);
  const auto r = run_command(bin() + " export -m " + in + " -o " + q + " --quantize q8_0 -t 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Q8_0"), std::string::npos) << r.err;
  const auto x = run_command(bin() + " extract -q -t 1 -m " + q +
                             " --max-new-tokens 2 --text 'Ann met Bob.' --types person");
  EXPECT_EQ(x.exit_code, 0) << x.err;
  EXPECT_EQ(run_command(bin() + " export -m " + in + " -o " + h + " --outtype f16").exit_code, 0);
  EXPECT_EQ(engine::ModelFile::open(h).shape().dim, 64);

  // A rewrite of quantized weights: exit 2, saying why and what to use.
  const auto quantized = run_command(bin() + " export -m " + q + " -o " + dir.file("z.gguf"));
  EXPECT_EQ(quantized.exit_code, 2) << quantized.err;
  EXPECT_NE(quantized.err.find("is quantized"), std::string::npos) << quantized.err;
  for (const std::string bad : {" --quantize q9_9", " --quantize q8_0 --outtype f16",
                                " --outtype f8"}) {
    const auto u = run_command(bin() + " export -m " + in + " -o " + dir.file("z.gguf") + bad);
    EXPECT_EQ(u.exit_code, 2) << bad << ": " << u.err;
    EXPECT_NE(u.err.find("Run with --help"), std::string::npos) << u.err;
  }
  const auto missing = run_command(bin() + " export -m " + dir.file("none.gguf") + " -o " +
                                   dir.file("z.gguf") + " --quantize q8_0");
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("z.gguf")));
}

}  // namespace
}  // namespace uniner

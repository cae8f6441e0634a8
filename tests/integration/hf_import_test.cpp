// import-hf and export --hf against an independent reference: tiny Hugging Face folders made by
// PyTorch (tests/support/hf_reference.py: random LLaMA/Qwen2 weights with grouped-query
// attention as safetensors or torch.save .bin, sharded or not, and a SentencePiece tokenizer
// trained there), imported by `uniner import-hf`; llama.cpp's logits (sequence_logits) must equal
// the HF forward pass in PyTorch (rotate_half RoPE on the HF-layout weights) within 1e-3, the
// GGUF must hold what llama.cpp's converter writes (its permutation, its tokenizer metadata), and
// the same after `uniner export --hf` and import again. F32, F16 and BF16 weights. Skips, visibly, without python3-torch or
// python3-sentencepiece.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "engine/model_file.h"
#include "support/hf_reference.h"
#include "support/test_support.h"
#include "uniner/engine/vocab.h"

namespace uniner {
namespace {

using testing::hf_reference;
using testing::run_command;
using testing::TempDir;

const char* kText = "Aspirin was developed by Bayer in Leverkusen in 1897.";

std::string bin() {
  return testing::uniner_bin();
}

// llama.cpp's tokens of kText with the imported vocabulary; SentencePiece's must be the same.
std::vector<TokenId> tokens_of(const std::string& gguf, const std::string& hf_dir) {
  const auto vocab = Vocab::load(gguf);
  const auto ids = vocab.tokenize(kText, /*add_bos=*/true, /*parse_special=*/false);
  const auto sp = hf_reference("encode " + hf_dir + " '" + kText + "'");
  EXPECT_EQ(nlohmann::json(ids).dump(), nlohmann::json::parse(sp.out).dump())
      << "llama.cpp and SentencePiece tokenize differently";
  return ids;
}

class HfImport : public ::testing::TestWithParam<const char*> {};

TEST_P(HfImport, LogitsEqualTheHfForwardAndTheFileEqualsTheConverters) {
  UNINER_REQUIRE_HF_REFERENCE();
  TempDir tmp;
  const std::string hf = tmp.file("hf"), gguf = tmp.file("m.gguf");
  hf_reference(std::string("make ") + hf + " --format " + GetParam() + " --seed 3");
  const auto r = run_command(bin() + " import-hf " + hf + " -o " + gguf + " --outtype f32");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("LlamaForCausalLM"), std::string::npos) << r.err;
  EXPECT_EQ(hf_reference("check-gguf " + hf + " " + gguf).out, "ok\n");

  const auto ids = tokens_of(gguf, hf);
  ASSERT_GT(ids.size(), 8u);
  const double diff = testing::max_logit_difference(gguf, testing::reference_logits(tmp, hf, ids), ids);
  std::cout << "[ MEASURED ] " << GetParam() << ": max |llama.cpp - PyTorch| logit difference "
            << diff << " over " << ids.size() << " positions\n";
  EXPECT_LT(diff, 1e-3);
  // The file carries the released models' template, with the vocabulary's EOS as separator.
  const auto file = engine::ModelFile::open(gguf);
  EXPECT_TRUE(file.has_template_metadata());
  EXPECT_EQ(file.prompt_template().separator, "</s>");
}

INSTANTIATE_TEST_SUITE_P(Formats, HfImport,
                         ::testing::Values("safetensors", "safetensors-sharded", "bin", "bin-sharded",
                                           "safetensors --dtype bf16", "bin --dtype f16"));

TEST(HfImportQwen2, BpeOnlyFolderNeedsAVocabularyGgufAndThenMatches) {
  UNINER_REQUIRE_HF_REFERENCE();
  TempDir tmp;
  // The vocabulary GGUF: a LLaMA folder with the same (deterministic) SentencePiece training.
  const std::string llama = tmp.file("llama"), vocab = tmp.file("vocab.gguf");
  hf_reference("make " + llama);
  ASSERT_EQ(run_command(bin() + " import-hf -q " + llama + " -o " + vocab).exit_code, 0);

  const std::string qwen = tmp.file("qwen"), out = tmp.file("q.gguf");
  hf_reference("make " + qwen + " --arch qwen2 --tied --format bin --seed 5");
  std::filesystem::remove(qwen + "/tokenizer.model");
  tmp.write("qwen/tokenizer.json", R"({"model": {"type": "BPE"}})");
  const auto refused = run_command(bin() + " import-hf " + qwen + " -o " + out);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("tokenizer.json"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("convert_hf_to_gguf.py"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  const auto r = run_command(bin() + " import-hf " + qwen + " -o " + out + " --outtype f32 --vocab " + vocab);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto shape = engine::ModelFile::open(out).shape();
  EXPECT_EQ(shape.arch, "qwen2");
  EXPECT_TRUE(shape.qkv_bias);
  EXPECT_TRUE(shape.tied_output);
  const auto ids = tokens_of(out, llama);
  const double diff = testing::max_logit_difference(out, testing::reference_logits(tmp, qwen, ids), ids);
  std::cout << "[ MEASURED ] qwen2 (tied, biases, no permutation): max logit difference " << diff << "\n";
  EXPECT_LT(diff, 1e-3);
}

TEST(HfExport, RoundTripKeepsLogitsTensorsTokenizerAndTemplate) {
  UNINER_REQUIRE_HF_REFERENCE();
  TempDir tmp;
  const std::string hf = tmp.file("hf"), a = tmp.file("a.gguf"), out = tmp.file("out"),
                    b = tmp.file("b.gguf");
  hf_reference("make " + hf + " --seed 7");
  ASSERT_EQ(run_command(bin() + " import-hf -q " + hf + " -o " + a + " --outtype f32").exit_code, 0);
  const auto e = run_command(bin() + " export -m " + a + " --hf " + out);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  for (const char* f : {"config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  }
  const auto config = nlohmann::json::parse(testing::read_file(out + "/config.json"));
  EXPECT_EQ(config["architectures"][0], "LlamaForCausalLM");
  EXPECT_EQ(config["num_key_value_heads"], 2);

  // The exported folder, read by the PyTorch HF forward, gives the original's logits: the
  // permutation was undone, names and shapes are HF's.
  const auto ids = tokens_of(a, hf);
  const auto original = testing::reference_logits(tmp, hf, ids);
  const auto exported = testing::reference_logits(tmp, out, ids);
  double worst = 0;
  for (std::size_t t = 0; t < original.size(); ++t)
    for (std::size_t v = 0; v < original[t].size(); ++v)
      worst = std::max(worst, std::fabs(original[t][v] - exported[t][v]));
  EXPECT_LT(worst, 1e-6);
  // The written tokenizer.model tokenizes as the original (SentencePiece itself loads it).
  EXPECT_EQ(hf_reference("encode " + out + " '" + kText + "'").out,
            hf_reference("encode " + hf + " '" + kText + "'").out);

  // And back: import-hf of the export is the same model.
  const auto r = run_command(bin() + " import-hf " + out + " -o " + b + " --outtype f32");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double diff = testing::max_logit_difference(b, original, ids);
  std::cout << "[ MEASURED ] export --hf then import-hf: max logit difference " << diff << "\n";
  EXPECT_LT(diff, 1e-3);
  const auto fa = engine::ModelFile::open(a), fb = engine::ModelFile::open(b);
  EXPECT_EQ(fa.prompt_template().system, fb.prompt_template().system);
  EXPECT_EQ(fa.prompt_template().separator, fb.prompt_template().separator);
  for (const auto& spec : engine::model_tensors(fa.shape())) {
    std::vector<float> x(static_cast<std::size_t>(spec.numel())), y(x.size());
    fa.read_tensor(spec.name, x.data(), spec.numel());
    fb.read_tensor(spec.name, y.data(), spec.numel());
    EXPECT_EQ(x, y) << spec.name;
  }

  // A folder that holds files is not written over unless asked.
  const auto again = run_command(bin() + " export -m " + a + " --hf " + out);
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_EQ(run_command(bin() + " export -m " + a + " --hf " + out + " --overwrite --outtype bf16").exit_code, 0);
  const auto st = testing::read_file(out + "/model.safetensors");
  EXPECT_NE(st.find("\"BF16\""), std::string::npos);
}

TEST(HfExport, TheRealLlamaVocabularyBecomesATokenizerModelThatTokenizesAsLlamaCpp) {
  // UniNER-7B's vocabulary (32000 SentencePiece pieces with byte fallback), from llama.cpp's
  // tree: the tokenizer.model written from its GGUF metadata, loaded by SentencePiece itself,
  // gives llama.cpp's tokens.
  UNINER_REQUIRE_HF_REFERENCE();
  TempDir tmp;
  const std::string vocab = std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-llama-spm.gguf";
  const std::string m = tmp.file("m.gguf"), out = tmp.file("hf");
  ASSERT_EQ(run_command(bin() + " init-model --vocab " + vocab + " -o " + m + " --dim 64 --layers 1").exit_code, 0);
  const auto e = run_command(bin() + " export -m " + m + " --hf " + out);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto llama = Vocab::load(vocab);
  for (const std::string text : {"Aspirin was developed by Bayer in Leverkusen.", "\xC3\x89mile Zola, 1840-1902",
                                 "What describes drug in the text?", "tabs\tand\nnew lines \xE2\x98\x83 \xF0\x9D\x94\x98"}) {
    const auto ids = llama.tokenize(text, /*add_bos=*/true, /*parse_special=*/false);
    const auto sp = hf_reference("encode " + out + " " + testing::shell_quote(text)).out;
    EXPECT_EQ(nlohmann::json::parse(sp), nlohmann::json(ids)) << text;
  }
}

TEST(HfExport, TheRealLlamaVocabularyComesBackAsLlamaCppsConverterWroteIt) {
  // ggml-vocab-llama-spm.gguf is llama.cpp's converter's output for LLaMA's tokenizer.model.
  // Exported as tokenizer.model and imported again, every tokenizer key is the same: tokens,
  // scores, types, special ids and flags. No Python needed.
  TempDir tmp;
  const std::string vocab = std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-llama-spm.gguf";
  const std::string m = tmp.file("m.gguf"), out = tmp.file("hf"), back = tmp.file("back.gguf");
  ASSERT_EQ(run_command(bin() + " init-model --vocab " + vocab + " -o " + m + " --dim 64 --layers 1").exit_code, 0);
  ASSERT_EQ(run_command(bin() + " export -m " + m + " --hf " + out).exit_code, 0);
  const auto r = run_command(bin() + " import-hf " + out + " -o " + back);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = engine::read_tokenizer_keys(vocab), b = engine::read_tokenizer_keys(back);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.pre, b.pre);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.bos, b.bos);
  EXPECT_EQ(a.eos, b.eos);
  EXPECT_EQ(a.unk, b.unk);
  EXPECT_EQ(a.pad, b.pad);
  EXPECT_EQ(a.add_bos, b.add_bos);
  EXPECT_EQ(a.add_eos, b.add_eos);
}

TEST(HfImport, QuantizesThroughLlamaCpp) {
  UNINER_REQUIRE_HF_REFERENCE();
  TempDir tmp;
  const std::string hf = tmp.file("hf"), q = tmp.file("q.gguf");
  hf_reference("make " + hf + " --format bin");
  const auto r = run_command(bin() + " import-hf " + hf + " -o " + q + " --quantize q8_0 -t 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Q8_0"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(q + ".import.tmp"));
  const auto x = run_command(bin() + " extract -q -t 1 -m " + q +
                             " --max-new-tokens 2 --text 'Ann met Bob.' --types person");
  EXPECT_EQ(x.exit_code, 0) << x.err;
}

}  // namespace
}  // namespace uniner

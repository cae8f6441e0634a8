// init_model on the llama.cpp vocabularies (llama-spm, llama-bpe, qwen2) and layouts,
// sequence_logits, and export_model (llama.cpp's quantizer, f32/f16/bf16 rewrites).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "engine/model_file.h"
#include "support/model_io.h"
#include "support/test_support.h"
#include "uniner/engine/export.h"
#include "uniner/engine/extractor.h"
#include "uniner/engine/model.h"
#include "uniner/engine/model_init.h"
#include "uniner/engine/scoring.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

InitModelOptions tiny(const std::string& vocab, const std::string& out) {
  InitModelOptions o;
  o.vocab_path = testing::vocab_file(vocab);
  o.out_path = out;
  o.dim = 64, o.layers = 2, o.heads = 4, o.ff = 128, o.seed = 11;
  o.init_std = 0.05f;
  return o;
}

ModelOptions one_thread() {
  ModelOptions mo;
  mo.threads = 1;
  mo.context_size = 1024;
  mo.parallel = 4;
  return mo;
}

// Extraction runs end to end (answers are random, the machinery is not).
void expect_extracts(const Model& model) {
  ExtractOptions eo;
  eo.max_new_tokens = 3;
  Extractor extractor(model, eo);
  const auto r = extractor.extract({"p", "Ann met Bob in Paris.", {"person", "city"}});
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.raw.size(), 2u);
}

TEST(InitModel, EveryVocabularyAndLayoutLoadsAndExtracts) {
  TempDir dir;
  for (const std::string vocab : {"llama-spm", "llama-bpe", "qwen2"}) {
    for (const auto arch : {ModelArch::kLlama, ModelArch::kQwen2}) {
      const bool qwen2 = arch == ModelArch::kQwen2;
      SCOPED_TRACE(vocab + (qwen2 ? " qwen2" : " llama"));
      auto o = tiny(vocab, dir.file(vocab + ".gguf"));
      o.arch = arch;
      o.tied_output = qwen2;
      init_model(o);
      const auto file = engine::ModelFile::open(o.out_path);
      EXPECT_EQ(file.shape().arch, qwen2 ? "qwen2" : "llama");
      EXPECT_EQ(file.shape().qkv_bias, qwen2);
      EXPECT_EQ(file.shape().tied_output, qwen2);
      EXPECT_TRUE(file.has_template_metadata());
      const auto model = Model::load(o.out_path, one_thread());
      EXPECT_EQ(file.shape().vocab_size, static_cast<std::int64_t>(model.vocab().size()));
      // The template: the released models' sentence, the vocabulary's EOS text as separator.
      EXPECT_EQ(model.prompt_template().system, PromptTemplate{}.system);
      EXPECT_EQ(model.prompt_template().separator, model.vocab().piece(model.vocab().eos()));
      EXPECT_EQ(file.prompt_template(), model.prompt_template());
      if (qwen2) {  // biases are drawn like the weights, so that tests exercise them
        std::vector<float> bias(64);
        file.read_tensor("blk.1.attn_q.bias", bias.data(), 64);
        EXPECT_NE(bias[0], 0.0f);
      }
      expect_extracts(model);
    }
  }
}

TEST(InitModel, OptionsReachTheFileAndTheSeedDecides) {
  TempDir dir;
  auto o = tiny("llama-spm", dir.file("a.gguf"));
  o.kv_heads = 2, o.ctx = 4096, o.rope_base = 1e6f, o.norm_eps = 1e-5f, o.tied_output = true;
  o.type = FloatType::kBF16;
  init_model(o);
  const auto s = engine::ModelFile::open(o.out_path).shape();
  EXPECT_EQ(s.kv_heads, 2);
  EXPECT_EQ(s.context, 4096);
  EXPECT_FLOAT_EQ(s.rope_base, 1e6f);
  EXPECT_FLOAT_EQ(s.norm_eps, 1e-5f);
  EXPECT_TRUE(s.tied_output);

  auto same = o;
  same.out_path = dir.file("b.gguf");
  init_model(same);
  EXPECT_EQ(testing::read_file(o.out_path), testing::read_file(same.out_path));
  auto other = same;
  other.seed = 12;
  init_model(other);
  EXPECT_NE(testing::read_file(o.out_path), testing::read_file(other.out_path));

  auto odd = o;
  odd.heads = 3;
  EXPECT_THROW(init_model(odd), InputError);
  auto no_vocab = o;
  no_vocab.vocab_path = dir.file("missing.gguf");
  EXPECT_THROW(init_model(no_vocab), InputError);
}

class Scoring : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    auto o = tiny("llama-spm", dir_->file("s.gguf"));
    init_model(o);
    model_ = std::make_unique<Model>(Model::load(o.out_path, one_thread()));
  }
  static void TearDownTestSuite() {
    model_.reset();
    dir_.reset();
  }
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<Model> model_;
};

TEST_F(Scoring, LogitsOfEveryPositionAreCausal) {
  const auto ids = model_->vocab().tokenize("Ann met Bob in Paris last year.", true, false);
  const std::size_t n_vocab = model_->vocab().size();
  const auto all = sequence_logits(*model_, ids);
  ASSERT_EQ(all.size(), ids.size() * n_vocab);
  for (float x : all) ASSERT_TRUE(std::isfinite(x));
  // The logits of a prefix do not depend on what follows it.
  const std::size_t k = 3;
  const auto prefix = sequence_logits(*model_, std::span(ids).first(k));
  ASSERT_EQ(prefix.size(), k * n_vocab);
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    ASSERT_NEAR(prefix[i], all[i], 1e-4f * (1 + std::fabs(all[i]))) << i;
  }
  // Rows differ between positions (positions are really fed).
  EXPECT_NE(all[0], all[n_vocab]);
  // And it is what generation sees: the same call twice gives the same numbers.
  EXPECT_EQ(sequence_logits(*model_, ids), all);
}

TEST_F(Scoring, BadTokensAreInputErrors) {
  EXPECT_THROW(sequence_logits(*model_, {}), InputError);
  const std::vector<TokenId> out_of_range = {1, 32000};
  EXPECT_THROW(sequence_logits(*model_, out_of_range), InputError);
  const std::vector<TokenId> negative = {-1};
  EXPECT_THROW(sequence_logits(*model_, negative), InputError);
}

// The logits of one token at position 0 by hand (attention over one token is its value; RoPE
// does not matter there), from the weights as ModelFile reads them: sequence_logits are the raw
// logits of the weights, as the trainer's comparison with libtorch needs.
std::vector<float> first_position_by_hand(const engine::ModelFile& f, TokenId token) {
  const auto& s = f.shape();
  const auto read = [&](const std::string& name, std::int64_t n) {
    std::vector<float> v(static_cast<std::size_t>(n));
    f.read_tensor(name, v.data(), n);
    return v;
  };
  const auto matvec = [](const std::vector<float>& w, const std::vector<float>& x, std::int64_t rows) {
    std::vector<float> y(static_cast<std::size_t>(rows));
    const std::size_t cols = x.size();
    for (std::size_t r = 0; r < y.size(); ++r) {
      double acc = 0;
      for (std::size_t c = 0; c < cols; ++c) acc += double(w[r * cols + c]) * x[c];
      y[r] = static_cast<float>(acc);
    }
    return y;
  };
  const auto rmsnorm = [&](const std::vector<float>& x, const std::vector<float>& g) {
    double ss = 0;
    for (float v : x) ss += double(v) * v;
    const float scale = static_cast<float>(1.0 / std::sqrt(ss / x.size() + s.norm_eps));
    std::vector<float> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * g[i];
    return y;
  };
  const std::int64_t kv = s.kv_heads * s.head_dim();
  const auto embd = read("token_embd.weight", s.vocab_size * s.dim);
  std::vector<float> h(embd.begin() + token * s.dim, embd.begin() + (token + 1) * s.dim);
  for (std::int64_t l = 0; l < s.layers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    const auto a = rmsnorm(h, read(b + "attn_norm.weight", s.dim));
    auto v = matvec(read(b + "attn_v.weight", kv * s.dim), a, kv);
    if (s.qkv_bias) {
      const auto bv = read(b + "attn_v.bias", kv);
      for (std::int64_t i = 0; i < kv; ++i) v[i] += bv[i];
    }
    std::vector<float> heads(static_cast<std::size_t>(s.dim));  // each head reads its kv head
    const std::int64_t group = s.heads / s.kv_heads, hd = s.head_dim();
    for (std::int64_t i = 0; i < s.dim; ++i) heads[i] = v[(i / hd / group) * hd + i % hd];
    const auto o = matvec(read(b + "attn_output.weight", s.dim * s.dim), heads, s.dim);
    for (std::int64_t i = 0; i < s.dim; ++i) h[i] += o[i];
    const auto x = rmsnorm(h, read(b + "ffn_norm.weight", s.dim));
    const auto g = matvec(read(b + "ffn_gate.weight", s.ff * s.dim), x, s.ff);
    auto u = matvec(read(b + "ffn_up.weight", s.ff * s.dim), x, s.ff);
    for (std::int64_t i = 0; i < s.ff; ++i) u[i] *= g[i] / (1.0f + std::exp(-g[i]));
    const auto d = matvec(read(b + "ffn_down.weight", s.dim * s.ff), u, s.dim);
    for (std::int64_t i = 0; i < s.dim; ++i) h[i] += d[i];
  }
  const auto out = rmsnorm(h, read("output_norm.weight", s.dim));
  const auto w = s.tied_output ? embd : read("output.weight", s.vocab_size * s.dim);
  return matvec(w, out, s.vocab_size);
}

TEST(ScoringByHand, TheLogitsAreTheWeightsOwnForEveryLayout) {
  TempDir dir;
  for (const auto arch : {ModelArch::kLlama, ModelArch::kQwen2}) {
    auto o = tiny("llama-spm", dir.file("h.gguf"));
    o.arch = arch;
    o.kv_heads = 2;
    o.tied_output = arch == ModelArch::kQwen2;
    o.init_std = 0.1f;
    init_model(o);
    const auto model = Model::load(o.out_path, one_thread());
    const std::vector<TokenId> ids = {15043};
    const auto got = sequence_logits(model, ids);
    const auto want = first_position_by_hand(engine::ModelFile::open(o.out_path), ids[0]);
    ASSERT_EQ(got.size(), want.size());
    float max_abs = 0, max_diff = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      max_abs = std::max(max_abs, std::fabs(want[i]));
      max_diff = std::max(max_diff, std::fabs(got[i] - want[i]));
    }
    EXPECT_LT(max_diff, 1e-3f * max_abs) << "max |diff| " << max_diff << " of max " << max_abs;
  }
}

TEST(Export, Q8_0OfADim64ModelExtractsAndKeepsTheTemplate) {
  TempDir dir;
  auto o = tiny("llama-spm", dir.file("f32.gguf"));
  init_model(o);
  ExportOptions e;
  e.input_path = o.out_path;
  e.out_path = dir.file("q8.gguf");
  e.quantize = QuantType::kQ8_0;
  e.threads = 1;
  const auto r = export_model(e);
  EXPECT_NE(r.description.find("Q8_0"), std::string::npos) << r.description;
  EXPECT_EQ(r.bytes, std::filesystem::file_size(e.out_path));
  EXPECT_LT(r.bytes, std::filesystem::file_size(o.out_path));
  EXPECT_FALSE(std::filesystem::exists(e.out_path + ".export.tmp"));
  const auto model = Model::load(e.out_path, one_thread());
  EXPECT_EQ(model.prompt_template(), Model::load(o.out_path).prompt_template());
  expect_extracts(model);
  // Quantizing a quantized file again is refused by llama.cpp: an InputError with its reason.
  auto again = e;
  again.input_path = e.out_path;
  again.out_path = dir.file("q4.gguf");
  again.quantize = QuantType::kQ4_0;
  try {
    export_model(again);
    FAIL() << "requantized";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("cannot quantize to Q4_0: "), std::string::npos)
        << err.what();
  }
  EXPECT_FALSE(std::filesystem::exists(again.out_path));
  EXPECT_FALSE(std::filesystem::exists(again.out_path + ".export.tmp"));
}

TEST(Export, AKQuantOfADim256ModelExtracts) {
  TempDir dir;
  auto o = tiny("llama-spm", dir.file("f16.gguf"));
  o.dim = 256, o.ff = 512, o.layers = 1, o.type = FloatType::kF16;
  init_model(o);
  ExportOptions e;
  e.input_path = o.out_path;
  e.out_path = dir.file("q4km.gguf");
  e.quantize = QuantType::kQ4_K_M;
  const auto r = export_model(e);
  EXPECT_NE(r.description.find("Q4_K"), std::string::npos) << r.description;
  expect_extracts(Model::load(e.out_path, one_thread()));
}

TEST(Export, OuttypeRewritesKeepShapeTemplateAndValues) {
  TempDir dir;
  auto o = tiny("qwen2", dir.file("f32.gguf"));
  o.arch = ModelArch::kQwen2;
  init_model(o);
  ExportOptions e;
  e.input_path = o.out_path;
  e.out_path = dir.file("bf16.gguf");
  e.type = FloatType::kBF16;
  const auto r = export_model(e);
  EXPECT_NE(r.description.find("BF16"), std::string::npos) << r.description;
  const auto in = engine::ModelFile::open(o.out_path);
  const auto out = engine::ModelFile::open(e.out_path);
  EXPECT_EQ(out.shape().arch, "qwen2");
  EXPECT_TRUE(out.shape().qkv_bias);
  EXPECT_EQ(out.shape().dim, in.shape().dim);
  EXPECT_EQ(out.prompt_template(), in.prompt_template());
  std::vector<float> a(64 * 64), b(64 * 64);
  in.read_tensor("blk.0.attn_q.weight", a.data(), 64 * 64);
  out.read_tensor("blk.0.attn_q.weight", b.data(), 64 * 64);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], std::fabs(a[i]) / 128);
  expect_extracts(Model::load(e.out_path, one_thread()));
}

TEST(Export, RefusesItsInputAsOutputAndRewritesOfQuantizedWeights) {
  TempDir dir;
  auto o = tiny("llama-spm", dir.file("m.gguf"));
  init_model(o);
  const std::string before = testing::read_file(o.out_path);
  ExportOptions e;
  e.input_path = o.out_path;
  e.out_path = o.out_path;
  e.quantize = QuantType::kQ8_0;
  EXPECT_THROW(export_model(e), InputError);
  e.quantize.reset();
  EXPECT_THROW(export_model(e), InputError);
  EXPECT_EQ(testing::read_file(o.out_path), before);

  e.out_path = dir.file("q.gguf");
  e.quantize = QuantType::kQ8_0;
  export_model(e);
  ExportOptions rewrite;
  rewrite.input_path = e.out_path;
  rewrite.out_path = dir.file("f16.gguf");
  EXPECT_THROW(export_model(rewrite), InputError);
  EXPECT_FALSE(std::filesystem::exists(rewrite.out_path));

  ExportOptions missing_dir = e;
  missing_dir.out_path = dir.file("no/such/dir/x.gguf");
  try {
    export_model(missing_dir);
    FAIL();
  } catch (const InputError& err) {
    FAIL() << "an unwritable output is not bad input: " << err.what();
  } catch (const Error&) {
  }
}

}  // namespace
}  // namespace uniner

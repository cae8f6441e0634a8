// The libtorch student computes what llama.cpp computes on the same GGUF, and its loss reads only
// the trained positions.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support/engine_fixture.h"
#include "train/batch_loss.h"
#include "train/student.h"
#include "uniner/engine/model_init.h"
#include "uniner/engine/scoring.h"

namespace uniner::train {
namespace {

struct Case {
  const char* name;
  const char* vocab;
  ModelArch arch;
  int dim, heads, kv_heads;
  float rope_base;
  bool tied;
};

// fp32 logits of llama.cpp and of the student on the same tokens: max |a - b| / max |b| < 1e-3.
void expect_same_logits(const Case& c) {
  torch::set_num_threads(1);
  testing::TempDir dir;
  InitModelOptions o;
  o.vocab_path = std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-" + c.vocab + ".gguf";
  o.out_path = dir.file("m.gguf");
  o.arch = c.arch;
  o.dim = c.dim, o.layers = 2, o.heads = c.heads, o.kv_heads = c.kv_heads, o.ff = 96;
  o.rope_base = c.rope_base;
  o.tied_output = c.tied;
  o.init_std = 0.08f;  // logits of a visible spread
  o.seed = 11;
  init_model(o);

  ModelOptions mo;
  mo.threads = 1;
  const Model model = Model::load(o.out_path, mo);
  const auto tokens = model.vocab().tokenize(
      inference_prompt("Aspirin is made by Bayer in Leverkusen, Germany, since 1899.", "company",
                       model.prompt_template()),
      true, true);
  const auto expected = sequence_logits(model, tokens);

  const auto file = engine::ModelFile::open(o.out_path);
  Student student(file.shape());
  student.load(file);
  torch::NoGradGuard no_grad;
  std::vector<std::int64_t> ids(tokens.begin(), tokens.end());
  auto in = torch::tensor(ids, torch::kInt64).view({1, -1});
  auto got = student.logits(student.hidden(in)[0]).contiguous();
  ASSERT_EQ(static_cast<std::size_t>(got.numel()), expected.size()) << c.name;
  auto ref = torch::from_blob(const_cast<float*>(expected.data()), got.sizes(), torch::kFloat32);
  const double diff = (got - ref).abs().max().item<double>();
  const double scale = ref.abs().max().item<double>();
  EXPECT_LT(diff / scale, 1e-3) << c.name << ": max diff " << diff << " of " << scale;
  EXPECT_GT(scale, 0.1) << c.name;
}

TEST(TrainStudent, LogitsEqualLlamaCppOnTheLlamaVocabulary) {
  expect_same_logits({"llama full attention", "llama-spm", ModelArch::kLlama, 64, 4, 0, 10000.f, false});
}

TEST(TrainStudent, LogitsEqualLlamaCppWithGqaTiedOutputAndRopeBase500000) {
  expect_same_logits({"llama gqa tied", "llama-bpe", ModelArch::kLlama, 64, 8, 2, 500000.f, true});
}

TEST(TrainStudent, LogitsEqualLlamaCppForQwen2WithBiases) {
  expect_same_logits({"qwen2 biases", "qwen2", ModelArch::kQwen2, 64, 4, 2, 1000000.f, false});
}

// Labels at masked positions change no gradient; a label at a trained position does.
TEST(TrainStudent, MaskedLabelsNeverReachTheGradient) {
  torch::set_num_threads(1);
  torch::manual_seed(3);
  testing::TempDir dir;
  InitModelOptions o;
  o.vocab_path = testing::llama_vocab_path();
  o.out_path = dir.file("m.gguf");
  o.dim = 32, o.layers = 1, o.heads = 2, o.ff = 64, o.init_std = 0.05f;
  init_model(o);
  const auto file = engine::ModelFile::open(o.out_path);
  Student student(file.shape());
  student.load(file);

  Example e;
  for (int i = 0; i < 24; ++i) {
    e.tokens.push_back(100 + i * 37);
    e.trained.push_back(i >= 10 && i < 16 ? 1 : 0);
  }
  const auto grads = [&](const Batch& b) {
    for (const auto& p : student.trainable()) p.mutable_grad() = torch::Tensor();
    loss_sum(student, b).backward();
    std::vector<torch::Tensor> g;
    for (const auto& p : student.trainable()) g.push_back(p.grad().clone());
    return g;
  };
  const auto same = [](const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!torch::equal(a[i], b[i])) return false;
    return true;
  };
  const Batch base = make_batch({e});
  const auto g0 = grads(base);

  Batch masked = base;
  masked.labels = base.labels.clone();
  for (int i = 0; i < 24; ++i)
    if (!e.trained[static_cast<std::size_t>(i)]) masked.labels[0][i] = 5000 + i;
  EXPECT_TRUE(same(g0, grads(masked)));

  Batch trained = base;
  trained.labels = base.labels.clone();
  trained.labels[0][12] = 5000;
  EXPECT_FALSE(same(g0, grads(trained)));
}

// A batch of right-padded sequences computes, at every real position, what each sequence alone
// computes: padding never leaks into real positions.
TEST(TrainStudent, PaddedBatchEqualsEachSequenceAlone) {
  torch::set_num_threads(1);
  testing::TempDir dir;
  InitModelOptions o;
  o.vocab_path = testing::llama_vocab_path();
  o.out_path = dir.file("m.gguf");
  o.dim = 32, o.layers = 2, o.heads = 4, o.kv_heads = 2, o.ff = 64, o.init_std = 0.1f;
  init_model(o);
  const auto file = engine::ModelFile::open(o.out_path);
  Student student(file.shape());
  student.load(file);
  torch::NoGradGuard no_grad;
  Example a, b;
  for (int i = 0; i < 17; ++i) a.tokens.push_back(200 + 13 * i), a.trained.push_back(1);
  for (int i = 0; i < 9; ++i) b.tokens.push_back(900 + 7 * i), b.trained.push_back(1);
  const Batch both = make_batch({a, b});
  const auto h = student.hidden(both.tokens);
  const auto ha = student.hidden(make_batch({a}).tokens);
  const auto hb = student.hidden(make_batch({b}).tokens);
  EXPECT_TRUE(torch::allclose(h[0], ha[0], 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(h[1].narrow(0, 0, 9), hb[0], 1e-5, 1e-5));
}

}  // namespace
}  // namespace uniner::train

// engine/model_file.h: write -> open -> read round trips (f32 exact, f16/bf16 within rounding),
// shapes, hyper-parameters and template; the llama, tied and qwen2 layouts; bad files refused.
#include "engine/model_file.h"

#include <gguf.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "support/model_io.h"
#include "support/test_support.h"
#include "uniner/engine/export.h"
#include "uniner/engine/model.h"
#include "uniner/engine/model_init.h"
#include "uniner/engine/vocab.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using engine::ModelFile;
using engine::ModelShape;
using engine::ModelWriteOptions;
using engine::WeightType;
using testing::RandomWeights;
using testing::TempDir;

std::int64_t vocab_size(const std::string& name) {
  return static_cast<std::int64_t>(Vocab::load(testing::vocab_file(name)).size());
}

ModelShape small_shape(const std::string& arch, bool tied, std::int64_t vocab) {
  ModelShape s;
  s.arch = arch;
  s.vocab_size = vocab;
  s.dim = 64, s.layers = 2, s.heads = 4, s.kv_heads = 2, s.ff = 96, s.context = 512;
  s.norm_eps = 1e-5f, s.rope_base = 500000.0f;
  s.tied_output = tied;
  s.qkv_bias = arch == "qwen2";
  return s;
}

ModelWriteOptions write_options(const std::string& vocab, const ModelShape& shape,
                                WeightType type) {
  ModelWriteOptions o;
  o.tokenizer_from = testing::vocab_file(vocab);
  o.shape = shape;
  o.type = type;
  o.prompt.system = "A careful model reads the text and answers.";
  o.prompt.separator = Vocab::load(o.tokenizer_from).piece(Vocab::load(o.tokenizer_from).eos());
  return o;
}

void expect_same_shape(const ModelShape& a, const ModelShape& b) {
  EXPECT_EQ(a.arch, b.arch);
  EXPECT_EQ(a.vocab_size, b.vocab_size);
  EXPECT_EQ(a.dim, b.dim);
  EXPECT_EQ(a.layers, b.layers);
  EXPECT_EQ(a.heads, b.heads);
  EXPECT_EQ(a.kv_heads, b.kv_heads);
  EXPECT_EQ(a.ff, b.ff);
  EXPECT_EQ(a.context, b.context);
  EXPECT_FLOAT_EQ(a.norm_eps, b.norm_eps);
  EXPECT_FLOAT_EQ(a.rope_base, b.rope_base);
  EXPECT_EQ(a.tied_output, b.tied_output);
  EXPECT_EQ(a.qkv_bias, b.qkv_bias);
}

// Writes, reopens and compares every tensor; `rel` is the allowed relative rounding of matrices.
void round_trip(const std::string& vocab, const std::string& arch, bool tied, WeightType type,
                float rel) {
  SCOPED_TRACE(vocab + " " + arch + (tied ? " tied" : "") + " type " +
               std::to_string(static_cast<int>(type)));
  TempDir dir;
  const auto shape = small_shape(arch, tied, vocab_size(vocab));
  const RandomWeights w(shape, 3);
  const auto o = write_options(vocab, shape, type);
  const std::string path = dir.file("m.gguf");
  engine::write_model_file(path, o, w.tensors);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  const auto file = ModelFile::open(path);
  expect_same_shape(file.shape(), shape);
  EXPECT_EQ(file.prompt_template(), o.prompt);
  EXPECT_TRUE(file.has_template_metadata());
  const auto specs = engine::model_tensors(shape);
  ASSERT_EQ(specs.size(), w.tensors.size());
  EXPECT_EQ(std::count_if(specs.begin(), specs.end(),
                          [](auto& s) { return s.name == "output.weight"; }),
            tied ? 0 : 1);
  EXPECT_EQ(std::count_if(specs.begin(), specs.end(),
                          [](auto& s) { return s.name.ends_with(".bias"); }),
            arch == "qwen2" ? 3 * shape.layers : 0);
  std::vector<float> got;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    got.assign(static_cast<std::size_t>(specs[i].numel()), -1.0f);
    file.read_tensor(specs[i].name, got.data(), specs[i].numel());
    const bool vector = specs[i].shape.size() == 1;  // norms and biases: always f32
    for (std::size_t j = 0; j < got.size(); ++j) {
      const float want = w.values[i][j];
      if (vector || rel == 0) {
        ASSERT_EQ(got[j], want) << specs[i].name << "[" << j << "]";
      } else {
        ASSERT_NEAR(got[j], want, rel * std::fabs(want) + 1e-7f) << specs[i].name << "[" << j << "]";
      }
    }
  }
  // llama.cpp loads it, with the template written.
  ModelOptions mo;
  mo.threads = 1;
  const auto model = Model::load(path, mo);
  EXPECT_EQ(model.prompt_template(), o.prompt);
}

TEST(ModelFile, RoundTripsEveryLayoutAndType) {
  round_trip("llama-spm", "llama", false, WeightType::kF32, 0.0f);
  round_trip("llama-spm", "llama", true, WeightType::kF16, 1.0f / 1024);
  round_trip("llama-spm", "qwen2", false, WeightType::kBF16, 1.0f / 128);
  round_trip("qwen2", "qwen2", true, WeightType::kF32, 0.0f);
}

TEST(ModelFile, TensorNamesFollowLlamaCpp) {
  auto shape = small_shape("qwen2", false, 100);
  shape.layers = 1;
  std::vector<std::string> names;
  for (const auto& t : engine::model_tensors(shape)) names.push_back(t.name);
  const std::vector<std::string> want = {
      "token_embd.weight",     "blk.0.attn_norm.weight", "blk.0.attn_q.weight",
      "blk.0.attn_q.bias",     "blk.0.attn_k.weight",    "blk.0.attn_k.bias",
      "blk.0.attn_v.weight",   "blk.0.attn_v.bias",      "blk.0.attn_output.weight",
      "blk.0.ffn_norm.weight", "blk.0.ffn_gate.weight",  "blk.0.ffn_down.weight",
      "blk.0.ffn_up.weight",   "output_norm.weight",     "output.weight"};
  EXPECT_EQ(names, want);
  const auto specs = engine::model_tensors(shape);
  EXPECT_EQ(specs[4].shape, (std::vector<std::int64_t>{32, 64}));  // k: {kv_heads * head_dim, dim}
  EXPECT_EQ(specs[11].shape, (std::vector<std::int64_t>{64, 96}));  // ffn_down: {dim, ff}
}

// A copy of a model file without the uniner.* keys (as the released UniNER models are).
std::string without_template_keys(const std::string& in, const std::string& out) {
  ggml_context* data = nullptr;
  gguf_init_params p{/*no_alloc=*/false, &data};
  gguf_context* g = gguf_init_from_file(in.c_str(), p);
  gguf_context* copy = gguf_init_empty();
  gguf_set_kv(copy, g);
  for (const char* key : {kTemplateNameKey, kTemplateSystemKey, kTemplateSeparatorKey}) {
    gguf_remove_key(copy, key);
  }
  for (int64_t i = 0; i < gguf_get_n_tensors(g); ++i) {
    gguf_add_tensor(copy, ggml_get_tensor(data, gguf_get_tensor_name(g, i)));
  }
  EXPECT_TRUE(gguf_write_to_file(copy, out.c_str(), false));
  gguf_free(copy);
  gguf_free(g);
  ggml_free(data);
  return out;
}

TEST(ModelFile, WithoutTemplateKeysTheOriginalsWithTheVocabularysEos) {
  TempDir dir;
  for (const std::string vocab : {"llama-spm", "qwen2"}) {
    const auto shape = small_shape("llama", false, vocab_size(vocab));
    const RandomWeights w(shape, 1);
    engine::write_model_file(dir.file("a.gguf"), write_options(vocab, shape, WeightType::kF16),
                             w.tensors);
    const auto file =
        ModelFile::open(without_template_keys(dir.file("a.gguf"), dir.file("b.gguf")));
    EXPECT_FALSE(file.has_template_metadata());
    PromptTemplate want;
    want.separator = vocab == "qwen2" ? "<|endoftext|>" : "</s>";
    EXPECT_EQ(file.prompt_template(), want) << vocab;
  }
}

TEST(ModelFile, AQuantizedFileIsRefusedWithAdvice) {
  TempDir dir;
  InitModelOptions o;
  o.vocab_path = testing::vocab_file("llama-spm");
  o.out_path = dir.file("f32.gguf");
  o.dim = 64, o.ff = 128;
  init_model(o);
  ExportOptions e;
  e.input_path = o.out_path;
  e.out_path = dir.file("q8.gguf");
  e.quantize = QuantType::kQ8_0;
  export_model(e);
  try {
    ModelFile::open(e.out_path);
    FAIL() << "a quantized file was opened";
  } catch (const InputError& err) {
    const std::string m = err.what();
    EXPECT_NE(m.find("quantized"), std::string::npos) << m;
    EXPECT_NE(m.find("Q8_0"), std::string::npos) << m;
    EXPECT_NE(m.find("F16, BF16 or F32 file"), std::string::npos) << m;
    EXPECT_EQ(m.find("--"), std::string::npos) << "no CLI flag in a library message: " << m;
  }
}

TEST(ModelFile, GarbageTruncatedAndMissingFilesAreInputErrors) {
  TempDir dir;
  const auto shape = small_shape("llama", false, vocab_size("llama-spm"));
  const RandomWeights w(shape, 2);
  const std::string good = dir.file("good.gguf");
  engine::write_model_file(good, write_options("llama-spm", shape, WeightType::kF32), w.tensors);
  const std::string bytes = testing::read_file(good);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"garbage", "this is not a model at all"},
      {"empty", ""},
      {"header only", bytes.substr(0, 64)},
      {"half", bytes.substr(0, bytes.size() / 2)},
      {"one byte short", bytes.substr(0, bytes.size() - 1 - 32)},
  };
  for (const auto& [what, content] : bad) {
    const std::string path = dir.write(what + ".gguf", content);
    EXPECT_THROW(ModelFile::open(path), InputError) << what;
  }
  EXPECT_THROW(ModelFile::open(dir.file("missing.gguf")), InputError);
  EXPECT_THROW(ModelFile::open(testing::vocab_file("llama-spm")), InputError) << "no weights";

  const auto file = ModelFile::open(good);
  std::vector<float> buf(10);
  EXPECT_THROW(file.read_tensor("no.such.tensor", buf.data(), 10), InputError);
  EXPECT_THROW(file.read_tensor("output_norm.weight", buf.data(), 10), InputError);
}

TEST(ModelFile, WriteFailuresAreErrorsAndLeaveNoFile) {
  TempDir dir;
  const auto shape = small_shape("llama", false, vocab_size("llama-spm"));
  const RandomWeights w(shape, 4);
  const auto o = write_options("llama-spm", shape, WeightType::kF16);
  try {
    engine::write_model_file("/dev/full", o, w.tensors);
    FAIL() << "wrote to a full disk";
  } catch (const InputError& e) {
    FAIL() << "a full disk is not bad input: " << e.what();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/full: write failed: No space left on device"),
              std::string::npos)
        << e.what();
  }
  const std::string missing = dir.file("no/such/dir/m.gguf");
  EXPECT_THROW(engine::write_model_file(missing, o, w.tensors), Error);
  EXPECT_FALSE(std::filesystem::exists(missing + ".tmp"));
}

TEST(ModelFile, BadTensorsAndShapesAreRefused) {
  TempDir dir;
  const auto shape = small_shape("llama", false, vocab_size("llama-spm"));
  RandomWeights w(shape, 5);
  const auto o = write_options("llama-spm", shape, WeightType::kF32);
  const std::string path = dir.file("m.gguf");
  auto missing = w.tensors;
  missing.pop_back();
  EXPECT_THROW(engine::write_model_file(path, o, missing), InputError);
  auto wrong = w.tensors;
  wrong[1].shape = {63};
  EXPECT_THROW(engine::write_model_file(path, o, wrong), InputError);
  auto other_vocab = o;
  other_vocab.tokenizer_from = testing::vocab_file("qwen2");  // 151k tokens, not 32000
  EXPECT_THROW(engine::write_model_file(path, other_vocab, w.tensors), InputError);
  auto gpt2 = o;
  gpt2.shape.arch = "gpt2";
  EXPECT_THROW(engine::write_model_file(path, gpt2, w.tensors), InputError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ModelFile, ASeparatorThatIsNotOneEndOfGenerationTokenIsRefusedAtLoad) {
  TempDir dir;
  const auto shape = small_shape("llama", false, vocab_size("llama-spm"));
  const RandomWeights w(shape, 6);
  auto o = write_options("llama-spm", shape, WeightType::kF32);
  for (const std::string sep : {"END", "</s></s>", "<s>"}) {
    o.prompt.separator = sep;
    const std::string path = dir.file("bad.gguf");
    engine::write_model_file(path, o, w.tensors);
    EXPECT_EQ(ModelFile::open(path).prompt_template().separator, sep);
    try {
      Model::load(path);
      FAIL() << "separator '" << sep << "' accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("turn separator '" + sep + "'"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace uniner

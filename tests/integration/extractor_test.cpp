// The extractor on a real (random-weight) model: shared == naive, offsets, windows, bad inputs.
#include "uniner/engine/extractor.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/engine_fixture.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

using testing::run_all;
using testing::TinyModelTest;

std::string long_passage() {
  std::string s;
  for (int i = 0; i < 60; ++i) {
    s += "Sentence number " + std::to_string(i) +
         " mentions Zürich, Kraków and the ACME Corporation. ";
  }
  return s;
}

std::vector<PassageInput> mixed_passages() {
  const std::vector<std::string> types = {"location", "person", "organization",
                                          "programming language", "\"quoted\" type"};
  std::vector<PassageInput> in = {
      {"a", "Paris is lovely in the spring.", types},
      {"b", "Émile Zola visited Zürich, São Paulo and Kraków in 1890.", types},
      {"c", "東京とニューヨークは大都市です。", types},
      {"d", "He said \"hello\" and 'goodbye'.\nThen he wrote Python and C++ code.", types},
      {"e", long_passage(), {"location", "organization"}},
      {"f", "Emoji 🦙 and math ∑ x² and ½.", {"symbol"}},
      {"g", "The GPT-4 model was trained by OpenAI using PyTorch on NVIDIA A100 GPUs.", types},
      {"h", "Aspirin (acetylsalicylic acid) reduces fever; Bayer sold it from 1899.", types},
      {"i", "Tabs\tand  double  spaces, then a URL: https://example.org/a?b=c&d=e.", types},
      {"j", "In 2019, the Supreme Court ruled in Smith v. Jones (No. 18-1234).", types},
  };
  // The assertions below hold on these passages alone; with the shared benchmark files present,
  // a few real CrossNER passages are added on top.
  if (testing::have_shared_benchmark()) {
    const auto recs =
        read_benchmark(testing::shared_data("universal-ner-benchmark/CrossNER_AI.json"));
    for (std::size_t i = 0; i < recs.size() && in.size() < 16; i += 500) {
      in.push_back({"ai" + std::to_string(i), recs[i].text, types});
    }
  }
  return in;
}

TEST_F(TinyModelTest, SharedAndNaiveGiveIdenticalRawAnswers) {
  const auto inputs = mixed_passages();
  ExtractOptions o;
  o.max_new_tokens = 12;
  o.max_passage_tokens = 256;  // the long passage is split into windows
  o.mode = DecodeMode::kShared;
  const auto shared = run_all(model(), inputs, o);
  o.mode = DecodeMode::kNaive;
  const auto naive = run_all(model(), inputs, o);
  ASSERT_EQ(shared.size(), inputs.size());
  ASSERT_EQ(naive.size(), inputs.size());
  std::size_t pairs = 0;
  bool saw_windows = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(shared[i].id, inputs[i].id) << "results come in input order";
    EXPECT_TRUE(shared[i].error.empty()) << shared[i].error;
    saw_windows = saw_windows || shared[i].windows > 1;
    ASSERT_EQ(shared[i].raw.size(), naive[i].raw.size());
    for (std::size_t t = 0; t < shared[i].raw.size(); ++t) {
      EXPECT_EQ(shared[i].raw[t], naive[i].raw[t])
          << inputs[i].id << " / " << shared[i].raw[t].first;
      pairs += shared[i].raw[t].second.size();
    }
  }
  EXPECT_TRUE(saw_windows);
  EXPECT_GE(pairs, 50u);
}

TEST_F(TinyModelTest, SmallContextAndFewSequencesStillAnswerEverything) {
  // A context that holds only a few sequences at a time forces the scheduler to wait for space.
  ModelOptions mo;
  mo.threads = 1, mo.context_size = 512, mo.parallel = 3, mo.batch_size = 64;
  const Model small = Model::load(model_path(), mo);
  const auto inputs = mixed_passages();
  ExtractOptions o;
  o.max_new_tokens = 6;
  o.max_passage_tokens = 200;
  const auto constrained = run_all(small, inputs, o);
  o.mode = DecodeMode::kNaive;  // the same context settings: the same kernels and rounding
  const auto reference = run_all(small, inputs, o);
  ASSERT_EQ(constrained.size(), reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i) {
    EXPECT_TRUE(constrained[i].error.empty()) << constrained[i].error;
    EXPECT_EQ(constrained[i].raw, reference[i].raw);
  }
}

TEST_F(TinyModelTest, BadPassagesAreReportedNotFatal) {
  std::vector<PassageInput> inputs = {
      {"empty", "   ", {"location"}},        {"notypes", "Paris.", {}},
      {"newline", "Paris.", {"loca\ntion"}}, {"emptytype", "Paris.", {""}},
      {"utf8", "Par\xFFis", {"location"}},   {"ok", "Paris.", {"location"}},
  };
  ExtractOptions o;
  o.max_new_tokens = 4;
  const auto out = run_all(model(), inputs, o);
  ASSERT_EQ(out.size(), inputs.size());
  EXPECT_EQ(out[0].error, "empty text");
  EXPECT_EQ(out[1].error, "no entity types");
  EXPECT_NE(out[2].error.find("newline"), std::string::npos);
  EXPECT_NE(out[3].error.find("empty"), std::string::npos);
  EXPECT_NE(out[4].error.find("invalid UTF-8 at byte 3"), std::string::npos);
  EXPECT_TRUE(out[5].error.empty());
  EXPECT_EQ(out[5].raw.size(), 1u);
}

TEST_F(TinyModelTest, MegabytePassageIsWindowedAndBounded) {
  std::string text;
  while (text.size() < (1u << 20)) text += "Marie Curie worked in Paris and Warsaw. ";
  ExtractOptions o;
  o.max_new_tokens = 2;
  Extractor extractor(model(), o);
  const auto r = extractor.extract({"big", text, {"person"}});
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_GT(r.windows, 500u);
  ASSERT_EQ(r.raw.size(), 1u);
  EXPECT_EQ(r.raw[0].second.size(), r.windows);
  for (const auto& e : r.entities) {
    if (e.found) {
      EXPECT_EQ(text.substr(e.span.byte_start, e.span.byte_end - e.span.byte_start), e.text);
    }
  }
}

TEST_F(TinyModelTest, ModelErrorsAreClear) {
  testing::TempDir dir;
  const auto load_error = [](const std::string& path) -> std::string {
    try {
      Model::load(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(loaded)";
  };
  EXPECT_NE(load_error(dir.file("absent.gguf")).find("model file not found"), std::string::npos);
  EXPECT_NE(load_error(dir.write("text.gguf", "hello, not a model")).find("not a GGUF file"),
            std::string::npos);
  std::string corrupt = testing::read_file(model_path()).substr(0, 4096);
  EXPECT_NE(load_error(dir.write("corrupt.gguf", corrupt)).find("could not load"),
            std::string::npos);

}

// A vocabulary without "</s>" (GPT-2's) is served: its own end-of-sequence token separates turns.
TEST_F(TinyModelTest, AnyVocabularyWithAnEndOfSequenceToken) {
  testing::TempDir dir;
  InitModelOptions io;
  io.vocab_path = std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-gpt-2.gguf";
  io.out_path = dir.file("gpt2.gguf");
  io.dim = 32, io.layers = 1, io.heads = 2, io.ff = 64;
  init_model(io);
  const Model model = Model::load(io.out_path);
  EXPECT_EQ(model.prompt_template().separator, "<|endoftext|>");
  EXPECT_EQ(model.prompt_template().system, PromptTemplate{}.system);
  Extractor extractor(model, {});
  const auto result = extractor.extract({"d", "Paris is lovely.", {"city"}});
  EXPECT_TRUE(result.error.empty()) << result.error;
  ASSERT_EQ(result.raw.size(), 1u);
}

TEST_F(TinyModelTest, AnswersBecomeEntitiesWithOffsets) {
  // Answers are parsed and located by the same code whatever the model says; check the plumbing
  // on what this random model says: every found entity's offsets select its text.
  const auto inputs = mixed_passages();
  ExtractOptions o;
  o.max_new_tokens = 12;
  for (const auto& r : run_all(model(), inputs, o)) {
    const std::u32string u = utf8_to_u32(r.text);
    for (const auto& e : r.entities) {
      if (!e.found) continue;
      EXPECT_EQ(u32_to_utf8(u.substr(e.span.start, e.span.end - e.span.start)), e.text);
    }
  }
}

}  // namespace
}  // namespace uniner

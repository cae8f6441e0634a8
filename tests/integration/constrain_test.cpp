// --constrain passage on a real (random-weight) model and the real LLaMA vocabulary: every answer
// is a JSON list of passage text, windows included; shared and naive decoding agree.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/engine_fixture.h"
#include "uniner/engine/extractor.h"

namespace uniner {
namespace {

using testing::run_all;
using testing::TinyModelTest;

std::vector<PassageInput> passages() {
  const std::vector<std::string> types = {
      "location", "person", "organization", "date", "programming language", "\"quoted\" type"};
  std::string long_text;
  for (int i = 0; i < 40; ++i) {
    long_text += "Sentence " + std::to_string(i) + " mentions Zürich, Kraków and ACME Corp. ";
  }
  return {
      {"zola", "Émile Zola lived in Paris.", types},
      {"cjk", "東京とニューヨークは大都市です。", types},
      {"quotes", "He said \"hello\" to C:\\temp\nthen\twent home.", types},
      {"emoji", "Emoji 🦙 and math ∑ x² and ½.", {"symbol", "animal"}},
      {"gpt", "The GPT-4 model was trained by OpenAI using PyTorch on NVIDIA A100 GPUs.", types},
      {"court", "In 2019, the Supreme Court ruled in Smith v. Jones (No. 18-1234).", types},
      {"short", "Paris.", types},
      {"long", long_text, {"location", "organization"}},
  };
}

TEST_F(TinyModelTest, ConstrainedAnswersAreListsOfPassageText) {
  const auto inputs = passages();
  ExtractOptions o;
  o.constrain = AnswerConstraint::kPassage;
  o.max_new_tokens = 24;
  o.max_passage_tokens = 200;  // the long passage is split into windows
  std::size_t answers = 0, items = 0;
  bool saw_windows = false;
  for (const auto& r : run_all(model(), inputs, o)) {
    ASSERT_TRUE(r.error.empty()) << r.error;
    saw_windows = saw_windows || r.windows > 1;
    for (const auto& [type, raw] : r.raw) {
      for (const auto& answer : raw) {
        ++answers;
        const auto j = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
        ASSERT_TRUE(j.is_array()) << r.id << " / " << type << ": " << answer;
        for (const auto& item : j) {
          ASSERT_TRUE(item.is_string()) << answer;
          EXPECT_NE(r.text.find(item.get<std::string>()), std::string::npos)
              << r.id << " / " << type << ": " << answer;
          ++items;
        }
      }
    }
    for (const auto& e : r.entities) EXPECT_TRUE(e.found) << r.id << ": " << e.text;
  }
  EXPECT_TRUE(saw_windows);
  EXPECT_GE(answers, 50u);
  EXPECT_GE(items, 20u) << "the random model names things, not only []";
}

TEST_F(TinyModelTest, ConstrainedSharedAndNaiveAgree) {
  const auto inputs = passages();
  ExtractOptions o;
  o.constrain = AnswerConstraint::kPassage;
  o.max_new_tokens = 12;
  o.max_passage_tokens = 200;
  const auto shared = run_all(model(), inputs, o);
  o.mode = DecodeMode::kNaive;
  const auto naive = run_all(model(), inputs, o);
  ASSERT_EQ(shared.size(), naive.size());
  for (std::size_t i = 0; i < shared.size(); ++i) {
    EXPECT_EQ(shared[i].raw, naive[i].raw) << inputs[i].id;
  }
}

TEST_F(TinyModelTest, ConstraintIsOffByDefaultAndOnWhenAsked) {
  // Without the constraint the random model answers things that are not lists of passage text
  // (the default leaves them as they are); with it, those answers change.
  const auto inputs = passages();
  ExtractOptions o;
  o.max_new_tokens = 12;
  o.max_passage_tokens = 200;
  const auto unconstrained = run_all(model(), inputs, o);
  o.constrain = AnswerConstraint::kPassage;
  const auto constrained = run_all(model(), inputs, o);
  EXPECT_EQ(ExtractOptions{}.constrain, AnswerConstraint::kNone);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < unconstrained.size(); ++i) {
    for (std::size_t t = 0; t < unconstrained[i].raw.size(); ++t) {
      for (std::size_t w = 0; w < unconstrained[i].raw[t].second.size(); ++w) {
        const auto& a = unconstrained[i].raw[t].second[w];
        changed += a != constrained[i].raw[t].second[w];
      }
    }
  }
  EXPECT_GT(changed, 0u);
}

}  // namespace
}  // namespace uniner

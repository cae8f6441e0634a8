// Training examples on the real vocabularies: the original's segments, the aligned mode that
// equals the rendered conversation, masks, pair shuffling and truncation.
#include <gtest/gtest.h>

#include <set>

#include "support/engine_fixture.h"
#include "train/examples.h"
#include "train/plan.h"
#include "uniner/error.h"

namespace uniner::train {
namespace {

ConversationRecord conversation(const std::string& text,
                                const std::vector<std::pair<std::string, std::string>>& qa) {
  ConversationRecord r;
  r.id = "c1";
  r.conversations = {{"human", "Text: " + text}, {"gpt", std::string(kReadReply)}};
  for (const auto& [type, answer] : qa) {
    r.conversations.push_back({"human", type_question(type)});
    r.conversations.push_back({"gpt", answer});
  }
  return r;
}

const Vocab& llama() {
  static const Vocab v = Vocab::load(testing::llama_vocab_path());
  return v;
}

std::vector<TypeAnswer> turns_of(const ConversationRecord& r) {
  std::vector<TypeAnswer> t;
  for (std::size_t i = 2; i + 1 < r.conversations.size(); i += 2) {
    std::string type;
    parse_type_question(r.conversations[i].value, type);
    t.push_back({type, r.conversations[i + 1].value});
  }
  return t;
}

const ConversationRecord kSample = conversation(
    "Aspirin is made by Bayer in Leverkusen.",
    {{"drug", R"(["Aspirin"])"}, {"company", R"(["Bayer"])"}, {"city", R"(["Leverkusen"])"},
     {"person", "[]"}});

// What inference feeds is what training sees: the aligned example's tokens are the rendered
// conversation's, on the LLaMA SentencePiece vocabulary and on a BPE one.
TEST(TrainExamples, AlignedTokensEqualTheRenderedConversation) {
  for (const char* name : {"llama-spm", "llama-bpe", "qwen2"}) {
    const Vocab vocab = Vocab::load(std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-" +
                                    name + ".gguf");
    const PromptTemplate prompt = vocab.prompt_template();
    const auto c = tokenize_conversation(kSample, vocab, prompt, ExampleTokenization::kAligned);
    const auto e = assemble_in_order(c, 0);
    EXPECT_EQ(e.tokens, vocab.tokenize(training_conversation(kSample.conversations[0].value.substr(6),
                                                             turns_of(kSample), prompt),
                                       true, true))
        << name;
  }
}

// The original's segments differ from the rendered conversation in exactly one place per
// assistant turn: "ASSISTANT: " tokenized alone ends in a lone space token that inference
// (whose prompt ends at "ASSISTANT:") never feeds.
TEST(TrainExamples, OriginalSegmentsAddOneSpaceTokenPerAssistantTurn) {
  const PromptTemplate prompt;
  const auto orig = assemble_in_order(
      tokenize_conversation(kSample, llama(), prompt, ExampleTokenization::kOriginal), 0);
  const auto aligned = assemble_in_order(
      tokenize_conversation(kSample, llama(), prompt, ExampleTokenization::kAligned), 0);
  const TokenId space = llama().tokenize("ASSISTANT: ", false, false).back();  // "▁"
  EXPECT_EQ(space, 29871);
  const auto colon = llama().tokenize("ASSISTANT:", false, false);
  std::vector<TokenId> expected;
  std::vector<std::uint8_t> expected_trained;
  for (std::size_t i = 0; i < aligned.tokens.size(); ++i) {
    expected.push_back(aligned.tokens[i]);
    expected_trained.push_back(aligned.trained[i]);
    const bool after_assistant =
        i + 1 >= colon.size() &&
        std::equal(colon.begin(), colon.end(), aligned.tokens.begin() + (i + 1 - colon.size()));
    if (after_assistant) {
      expected.push_back(space);
      expected_trained.push_back(0);
    }
  }
  EXPECT_EQ(orig.tokens, expected);
  EXPECT_EQ(orig.trained, expected_trained);
  EXPECT_EQ(orig.tokens.front(), llama().bos());  // BOS once
  EXPECT_EQ(std::count(orig.tokens.begin(), orig.tokens.end(), llama().bos()), 1);
}

// Trained: each answer and its separator, including "I've read this text.". Masked: the rest.
TEST(TrainExamples, OnlyAnswersAndTheirSeparatorAreTrained) {
  for (auto mode : {ExampleTokenization::kOriginal, ExampleTokenization::kAligned}) {
    const auto e = assemble_in_order(tokenize_conversation(kSample, llama(), {}, mode), 0);
    std::string trained;
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
      trained += e.trained[i] ? llama().piece(e.tokens[i]) : std::string("|");
    }
    std::string runs;
    for (std::size_t i = 0; i < trained.size(); ++i) {
      if (trained[i] != '|' || (i > 0 && trained[i - 1] != '|')) runs += trained[i];
    }
    EXPECT_EQ(runs, R"( I've read this text.</s>| ["Aspirin"]</s>| ["Bayer"]</s>| ["Leverkusen"]</s>| []</s>)")
        << static_cast<int>(mode);
    EXPECT_EQ(render_example(e, llama()).find("[[ I've read this text.</s>]]") != std::string::npos,
              true);
  }
}

TEST(TrainExamples, PairsAreShuffledPerEpochAndTheFirstTurnStays) {
  const auto c = tokenize_conversation(kSample, llama(), {}, ExampleTokenization::kOriginal);
  const auto in_order = assemble_in_order(c, 0);
  std::set<std::vector<TokenId>> seen;
  for (int epoch = 0; epoch < 12; ++epoch) {
    const auto e = assemble_example(c, 42, epoch, 3, 0);
    EXPECT_EQ(e.tokens.size(), in_order.tokens.size());
    const auto opening = c.opening[0].tokens.size() + c.opening[1].tokens.size() +
                         c.opening[2].tokens.size();
    EXPECT_TRUE(std::equal(e.tokens.begin(), e.tokens.begin() + opening, in_order.tokens.begin()));
    EXPECT_EQ(e.tokens, assemble_example(c, 42, epoch, 3, 0).tokens);  // deterministic
    seen.insert(e.tokens);
  }
  EXPECT_GT(seen.size(), 3u);  // 4 pairs: 24 orders
}

TEST(TrainExamples, TruncatedAtMaxLength) {
  const auto c = tokenize_conversation(kSample, llama(), {}, ExampleTokenization::kOriginal);
  const auto e = assemble_example(c, 1, 0, 0, 20);
  EXPECT_EQ(e.tokens.size(), 20u);
  EXPECT_EQ(e.trained.size(), 20u);
}

TEST(TrainExamples, BadConversationsAreNamed) {
  const auto reason = [](ConversationRecord r) -> std::string {
    try {
      check_conversation(r);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(reason(kSample), "");
  auto no_answer = conversation("x", {});
  EXPECT_NE(reason(no_answer).find("no question/answer"), std::string::npos);
  auto odd = kSample;
  odd.conversations.pop_back();
  EXPECT_NE(reason(odd).find("no answer turn"), std::string::npos);
  auto not_question = kSample;
  not_question.conversations[2].value = "Tell me the drugs.";
  EXPECT_NE(reason(not_question).find("not a type question"), std::string::npos);
  auto no_text = kSample;
  no_text.conversations[0].value = "Aspirin.";
  EXPECT_NE(reason(no_text).find("passage"), std::string::npos);
}

TEST(TrainPlan, BatchesCoverEveryExampleOnceAndWasteLittlePadding) {
  std::vector<std::size_t> lengths;
  for (std::size_t i = 0; i < 1000; ++i) lengths.push_back(50 + (i * 7919) % 400);
  const auto plan = epoch_batches(lengths, 8, 42, 0);
  std::vector<int> count(lengths.size());
  for (const auto& b : plan)
    for (auto i : b) ++count[i];
  EXPECT_TRUE(std::all_of(count.begin(), count.end(), [](int c) { return c == 1; }));
  EXPECT_LT(padding_fraction(plan, lengths), 0.05);
  EXPECT_EQ(plan, epoch_batches(lengths, 8, 42, 0));
  EXPECT_NE(plan, epoch_batches(lengths, 8, 42, 1));
}

TEST(TrainPlan, WarmupThenCosine) {
  EXPECT_DOUBLE_EQ(learning_rate(1.0, 0, 4, 100), 0.0);
  EXPECT_DOUBLE_EQ(learning_rate(1.0, 2, 4, 100), 0.5);
  EXPECT_DOUBLE_EQ(learning_rate(1.0, 4, 4, 100), 1.0);
  EXPECT_NEAR(learning_rate(1.0, 52, 4, 100), 0.5, 1e-12);
  EXPECT_NEAR(learning_rate(1.0, 100, 4, 100), 0.0, 1e-12);
}

}  // namespace
}  // namespace uniner::train

// Tokenization as the original, on the real LLaMA SentencePiece vocabulary (UniNER-7B's).
#include <gtest/gtest.h>

#include <sstream>

#include "engine/prompt_tokens.h"
#include "support/engine_fixture.h"
#include "support/test_support.h"
#include "uniner/engine/vocab.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

class Tokenization : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vocab_ = std::make_unique<Vocab>(Vocab::load(testing::llama_vocab_path()));
  }
  static void TearDownTestSuite() { vocab_.reset(); }
  static const Vocab& vocab() { return *vocab_; }
  static inline std::unique_ptr<Vocab> vocab_;
};

// llama.cpp ships the Hugging Face tokenizer's outputs for these inputs: matching them means
// matching the tokenizer the original used.
TEST_F(Tokenization, MatchesTheReferenceVectorsOfTheVocabulary) {
  const std::string inp = testing::read_file(testing::llama_vocab_path() + ".inp");
  const std::string out = testing::read_file(testing::llama_vocab_path() + ".out");
  ASSERT_FALSE(inp.empty());
  std::vector<std::string> inputs;
  const std::string sep = "\n__ggml_vocab_test__\n";
  for (std::size_t start = 0;;) {
    const std::size_t at = inp.find(sep, start);
    if (at == std::string::npos) break;
    inputs.push_back(inp.substr(start, at - start));
    start = at + sep.size();
  }
  std::istringstream lines(out);
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line) && i < inputs.size()) {
    std::istringstream ids(line);
    std::vector<TokenId> expected;
    for (TokenId t; ids >> t;) expected.push_back(t);
    EXPECT_EQ(vocab().tokenize(inputs[i], false, false), expected) << "input " << i;
    ++i;
  }
  EXPECT_EQ(i, inputs.size());
  EXPECT_GT(i, 40u);
}

TEST_F(Tokenization, BosFirstEosForTheSeparatorAndSpaceAfterIt) {
  const auto ids = prompt_tokens(vocab(), "Paris is lovely.", "location");
  ASSERT_GT(ids.size(), 10u);
  EXPECT_EQ(ids.front(), vocab().bos());
  EXPECT_EQ(vocab().bos(), 1);
  EXPECT_EQ(vocab().eos(), 2);
  const auto prefix = prefix_tokens(vocab(), "Paris is lovely.");
  EXPECT_EQ(prefix.back(), 2) << "the prefix ends with the EOS token parsed from </s>";
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 2), 1);
  EXPECT_EQ(vocab().piece(ids[prefix.size()]), " US") << "SentencePiece's space after </s>";
}

TEST_F(Tokenization, PrefixPlusQueryEqualsTheWholePromptOnManyPassages) {
  std::vector<std::string> passages = {
      "Paris is lovely.",
      "Émile Zola visited Zürich, São Paulo and Kraków in 1890.",
      "東京とニューヨークは大都市です。",
      "He said \"hello\" and 'goodbye'.\nNew line\tand tab.",
      "Emoji 🦙 and math ∑ x² and ½.",
      "  leading and trailing spaces  ",
      "a literal </s> in the text and <s> too",
      "Ünïcödé ÀÉÎÕÜ ß ﬁ İstanbul ΟΔΟΣ",
      "x",
  };
  const std::vector<std::string> types = {"location",        "person", "programming language",
                                          "\"quoted\" type", "métier", "organisation/company"};
  if (testing::have_shared_benchmark()) {
    std::size_t n = 0;
    for (const auto& r :
         read_benchmark(testing::shared_data("universal-ner-benchmark/CrossNER_music.json"))) {
      if (n++ % 40 == 0) passages.push_back(r.text);
    }
  }
  std::size_t checked = 0;
  for (const auto& p : passages) {
    for (const auto& t : types) {
      for (SystemText s : {SystemText::kText, SystemText::kParagraph}) {
        EXPECT_EQ(
            prompt_tokens(vocab(), p, t, PromptTemplate::original(s)),
            vocab().tokenize(inference_prompt(p, t, PromptTemplate::original(s)), /*add_bos=*/true, /*parse_special=*/true))
            << p << " / " << t;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 100u);
}

TEST_F(Tokenization, CliPrintsTheTokensTheEngineFeeds) {
  const auto r =
      testing::run_command(testing::uniner_bin() +
                           " prompt --text 'Paris is lovely.' --type location --tokens --model " +
                           testing::llama_vocab_path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (TokenId t : prompt_tokens(vocab(), "Paris is lovely.", "location")) {
    if (!expected.empty()) expected += " ";
    expected += std::to_string(t);
  }
  EXPECT_EQ(r.out, expected + "\n");
}

}  // namespace
}  // namespace uniner

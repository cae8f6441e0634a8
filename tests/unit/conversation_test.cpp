#include "uniner/format/conversation.h"

#include <gtest/gtest.h>

#include "uniner/error.h"

namespace uniner {
namespace {

TEST(Conversation, InferencePromptIsByteExact) {
  EXPECT_EQ(inference_prompt("Paris is lovely.", "location"),
            "A virtual assistant answers questions from a user based on the provided text. "
            "USER: Text: Paris is lovely. ASSISTANT: I've read this text.</s>"
            "USER: What describes location in the text? ASSISTANT:");
}

TEST(Conversation, ParagraphSystemText) {
  EXPECT_TRUE(inference_prompt("x", "y", PromptTemplate::original(SystemText::kParagraph))
                  .starts_with("A virtual assistant answers questions from a user based on the "
                               "provided paragraph. USER: Text: x"));
}

TEST(Conversation, PrefixPlusQueryIsThePrompt) {
  const std::string text = "Multi\nline \"quoted\" caf\xC3\xA9 text";
  EXPECT_EQ(prompt_prefix(text) + prompt_query("drug"), inference_prompt(text, "drug"));
  EXPECT_TRUE(prompt_prefix(text).ends_with("I've read this text.</s>"));
  EXPECT_EQ(prompt_query("drug"), "USER: What describes drug in the text? ASSISTANT:");
}

TEST(Conversation, TrainingConversation) {
  const TypeAnswer turns[] = {{"person", "[\"Ann\"]"}, {"city", "[]"}};
  EXPECT_EQ(training_conversation("Ann went.", turns),
            "A virtual assistant answers questions from a user based on the provided text. "
            "USER: Text: Ann went. ASSISTANT: I've read this text.</s>"
            "USER: What describes person in the text? ASSISTANT: [\"Ann\"]</s>"
            "USER: What describes city in the text? ASSISTANT: []</s>");
}

TEST(Conversation, ParsesBenchmarkTurns) {
  std::string out;
  EXPECT_TRUE(parse_text_turn("Text: hello", out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(parse_text_turn("hello", out));
  EXPECT_TRUE(parse_type_question("What describes programming language in the text?", out));
  EXPECT_EQ(out, "programming language");
  EXPECT_FALSE(parse_type_question("What is X?", out));
}

}  // namespace
}  // namespace uniner

#include "uniner/format/conversation.h"

#include "uniner/error.h"

namespace uniner {
namespace {

constexpr std::string_view kTextSystem =
    "A virtual assistant answers questions from a user based on the provided text.";
constexpr std::string_view kParagraphSystem =
    "A virtual assistant answers questions from a user based on the provided paragraph.";
constexpr std::string_view kTextPrefix = "Text: ";
constexpr std::string_view kQuestionHead = "What describes ";
constexpr std::string_view kQuestionTail = " in the text?";

}  // namespace

std::string_view system_message(SystemText system) {
  return system == SystemText::kText ? kTextSystem : kParagraphSystem;
}

PromptTemplate PromptTemplate::original(SystemText system) {
  PromptTemplate t;
  t.system = std::string(system_message(system));
  return t;
}

std::string type_question(std::string_view type) {
  std::string q;
  q.reserve(kQuestionHead.size() + type.size() + kQuestionTail.size());
  q.append(kQuestionHead).append(type).append(kQuestionTail);
  return q;
}

// FastChat's SeparatorStyle.TWO: system + " ", then "ROLE: message" + sep, where sep is " " after
// a user turn and "</s>" after an assistant turn; an empty final assistant turn is "ASSISTANT:".
std::string prompt_prefix(std::string_view text, const PromptTemplate& prompt) {
  std::string p;
  p.reserve(text.size() + 160);
  p.append(prompt.system).append(" USER: ").append(kTextPrefix).append(text);
  p.append(" ASSISTANT: ").append(kReadReply).append(prompt.separator);
  return p;
}

std::string prompt_query(std::string_view type) {
  return "USER: " + type_question(type) + " ASSISTANT:";
}

std::string inference_prompt(std::string_view text, std::string_view type,
                             const PromptTemplate& prompt) {
  return prompt_prefix(text, prompt) + prompt_query(type);
}

std::string training_conversation(std::string_view text, std::span<const TypeAnswer> turns,
                                  const PromptTemplate& prompt) {
  std::string c = prompt_prefix(text, prompt);
  for (const auto& t : turns) {
    c.append(prompt_query(t.type)).append(" ").append(t.answer).append(prompt.separator);
  }
  return c;
}

bool parse_text_turn(std::string_view turn, std::string& text) {
  if (!turn.starts_with(kTextPrefix)) return false;
  text.assign(turn.substr(kTextPrefix.size()));
  return true;
}

bool parse_type_question(std::string_view turn, std::string& type) {
  if (!turn.starts_with(kQuestionHead) || !turn.ends_with(kQuestionTail) ||
      turn.size() < kQuestionHead.size() + kQuestionTail.size()) {
    return false;
  }
  type.assign(
      turn.substr(kQuestionHead.size(), turn.size() - kQuestionHead.size() - kQuestionTail.size()));
  return true;
}

}  // namespace uniner

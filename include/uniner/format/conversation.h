// The `ie_as_qa` conversation template of UniversalNER (docs/recipe.md section 2), byte for
// byte: the inference prompt, its split for prefix sharing, and whole training conversations.
//
// Ownership: values in, new strings out; system_message() views a static string. Errors: none;
// pure functions, thread-safe, none throws (parse_text_turn and parse_type_question return false
// for a string of the wrong shape).
//
//   auto prompt = uniner::inference_prompt("Paris is lovely.", "location");
//   // "A virtual assistant answers questions from a user based on the provided text. USER: Text:
//   //  Paris is lovely. ASSISTANT: I've read this text.</s>USER: What describes location in the
//   //  text? ASSISTANT:"   (one line)
//   std::string type;
//   uniner::parse_type_question("What describes location in the text?", type);  // "location"
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace uniner {

// Which system sentence opens the conversation. The released models use `text`; the training
// copy of the original code says `paragraph`.
enum class SystemText { kText, kParagraph };

std::string_view system_message(SystemText system);

inline constexpr std::string_view kEosText = "</s>";
inline constexpr std::string_view kReadReply = "I've read this text.";

// What a model was trained with and its prompts must use: the system sentence and the turn
// separator after each assistant turn (the text of the vocabulary's end-of-sequence token,
// "</s>" for the LLaMA vocabulary). A default PromptTemplate is the original's.
struct PromptTemplate {
  std::string system{system_message(SystemText::kText)};
  std::string separator{kEosText};

  static PromptTemplate original(SystemText system = SystemText::kText);
  bool operator==(const PromptTemplate&) const = default;
};

// The GGUF metadata keys a model carries its template in (missing: the original's).
inline constexpr const char* kTemplateNameKey = "uniner.template";  // "ie_as_qa"
inline constexpr const char* kTemplateSystemKey = "uniner.system";
inline constexpr const char* kTemplateSeparatorKey = "uniner.separator";
inline constexpr const char* kTemplateName = "ie_as_qa";

// "What describes {type} in the text?"
std::string type_question(std::string_view type);

// The whole inference prompt for one (passage, type); no trailing space or newline.
std::string inference_prompt(std::string_view text, std::string_view type,
                             const PromptTemplate& prompt = {});

// The prompt split for prefix sharing: prefix + query == inference_prompt(...).
// prefix ends with the first separator ("</s>"); query is "USER: What describes {type} in the
// text? ASSISTANT:".
std::string prompt_prefix(std::string_view text, const PromptTemplate& prompt = {});
std::string prompt_query(std::string_view type);

// One queried type and its answer (a JSON list of strings, e.g. ["Paris", "Lyon"] or []).
struct TypeAnswer {
  std::string type;
  std::string answer;
};

// A whole training conversation: system, passage turn, "I've read this text.</s>", then one
// question/answer pair per element, each answer followed by "</s>".
std::string training_conversation(std::string_view text, std::span<const TypeAnswer> turns,
                                  const PromptTemplate& prompt = {});

// Inverse helpers for benchmark records: "Text: X" -> X, "What describes T in the text?" -> T.
// Return false when the string does not have that shape.
bool parse_text_turn(std::string_view turn, std::string& text);
bool parse_type_question(std::string_view turn, std::string& type);

}  // namespace uniner

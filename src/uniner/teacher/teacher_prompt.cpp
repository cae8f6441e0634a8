#include "uniner/teacher/teacher_prompt.h"

#include "uniner/error.h"

namespace uniner {

std::string_view prompt_variant_name(PromptVariant variant) {
  return variant == PromptVariant::kType ? "type" : "definition";
}

std::string_view teacher_user_prefix(PromptVariant variant) {
  if (variant == PromptVariant::kType) {
    return "Given a passage, your task is to extract all entities and identify their entity "
           "types. The output should be in a list of tuples of the following format: "
           "[(\"entity 1\", \"type of entity 1\"), ... ].\n\nPassage: ";
  }
  return "Given a paragraph, your task is to extract all entities and concepts, and define their "
         "type using a short sentence. The output should be in the following format: "
         "[(\"entity\", \"definition of entity type in a short sentence\"), ... ]\n\nParagraph: ";
}

std::string teacher_user_message(std::string_view passage, PromptVariant variant) {
  std::string out(teacher_user_prefix(variant));
  out += passage;
  return out;
}

}  // namespace uniner

// The data-construction prompt of UniversalNER (docs/recipe.md section 1), byte for byte: the
// system and user messages sent to the teacher LLM for one passage.
//
// Ownership: the string_views returned view static strings. Errors: none; pure functions,
// thread-safe, they do not throw.
//
//   auto user = uniner::teacher_user_message("Paris is lovely.", uniner::PromptVariant::kType);
//   // "Given a passage, your task is to extract all entities and identify their entity types.
//   //  The output should be in a list of tuples of the following format: [(\"entity 1\",
//   //  \"type of entity 1\"), ... ].\n\nPassage: Paris is lovely."
//   // system message: uniner::kTeacherSystemMessage
#pragma once

#include <string>
#include <string_view>

namespace uniner {

// Which user message: entity types (the released "type" models) or one-sentence definitions of
// the type (the "definition" models).
enum class PromptVariant { kType, kDefinition };

std::string_view prompt_variant_name(PromptVariant variant);

inline constexpr std::string_view kTeacherSystemMessage =
    "You are a helpful information extraction system.";

// What precedes the passage in the user message: the instruction, a blank line, then
// "Passage: " (type variant) or "Paragraph: " (definition variant).
std::string_view teacher_user_prefix(PromptVariant variant);

// teacher_user_prefix(variant) + passage.
std::string teacher_user_message(std::string_view passage, PromptVariant variant);

}  // namespace uniner

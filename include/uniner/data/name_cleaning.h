// Cleaning of the entity-type names and entity strings a teacher or a dataset gives.
//
// Ownership: values in, new strings out. Errors: none; pure functions, thread-safe, they do not
// throw. Input must be valid UTF-8 (a precondition, not checked).
//
//   uniner::clean_type("  Medical\tCondition ", uniner::TypeCase::kLower);  // "medical condition"
//   uniner::clean_entity("  Paris ");                                      // "Paris"
#pragma once

#include <string>
#include <string_view>

namespace uniner {

// What happens to the letter case of a type name (docs/data.md, "Type names").
enum class TypeCase {
  kKeep,   // as written ("Person" and "person" are two types)
  kLower,  // full Unicode lowercasing ("Person" -> "person")
};

// Trims, collapses every run of Unicode whitespace to one space, then applies `type_case`.
// `type` must be valid UTF-8. An empty result means "no type".
std::string clean_type(std::string_view type, TypeCase type_case);

// Trims Unicode whitespace at both ends; the inside is kept as written. Valid UTF-8 in and out.
std::string clean_entity(std::string_view entity);

}  // namespace uniner

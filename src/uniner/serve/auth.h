// The API key check: "Authorization: Bearer <key>", compared in constant time so that the time of
// a refusal does not tell how much of a guessed key was right.
#pragma once

#include <string_view>

namespace uniner::serve {

// Whether `authorization` (the header's value, "" when absent) carries exactly `key`.
bool bearer_matches(std::string_view authorization, std::string_view key);

// Equality whose time depends on the lengths only, never on where the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace uniner::serve

// The fixed tables of the synthetic world (uniner/data/synthetic_world.h): its entity types with
// their name generators, its domains, sentence templates and distractor sentences. Private.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "data/rng.h"

namespace uniner::synth {

struct TypeSpec {
  std::string_view name;        // the type as the teacher names it
  std::size_t pool;             // names generated for it (train and held-out together)
  std::string (*make)(Rng&);    // one name, from syllables and patterns
};

// By rank: the first is the most frequent (Zipf weights follow this order).
std::span<const TypeSpec> type_specs();

// A sentence of a domain; "{type name}" marks a slot filled with a name of that type.
struct SentenceSpec {
  std::string_view domain;  // "" for a sentence of any domain
  std::string_view text;
};

std::span<const std::string_view> domain_names();
std::span<const SentenceSpec> sentence_templates();  // each has at least one slot
std::span<const SentenceSpec> distractor_sentences();  // no slot, no entity

}  // namespace uniner::synth

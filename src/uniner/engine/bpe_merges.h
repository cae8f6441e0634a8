// Byte-pair merges over counted words (vocab_training.h): the model-free heart of train_vocab.
// Private to engine/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace uniner::engine {

struct BpePieces {
  std::vector<std::string> characters;  // kept single characters, most frequent first
  std::vector<std::string> merges;      // merged pieces in the order learnt (most frequent first)
  std::size_t corpus_pieces = 0;        // the corpus spelt in the final pieces (counted)
};

// Words (UTF-8, "▁" already attached) with their counts. As SentencePiece splits by script and
// number, a merge joins pieces of one class only (letters, which include every non-ASCII
// character; digits; the rest, punctuation), "▁" joining the piece after it unless
// `separate_space`, where it stays a piece of its own: then a word is the same pieces after a
// space as after a quote, which is how an answer item starts. At most `max_pieces` characters plus
// merges; characters beyond that budget are left to the byte fallback and never merged. Stops
// early when no pair occurs `min_count` times. Ties go to the smaller pair of strings, so the
// result depends on the counts only, not on hash order.
BpePieces learn_bpe(const std::unordered_map<std::string, std::int64_t>& words,
                    std::size_t max_pieces, std::size_t min_count, bool separate_space = false);

// The UTF-8 characters of `word` (a malformed byte is a character of its own).
std::vector<std::string> utf8_characters(const std::string& word);

}  // namespace uniner::engine

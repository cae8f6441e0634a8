// Learning a small SentencePiece-style vocabulary from a corpus, for a student trained from
// scratch on one domain: a few thousand pieces instead of a released model's 32,000 make the
// output layer (most of a small student's cost) several times cheaper and leave no piece unseen
// in training. The result is a tokenizer-only GGUF that `init_model` takes as its vocabulary.
//
// The pieces are learnt by byte-pair merges over the corpus's words (each word with SentencePiece's
// "▁" for the space before it; a merge never crosses a space, and joins letters with letters,
// digits with digits, punctuation with punctuation, as SentencePiece splits by script) and written with scores that make
// llama.cpp's SentencePiece tokenizer apply them in the order learnt. Ids 0-2 are <unk>, <s> and
// </s> (the end-of-sequence token, so the conversation template's separator stays "</s>"), then the
// 256 byte pieces (<0x00>...): any character the pieces do not cover is spelt in bytes, so every
// text round-trips exactly.
//
// Ownership: plain values; the file at out_path is the only result (written under a temporary name
// and renamed when complete). Errors: InputError for a missing or unreadable input, a corpus with
// no text, or a size too small for the special and byte pieces (with strict, also for a bad
// record; otherwise bad records go to `warning` and are skipped); Error when the output cannot be
// written.
//
//   uniner::VocabTrainingOptions o;
//   o.inputs = {"passages.jsonl", "train.json"};  // passage JSONL and/or conversations
//   o.out_path = "domain-vocab.gguf";
//   o.size = 4000;
//   auto report = uniner::train_vocab(o);  // then InitModelOptions::vocab_path = o.out_path
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace uniner {

struct VocabTrainingOptions {
  // JSON Lines of records with a "text" (passages, synth or annotate output) and/or a
  // "conversations" list (build-data or convert output, also as one JSON array). Conversation
  // records also count the template's own words (system sentence, USER:, ASSISTANT:).
  std::vector<std::string> inputs;
  std::string out_path;
  std::size_t size = 4000;    // tokens in all: 3 special + 256 bytes + learnt pieces (at most)
  std::size_t min_count = 2;  // a merge must occur at least this often in the corpus
  // "▁" (the space before a word) as a piece of its own instead of the start of the word's first
  // piece: a word is then the same pieces after a space (in a passage) as after a quote (as an
  // answer item starts), which makes copying easier for a student learning from scratch, at
  // about one more token per word.
  bool separate_space = false;
  bool strict = false;        // stop at the first bad record instead of skipping it
  std::function<void(const std::string&)> warning;
};

struct VocabTrainingReport {
  std::size_t texts = 0;           // strings read (passages, turns)
  std::size_t words = 0;           // words in the corpus
  std::size_t distinct_words = 0;
  std::size_t characters = 0;      // distinct characters kept as pieces
  std::size_t merges = 0;          // pieces learnt by merging
  std::size_t tokens = 0;          // the vocabulary's size: special + bytes + characters + merges
  std::size_t corpus_pieces = 0;   // the corpus's words spelt in the learnt pieces
};

VocabTrainingReport train_vocab(const VocabTrainingOptions& options);

}  // namespace uniner

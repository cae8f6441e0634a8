// Supervised NER data: sentences with gold entities, read from CoNLL/BIO or spans JSON Lines.
//
// CoNLL/BIO: one token per line, columns separated by tabs (when the line has a tab) or else by
// spaces; the token is column 0, the tag is the chosen column; a blank line ends a sentence;
// lines starting with -DOCSTART- are skipped. Tags: O, B-X, I-X (BIO and IOB1 alike: an I-X that
// does not continue an X entity starts one), E-X/L-X (ends an entity), S-X/U-X (a one-token
// entity), and a bare X (IO scheme, as I-X). The sentence text is its tokens joined by single
// spaces, as in the released benchmark files.
//
// Spans JSON Lines: {"text": "...", "entities": [{"start": 0, "end": 5, "type": "person"}]},
// offsets in code points, end exclusive; an optional "id" is kept.
//
// Ownership: plain values; a file is read whole into the returned vector. `warning` is called
// on the calling thread. Errors: the readers throw InputError when the file cannot be opened and,
// when strict, for the first bad sentence ("file:line: reason"), Error on a read error; otherwise
// a bad sentence goes to `warning` and is skipped. parse_bio_tag and decode_bio do not throw.
//
//   uniner::ConllOptions o;  // the tag in the last column; bad sentences skipped
//   auto warn = [](const std::string& m) { std::cerr << "warning: " << m << '\n'; };
//   for (const uniner::LabeledSentence& s : uniner::read_conll("train.conll", o, warn))
//     for (const auto& e : s.entities) std::cout << e.type << '\t' << e.text << '\n';
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace uniner {

// Receives one skipped bad sentence: "file:line: reason (sentence skipped)".
using LabeledDataWarning = std::function<void(const std::string& message)>;

struct LabeledEntity {
  std::size_t start = 0;  // code points, in the sentence text
  std::size_t end = 0;    // exclusive
  std::string type;       // the dataset's label (before any label map)
  std::string text;       // the entity string: text[start, end)
};

struct LabeledSentence {
  std::string id;  // the record's id when the input has one, else empty
  std::string text;
  std::vector<LabeledEntity> entities;  // in text order
  std::size_t line = 0;                 // where the sentence starts in its file
};

// One decoded tag: its role and its type (the part after "B-" etc.).
struct BioTag {
  enum Role { kOutside, kBegin, kInside, kEnd, kSingle } role = kOutside;
  std::string type;
};
// Parses a tag as described above. Returns false for an empty type ("B-").
bool parse_bio_tag(std::string_view tag, BioTag& out);

// Entities of a tagged token sequence, as [first token, last token + 1) ranges with types.
struct TokenSpan {
  std::size_t begin = 0, end = 0;
  std::string type;
};
std::vector<TokenSpan> decode_bio(const std::vector<BioTag>& tags);

struct ConllOptions {
  int column = -1;      // the tag column: 0-based, negative counts from the last (-1 = last)
  bool strict = false;  // a bad sentence stops the job (InputError) instead of a warning
};

// Reads a CoNLL/BIO file ("-" = stdin). A bad sentence (too few columns, a bad tag, invalid
// UTF-8) is skipped with a warning naming file:line, or throws InputError when strict.
// `bad` (optional) receives the number of sentences skipped.
std::vector<LabeledSentence> read_conll(const std::string& path, const ConllOptions& options,
                                        const LabeledDataWarning& warning = {},
                                        std::size_t* bad = nullptr);

// Reads spans JSON Lines; same bad-record policy.
std::vector<LabeledSentence> read_spans_jsonl(const std::string& path, bool strict,
                                              const LabeledDataWarning& warning = {},
                                              std::size_t* bad = nullptr);

}  // namespace uniner

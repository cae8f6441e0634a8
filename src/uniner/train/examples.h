// Training examples as the original builds them: a conversation cut into segments, each tokenized
// on its own and marked masked or trained, the (type, answer) pairs after the first turn shuffled
// per example and epoch, truncated at a maximum length. Private to train/ (torch-free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "uniner/engine/vocab.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"
#include "uniner/train/train.h"

namespace uniner::train {

// A run of tokens that is either all masked (the model reads it) or all trained (the loss is
// taken on it).
struct Segment {
  std::vector<TokenId> tokens;
  bool trained = false;
};

// One conversation, tokenized once: the opening block (system, passage turn, the
// "I've read this text." answer) and one block per (type, answer) pair. The order of the pair
// blocks is shuffled per epoch (shuffle_pairs), so they are kept apart.
struct ConversationTokens {
  std::string id;
  std::vector<Segment> opening;
  std::vector<std::vector<Segment>> pairs;
  std::size_t size() const;  // tokens before truncation
};

// A flat example: tokens and, per token, whether it is a target of the loss.
struct Example {
  std::vector<TokenId> tokens;
  std::vector<std::uint8_t> trained;
  std::size_t trained_count() const;
};

// Marks every token but the first trained (LossOn::kAll): the loss on the whole conversation.
void train_every_token(Example& example);

// Checks the shape of a conversation record (text turn, reply, then question/answer pairs, roles
// alternating human/gpt, every question "What describes T in the text?"); throws InputError with
// the reason otherwise.
void check_conversation(const ConversationRecord& record);

// Tokenizes a checked conversation with `vocab` under `prompt` (system sentence and separator).
// kOriginal: the original's segments exactly (system + " USER: " + text with BOS; each
// "USER: " + question; each "ASSISTANT: " prefix; each answer + separator), so each assistant
// turn reads one lone whitespace token after "ASSISTANT:" that inference never feeds.
// kAligned: the same masks over the tokens of the rendered conversation itself (the split points
// are at the separator, a special token), i.e. exactly the tokens inference feeds.
ConversationTokens tokenize_conversation(const ConversationRecord& record, const Vocab& vocab,
                                         const PromptTemplate& prompt, ExampleTokenization mode);

// The example of `conversation` in `epoch`: pairs in the order of a permutation drawn from
// (seed, epoch, index) (the first turn stays first), concatenated, cut at max_len tokens.
Example assemble_example(const ConversationTokens& conversation, std::uint64_t seed, int epoch,
                         std::size_t index, std::size_t max_len);

// The same without shuffling (pairs in file order), for display and tests.
Example assemble_in_order(const ConversationTokens& conversation, std::size_t max_len);

// A readable rendering: masked pieces as they are, trained pieces inside [[ ]].
std::string render_example(const Example& example, const Vocab& vocab);

}  // namespace uniner::train

// The conversations of a training run, read, checked and tokenized once: bad records reported
// and skipped (or fatal under strict), the held-out split drawn, a fingerprint of the whole for
// checkpoints. Private to train/ (torch-free).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "train/examples.h"

namespace uniner::train {

struct TrainingData {
  std::vector<ConversationTokens> train;
  std::vector<ConversationTokens> dev;
  std::size_t skipped = 0;
  std::uint64_t fingerprint = 0;  // of the tokens of train and dev, in order
};

using Warn = std::function<void(const std::string&)>;

// Reads `path` (a JSON array or JSON Lines of conversations) and tokenizes each good record.
// Throws InputError for an unreadable file; bad records go to `warn` (InputError under strict).
std::vector<ConversationTokens> read_tokenized(const std::string& path, const Vocab& vocab,
                                               const PromptTemplate& prompt,
                                               ExampleTokenization mode, bool strict,
                                               std::size_t& skipped, const Warn& warn);

// All data of a run. Throws InputError when no usable training conversation remains.
TrainingData load_training_data(const TrainOptions& options, const Vocab& vocab,
                                const PromptTemplate& prompt, const Warn& warn);

}  // namespace uniner::train

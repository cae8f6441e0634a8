#include "train/training_data.h"

#include <cmath>
#include <numeric>

#include "data/rng.h"
#include "format/json_records.h"
#include "uniner/error.h"

namespace uniner::train {

std::vector<ConversationTokens> read_tokenized(const std::string& path, const Vocab& vocab,
                                               const PromptTemplate& prompt,
                                               ExampleTokenization mode, bool strict,
                                               std::size_t& skipped, const Warn& warn) {
  std::vector<ConversationTokens> out;
  auto in = open_input(path);
  skipped += for_each_conversation(
      *in, path, strict,
      [&](ConversationRecord&& r, std::size_t, std::size_t line) {
        try {
          check_conversation(r);
        } catch (const InputError& e) {
          throw InputError(where(path, line, "record " + r.id + ": " + e.what()));
        }
        out.push_back(tokenize_conversation(r, vocab, prompt, mode));
      },
      [&](const std::string& message) {
        if (warn) warn(message + " (skipped)");
      });
  return out;
}

TrainingData load_training_data(const TrainOptions& o, const Vocab& vocab,
                                const PromptTemplate& prompt, const Warn& warn) {
  TrainingData d;
  std::vector<ConversationTokens> all;
  for (const auto& path : o.data_paths) {
    auto part = read_tokenized(path, vocab, prompt, o.tokenization, o.strict, d.skipped, warn);
    std::move(part.begin(), part.end(), std::back_inserter(all));
  }
  if (!o.dev_path.empty()) {
    d.dev = read_tokenized(o.dev_path, vocab, prompt, o.tokenization, o.strict, d.skipped, warn);
    d.train = std::move(all);
  } else {
    // As the original: a seeded permutation split in two; floor(n * fraction) held out, so a
    // tiny data set keeps all of its conversations for training.
    std::vector<std::size_t> order(all.size());
    std::iota(order.begin(), order.end(), 0);
    Rng rng(mix_seed(o.seed, 0xdef0));
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(i))]);
    const auto n_train = all.size() - static_cast<std::size_t>(std::floor(
                                          static_cast<double>(all.size()) * o.dev_fraction));
    for (std::size_t i = 0; i < order.size(); ++i) {
      (i < n_train ? d.train : d.dev).push_back(std::move(all[order[i]]));
    }
  }
  if (d.train.empty()) {
    std::string files;
    for (const auto& p : o.data_paths) files += (files.empty() ? "" : ", ") + p;
    throw InputError(files + ": no usable training conversation");
  }
  std::uint64_t h = d.train.size() * 1000003u + d.dev.size();
  for (const auto* set : {&d.train, &d.dev}) {
    for (const auto& c : *set) {
      const auto e = assemble_in_order(c, 0);
      h = hash64(e.tokens.data(), e.tokens.size() * sizeof(TokenId), h);
      h = hash64(e.trained.data(), e.trained.size(), h);
    }
  }
  d.fingerprint = h;
  return d;
}

}  // namespace uniner::train

#include "train/batch_loss.h"

#include <torch/torch.h>

namespace uniner::train {

Batch make_batch(const std::vector<Example>& examples) {
  std::size_t longest = 0;
  for (const auto& e : examples) longest = std::max(longest, e.tokens.size());
  const auto B = static_cast<std::int64_t>(examples.size());
  const auto T = static_cast<std::int64_t>(longest);
  Batch b;
  b.tokens = torch::zeros({B, T}, torch::kInt64);
  b.trained = torch::zeros({B, T}, torch::kBool);
  auto tok = b.tokens.accessor<std::int64_t, 2>();
  auto tr = b.trained.accessor<bool, 2>();
  for (std::int64_t r = 0; r < B; ++r) {
    const auto& e = examples[static_cast<std::size_t>(r)];
    b.real_tokens += static_cast<double>(e.tokens.size());
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
      tok[r][static_cast<std::int64_t>(i)] = e.tokens[i];
      tr[r][static_cast<std::int64_t>(i)] = i > 0 && e.trained[i];
      if (i > 0 && e.trained[i]) b.targets += 1;
    }
  }
  b.labels = b.tokens;
  return b;
}

torch::Tensor loss_sum(const Student& student, const Batch& b) {
  const auto T = b.tokens.size(1);
  // Position p predicts p + 1: the rows are the positions before each trained token.
  auto next_trained = b.trained.narrow(1, 1, T - 1);
  auto flat = torch::nonzero(next_trained.reshape({-1})).squeeze(1);
  if (flat.numel() == 0) return torch::zeros({}, torch::kFloat32);
  const auto row = flat.div(T - 1, "floor"), col = flat.remainder(T - 1);
  auto h = student.hidden(b.tokens);
  auto rows = h.reshape({-1, h.size(-1)}).index_select(0, row * T + col);
  auto targets = b.labels.reshape({-1}).index_select(0, row * T + col + 1);
  return torch::nn::functional::cross_entropy(
      student.logits(rows), targets,
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
}

}  // namespace uniner::train

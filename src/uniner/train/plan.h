// What the trainer does when: the batches of an epoch (length-bucketed, shuffled, deterministic
// from the seed) and the learning rate of a step. Pure functions of their arguments, so a resumed
// run recomputes exactly the plan it was following. Private to train/ (torch-free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace uniner::train {

using BatchPlan = std::vector<std::vector<std::size_t>>;  // example indices per micro-batch

// Batches of `batch` examples of similar length: the examples are shuffled, cut into pools of
// 64 batches, each pool sorted by length and sliced, and the batches shuffled again (so a batch
// wastes little padding and the order still changes every epoch).
BatchPlan epoch_batches(const std::vector<std::size_t>& lengths, std::size_t batch,
                        std::uint64_t seed, int epoch);

// Padded slots / all slots of a plan (the examples padded to the longest of their batch).
double padding_fraction(const BatchPlan& plan, const std::vector<std::size_t>& lengths);

// Linear warmup over `warmup` steps, then cosine decay to 0 at `total` (Hugging Face's
// get_cosine_schedule_with_warmup, as the original trained). `step` is 0-based.
double learning_rate(double peak, long step, long warmup, long total);

}  // namespace uniner::train

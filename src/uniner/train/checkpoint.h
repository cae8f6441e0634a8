// Checkpoints of a training run: dir/step-<N>/ holds model.gguf (the F32 weights: a model
// `uniner extract` loads as it is; with LoRA, adapter.gguf: `extract --lora` applies it to the
// base), optimizer.pt (AdamW's moments and step counts) and
// state.json (the step, the seed and a fingerprint of the data and the options). Everything else
// a resumed run needs (data order, pair order, schedule) is a pure function of the seed and the
// step. A checkpoint is written under a temporary name and renamed when complete, so a kill at
// any moment leaves the previous one intact. Private to train/.
#pragma once

#include <torch/optim/adamw.h>

#include <cstdint>
#include <optional>
#include <string>

#include "train/student.h"

namespace uniner::train {

struct CheckpointState {
  long step = 0;
  std::uint64_t fingerprint = 0;  // data + options that must not change across a resume
  double tokens = 0;              // tokens through the model so far
  double elapsed_s = 0;           // training time so far
};

// Writes step-<state.step>/ and keeps the newest `keep` checkpoints (0: all of them).
void save_checkpoint(const std::string& dir, const CheckpointState& state, const Student& student,
                     torch::optim::AdamW& optimizer, const std::string& tokenizer_from,
                     const PromptTemplate& prompt, int keep = 2);

// The newest complete checkpoint of `dir`, or nullopt when there is none.
std::optional<std::string> newest_checkpoint(const std::string& dir);

// Loads a checkpoint into the student and the optimizer. Throws InputError when its fingerprint
// differs from `fingerprint` (other data or options).
CheckpointState load_checkpoint(const std::string& path, std::uint64_t fingerprint,
                                Student& student, torch::optim::AdamW& optimizer);

}  // namespace uniner::train

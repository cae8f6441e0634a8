// Mission-focused instruction tuning of a student on libtorch: the conversations that build-data
// and convert write in, a GGUF student that Extractor serves out (docs/training.md).
//
// The student is the GGUF's own architecture (llama or qwen2: RMSNorm, rotary embeddings in
// llama.cpp's layout, grouped-query attention, SwiGLU, tied or untied output, q/k/v biases for
// qwen2) computed in libtorch, so the trained file needs no conversion. Examples are built as
// the original builds them (segment-wise tokenization, loss on each answer and its separator
// token only), batched by length, optimized with AdamW under a warmup + cosine schedule, with
// checkpoints that resume a killed run exactly.
//
// Ownership: plain values in and out; train() owns everything it allocates and writes only
// options.out_path and the files under the checkpoint directory and the metrics/chart paths.
// Threads: train() runs on the calling thread (libtorch uses options.threads for its kernels);
// the callbacks are called on that thread. Errors: InputError for bad options, a quantized or
// unsupported base model, a data file without one usable conversation, a bad record under
// `strict`, or a checkpoint that does not belong to this run; Error for I/O failures (every
// write is checked) and when libtorch fails. This header and its library exist only in builds
// with libtorch (UNINER_WITH_TRAINING).
//
//   uniner::TrainOptions o;
//   o.base_path = "base.gguf";               // from init-model, or an F16 GGUF release
//   o.data_paths = {"train.json"};           // build-data / convert output
//   o.out_path = "student.gguf";
//   o.epochs = 3;
//   uniner::TrainCallbacks cb;
//   cb.progress = [](const uniner::TrainProgress& p) {
//     std::fprintf(stderr, "step %ld/%ld loss %.3f\n", p.step, p.total_steps, p.loss);
//   };
//   uniner::TrainReport report = uniner::train_student(o, cb);  // writes student.gguf
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "uniner/engine/model_init.h"  // FloatType

namespace uniner {

// How a conversation becomes tokens (docs/training.md): kAligned (the default) trains on exactly
// the tokens inference feeds; kOriginal reproduces the original's segments byte for byte, whose
// "ASSISTANT: " ends in a space token the inference prompt never has (a student trained from
// scratch that way answers garbage to the original prompt).
enum class ExampleTokenization { kOriginal, kAligned };

// Which tokens the loss is taken on: the answers (each answer and its separator, as the
// original: the prompt only conditions), or every token after the first (the whole conversation
// as language-model data: for a student trained from scratch, the passages' own text teaches it
// the language and, where a name recurs in a passage, to copy; docs/training.md).
enum class LossOn { kAnswers, kAll };

// Which projections get LoRA adapters: attention (q, k, v, output), or also the MLP's.
enum class LoraTargets { kAttention, kAttentionMlp };


struct TrainOptions {
  std::string base_path;                // GGUF to start from (F32/F16/BF16 tensors)
  std::vector<std::string> data_paths;  // JSON arrays (or JSON Lines) of conversations
  std::string out_path;                 // the trained student (GGUF)
  std::string dev_path;                 // held-out conversations; empty: dev_fraction of the data
  double dev_fraction = 0.02;           // share of the data held out when dev_path is empty
  int epochs = 3;
  long max_steps = 0;        // > 0: stop after this many optimizer steps (the schedule spans them)
  double lr = 2e-5;          // peak learning rate
  double weight_decay = 0.0;
  double warmup_ratio = 0.04;
  double clip = 1.0;         // gradient norm clip; 0 = none
  int batch = 8;             // conversations per micro-batch
  int grad_accum = 1;        // micro-batches per optimizer step (effective batch = batch x this)
  int max_len = 1024;        // tokens per example; longer ones are truncated
  bool bf16 = false;         // bf16 autocast for matrix products, fp32 master weights
  int threads = 0;           // libtorch threads; 0 = all hardware threads
  std::uint64_t seed = 42;
  ExampleTokenization tokenization = ExampleTokenization::kAligned;
  LossOn loss_on = LossOn::kAnswers;
  FloatType out_type = FloatType::kF32;  // storage of the written student's matrices
  std::string checkpoint_dir;  // empty: out_path + ".ckpt"
  long checkpoint_every = 200; // optimizer steps between checkpoints (and when stopped)
  int keep_checkpoints = 2;    // the newest ones kept; 0 = all (each holds a loadable model:
                               // a learning curve benches them)
  long eval_every = 0;         // optimizer steps between dev evaluations; 0 = each epoch end
  bool resume = false;         // continue from the newest checkpoint in checkpoint_dir
  std::string metrics_path;    // JSON Lines of the run; empty: out_path + ".metrics.jsonl"
  std::string chart_path;      // loss curve SVG; empty: out_path + ".loss.svg"
  bool strict = false;         // a bad record stops the run instead of being skipped
  // LoRA (docs/training.md): rank > 0 freezes the base and trains low-rank adapters only (no
  // optimizer state for the base). out_path then gets the adapters merged into a full model,
  // and lora_adapter_out (if set) the adapters alone, as llama.cpp's adapter GGUF; one of the
  // two may be empty.
  int lora_rank = 0;
  float lora_alpha = 0;        // 0: twice the rank
  LoraTargets lora_targets = LoraTargets::kAttention;
  std::string lora_adapter_out;
  // Distributed data parallel (docs/training.md): launched as torchrun/srun launch processes
  // (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT...), the same run on several processes, each
  // taking a share of every batch; the same effective batch and weights whatever the world
  // size. A collective that waits longer than this for another rank fails the run.
  int dist_timeout_s = 300;
};

struct TrainProgress {
  long step = 0;           // optimizer steps done
  long total_steps = 0;
  int epoch = 0;           // 0-based epoch of the step
  double loss = 0;         // mean loss per trained token of the last step
  double lr = 0;
  double tokens_per_s = 0; // all tokens (masked and trained) through the model per second
  double eta_s = 0;
  double dev_loss = -1;    // the last dev evaluation, -1 before the first
};

struct TrainReport {
  int world_size = 1;             // processes of the run (distributed data parallel)
  int rank = 0;                   // this process's; only rank 0 writes the outputs
  std::size_t conversations = 0;  // used for training
  std::size_t dev_conversations = 0;
  std::size_t skipped = 0;        // bad records reported and skipped
  std::size_t truncated = 0;      // examples cut at max_len
  long steps = 0;
  long resumed_from = 0;          // step of the checkpoint the run resumed from (0: fresh)
  double tokens = 0;              // tokens through the model (all epochs)
  double padding_fraction = 0;    // padded slots / all slots of the batches
  double final_loss = 0;
  double dev_loss = -1;
  bool interrupted = false;       // stopped by stop_requested(); a checkpoint was written
};

struct TrainCallbacks {
  std::function<void(const TrainProgress&)> progress;   // after each optimizer step
  std::function<void(const std::string&)> warning;      // a skipped record, a note
  std::function<bool()> stop_requested;                 // polled between steps (Ctrl-C)
};

TrainReport train_student(const TrainOptions& options, const TrainCallbacks& callbacks = {});

// The `index`-th usable conversation of the data (0-based, in file order, before the dev split)
// as the trainer tokenizes it: a header line, then the text with trained pieces inside [[ ]].
std::string show_example(const TrainOptions& options, std::size_t index);

// Writes every usable conversation of the data as the trainer tokenizes it (pairs in file
// order, truncated at max_len), one JSON line each: {"id", "tokens": [...], "trained": [0|1...]}.
// For inspecting the training data and feeding other trainers (bench/train does). Returns the
// number of lines; throws Error when the file cannot be written.
std::size_t write_examples(const TrainOptions& options, const std::string& path);

}  // namespace uniner

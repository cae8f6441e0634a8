// uniner train: instruction-tune a student GGUF on conversations (build-data / convert output).
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "progress_line.h"
#include "uniner/engine/hf_import.h"
#include "uniner/error.h"
#include "uniner/train/train.h"

namespace uniner::cli {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

const Choices<ExampleTokenization> kTokenizations = {{"original", ExampleTokenization::kOriginal},
                                                     {"aligned", ExampleTokenization::kAligned}};
const Choices<LossOn> kLossOn = {{"answers", LossOn::kAnswers}, {"all", LossOn::kAll}};
const Choices<LoraTargets> kLoraTargets = {{"attn", LoraTargets::kAttention},
                                           {"attn+mlp", LoraTargets::kAttentionMlp}};

}  // namespace

Runner add_train_command(CLI::App& app) {
  struct Options {
    TrainOptions lib;
    long show_example = -1;
    std::string dump_examples;
    bool quiet = false;
    ExportHfOptions hf;  // --export-hf: the trained student, also in the Hugging Face layout
  };
  auto o = std::make_shared<Options>();
  auto& t = o->lib;
  auto* cmd = app.add_subcommand("train", "Instruction-tune a student model (GGUF) on conversations");
  cmd->add_option("--base", t.base_path, "Model to start from: init-model output or an F16/BF16/F32 GGUF")
      ->required();
  cmd->add_option("--data", t.data_paths, "Conversations (build-data/convert JSON or JSONL); repeatable")
      ->required();
  auto* out = cmd->add_option("-o,--out", t.out_path, "The trained student (GGUF)");
  auto* dev = cmd->add_option("--dev", t.dev_path, "Held-out conversations for the dev loss");
  cmd->add_option("--dev-fraction", t.dev_fraction, "Share of --data held out when --dev is not given")
      ->capture_default_str()
      ->excludes(dev);
  cmd->add_option("--epochs", t.epochs, "Passes over the data")->capture_default_str();
  cmd->add_option("--max-steps", t.max_steps, "Stop after this many optimizer steps (0 = epochs decide)")
      ->capture_default_str();
  cmd->add_option("--lr", t.lr, "Peak learning rate (AdamW)")->capture_default_str();
  cmd->add_option("--weight-decay", t.weight_decay, "AdamW weight decay (matrices)")->capture_default_str();
  cmd->add_option("--warmup-ratio", t.warmup_ratio, "Share of steps with linear warmup, then cosine")
      ->capture_default_str();
  cmd->add_option("--clip", t.clip, "Gradient norm clip (0 = none)")->capture_default_str();
  cmd->add_option("--batch", t.batch, "Conversations per micro-batch")->capture_default_str();
  cmd->add_option("--grad-accum", t.grad_accum, "Micro-batches per optimizer step")->capture_default_str();
  cmd->add_option("--max-len", t.max_len, "Tokens per example (longer ones are truncated)")
      ->capture_default_str();
  cmd->add_flag("--bf16", t.bf16, "bf16 autocast for matrix products (fp32 master weights)");
  cmd->add_option("--threads", t.threads, "libtorch threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--seed", t.seed, "Seed of the data order and the pair shuffling")->capture_default_str();
  add_choice(cmd, "--tokenization", t.tokenization, kTokenizations,
             "aligned: exactly the tokens inference feeds; original: the original's segments "
             "byte for byte (see docs/training.md)");
  add_choice(cmd, "--loss-on", t.loss_on, kLossOn,
             "answers: the original's loss (answers and their separator); all: every token, for "
             "students trained from scratch (see docs/training.md)");
  add_choice(cmd, "--outtype", t.out_type, kFloatTypes, "Matrix type of the written student");
  cmd->add_option("--lora-rank", t.lora_rank,
                  "LoRA: train rank-R adapters on a frozen base (0 = full tuning)")
      ->capture_default_str();
  cmd->add_option("--lora-alpha", t.lora_alpha, "LoRA scale numerator: alpha / rank (0 = 2 x rank)");
  add_choice(cmd, "--lora-targets", t.lora_targets, kLoraTargets,
             "Projections with adapters: attention, or attention and MLP");
  auto* adapter = cmd->add_option("--lora-adapter-out", t.lora_adapter_out,
                                  "Also (or only) write the adapters as a llama.cpp LoRA GGUF");
  cmd->add_option("--export-hf", o->hf.out_dir,
                  "Also write the trained student as a Hugging Face folder (as export --hf)")
      ->needs(out);
  cmd->add_option("--dist-timeout", t.dist_timeout_s,
                  "Distributed runs: seconds to wait for the other ranks before failing")
      ->capture_default_str();
  cmd->add_option("--checkpoint-dir", t.checkpoint_dir, "Checkpoints (default: OUT.ckpt)");
  cmd->add_option("--checkpoint-every", t.checkpoint_every,
                  "Optimizer steps between checkpoints (also when interrupted)")
      ->capture_default_str();
  cmd->add_option("--keep-checkpoints", t.keep_checkpoints,
                  "Checkpoints kept, the newest (0 = all: each holds a model, e.g. for a learning curve)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--eval-every", t.eval_every, "Steps between dev evaluations (0 = each epoch end)")
      ->capture_default_str();
  cmd->add_flag("--resume", t.resume, "Continue from the newest checkpoint");
  cmd->add_option("--metrics", t.metrics_path, "Run log, JSON Lines (default: OUT.metrics.jsonl)");
  cmd->add_option("--chart", t.chart_path, "Loss curve SVG (default: OUT.loss.svg)");
  cmd->add_option("--show-example", o->show_example,
                  "Print conversation N as the trainer tokenizes it ([[trained]] pieces) and exit");
  cmd->add_option("--dump-examples", o->dump_examples,
                  "Write every conversation as tokens + trained flags (JSON Lines) and exit");
  add_strict(cmd, t.strict);
  add_quiet(cmd, o->quiet);
  return [o, out, adapter] {
    auto& t = o->lib;
    if (o->show_example >= 0) {
      std::fputs(show_example(t, static_cast<std::size_t>(o->show_example)).c_str(), stdout);
      return std::fflush(stdout) == 0 ? 0 : 1;
    }
    if (!o->dump_examples.empty()) {
      const auto n = write_examples(t, o->dump_examples);
      std::fprintf(stderr, "train: wrote %zu examples to %s\n", n, o->dump_examples.c_str());
      return 0;
    }
    if (out->count() == 0 && adapter->count() == 0) {
      throw InputError("--out is required (the trained student's path; with LoRA, "
                       "--lora-adapter-out may replace it)");
    }
    // Refused before the training, not after it: the folder would be refused at the end.
    std::error_code ec;
    if (!o->hf.out_dir.empty() && fs::exists(o->hf.out_dir, ec) &&
        (!fs::is_directory(o->hf.out_dir, ec) || !fs::is_empty(o->hf.out_dir, ec))) {
      throw InputError(o->hf.out_dir + ": exists and is not an empty folder (--export-hf)");
    }
    ProgressLine line("train");
    TrainCallbacks cb;
    cb.warning = [&](const std::string& w) { line.message("warning: ", w); };
    cb.progress = [&](const TrainProgress& p) {
      if (o->quiet) return;
      char extra[160];
      std::snprintf(extra, sizeof extra, "epoch %d, loss %.4f, %.0f tok/s, lr %.2e", p.epoch + 1,
                    p.loss, p.tokens_per_s, p.lr);
      std::string e = extra;
      if (p.dev_loss >= 0) {
        std::snprintf(extra, sizeof extra, ", dev %.4f", p.dev_loss);
        e += extra;
      }
      line.update(static_cast<std::size_t>(p.step), static_cast<std::size_t>(p.total_steps),
                  "steps", e, p.step == p.total_steps);
    };
    // libtorch allocates and frees large tensors every step; glibc would return each to the
    // kernel and fault it back in (a fifth of the time of a small student). Keep them.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 1 << 30);
    g_stop = 0;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    cb.stop_requested = [] { return g_stop != 0; };
    const TrainReport r = train_student(t, cb);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    line.finish();
    if (r.rank > 0) return r.interrupted ? 130 : 0;  // rank 0 reports and writes
    const std::string resumed =
        r.resumed_from ? " (resumed at " + std::to_string(r.resumed_from) + ")" : "";
    const std::string dev = r.dev_loss >= 0 ? std::to_string(r.dev_loss) : "n/a";
    const std::string procs =
        r.world_size > 1 ? ", " + std::to_string(r.world_size) + " processes" : "";
    std::fprintf(stderr,
                 "train: %zu conversations (%zu dev, %zu skipped, %zu truncated), %ld steps%s, "
                 "%.0f tokens, padding %.1f%%, loss %.4f, dev loss %s%s\n",
                 r.conversations, r.dev_conversations, r.skipped, r.truncated, r.steps,
                 resumed.c_str(), r.tokens, 100.0 * r.padding_fraction, r.final_loss, dev.c_str(),
                 procs.c_str());
    if (r.interrupted) {
      std::fprintf(stderr, "train: interrupted at step %ld; the checkpoint is saved: run the same "
                           "command with --resume to continue\n", r.steps);
      return 130;
    }
    for (const auto& path : {t.out_path, t.lora_adapter_out}) {
      if (!path.empty()) std::fprintf(stderr, "train: wrote %s\n", path.c_str());
    }
    if (!o->hf.out_dir.empty()) {  // rank 0 only: the others returned above
      o->hf.input_path = t.out_path;
      const auto e = export_hf(o->hf);
      std::fprintf(stderr, "train: wrote %s/ (Hugging Face layout)\n", o->hf.out_dir.c_str());
      if (!e.tokenizer_note.empty()) std::fprintf(stderr, "train: note: %s\n", e.tokenizer_note.c_str());
    }
    return 0;
  };
}

}  // namespace uniner::cli

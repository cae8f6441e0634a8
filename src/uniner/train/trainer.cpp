// The optimizer loop of train_student: data -> length-bucketed micro-batches -> loss on trained
// positions only -> AdamW under warmup + cosine, with checkpoints, dev evaluation and a run log.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <filesystem>
#include <optional>
#include <thread>

#include "data/rng.h"
#include "format/file_io.h"
#include "train/batch_loss.h"
#include "train/checkpoint.h"
#include "train/distributed.h"
#include "train/plan.h"
#include "train/run_log.h"
#include "train/student.h"
#include "train/training_data.h"
#include "uniner/format/records.h"
#include "uniner/error.h"
#include "uniner/train/train.h"

namespace uniner {
namespace train {
namespace {

using Clock = std::chrono::steady_clock;

class Autocast {
 public:
  explicit Autocast(bool on) : on_(on) {
    if (!on_) return;
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  }
  ~Autocast() {
    if (!on_) return;
    at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
  }

 private:
  bool on_;
};

// A conversation as one example, its pairs in file order, trained where o.loss_on says.
Example in_order_example(const ConversationTokens& c, const TrainOptions& o) {
  Example e = assemble_in_order(c, static_cast<std::size_t>(o.max_len));
  if (o.loss_on == LossOn::kAll) train_every_token(e);
  return e;
}

double dev_loss(const Student& student, const std::vector<ConversationTokens>& dev,
                const TrainOptions& o) {
  if (dev.empty()) return -1;
  torch::NoGradGuard no_grad;
  Autocast autocast(o.bf16);
  std::vector<Example> all;
  for (const auto& c : dev) all.push_back(in_order_example(c, o));
  std::sort(all.begin(), all.end(),
            [](const Example& a, const Example& b) { return a.tokens.size() < b.tokens.size(); });
  double sum = 0, count = 0;
  for (std::size_t i = 0; i < all.size(); i += static_cast<std::size_t>(o.batch)) {
    std::vector<Example> part(all.begin() + static_cast<std::ptrdiff_t>(i),
                              all.begin() + static_cast<std::ptrdiff_t>(
                                                std::min(all.size(), i + o.batch)));
    const Batch b = make_batch(part);
    sum += loss_sum(student, b).item<double>();
    count += b.targets;
  }
  return count > 0 ? sum / count : -1;
}

void check_options(const TrainOptions& o) {
  const auto bad = [](const std::string& why) { return InputError("train: " + why); };
  if (o.data_paths.empty()) throw bad("no training data file");
  if (o.base_path.empty() || (o.out_path.empty() && o.lora_adapter_out.empty()))
    throw bad("a base model and an output are needed");
  if (o.lora_rank < 0 || o.lora_alpha < 0) throw bad("the LoRA rank and alpha must not be negative");
  if (!o.lora_adapter_out.empty() && o.lora_rank == 0)
    throw bad("an adapter output needs LoRA (--lora-rank R)");
  if (o.dist_timeout_s < 1) throw bad("the distributed timeout must be at least 1 second");
  if (o.epochs < 1 && o.max_steps < 1) throw bad("epochs or the step limit must be positive");
  if (o.batch < 1 || o.grad_accum < 1 || o.max_len < 8)
    throw bad("batch and accumulation must be >= 1 and the length >= 8");
  if (!(o.lr > 0) || o.weight_decay < 0 || o.warmup_ratio < 0 || o.warmup_ratio >= 1 ||
      o.clip < 0 || o.dev_fraction < 0 || o.dev_fraction >= 1)
    throw bad("rate > 0, decay >= 0, warmup ratio and dev fraction in [0, 1), clip >= 0");
  for (const auto& out : {o.out_path, o.lora_adapter_out}) {
    if (out.empty()) continue;
    for (const auto& in : o.data_paths) refuse_same_file(in, out);
    refuse_same_file(o.base_path, out);
  }
}

std::uint64_t run_fingerprint(const TrainOptions& o, std::uint64_t data) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%d|%ld|%.9g|%.9g|%.9g|%.9g|%d|%d|%d|%d|%llu|%d|%d|%.9g|%d|%d",
                o.epochs, o.max_steps, o.lr, o.weight_decay, o.warmup_ratio, o.clip, o.batch,
                o.grad_accum, o.max_len, o.bf16 ? 1 : 0, static_cast<unsigned long long>(o.seed),
                static_cast<int>(o.tokenization), o.lora_rank, o.lora_alpha,
                static_cast<int>(o.lora_targets), static_cast<int>(o.loss_on));
  return hash64(buf, std::strlen(buf), data);
}

}  // namespace
}  // namespace train

TrainReport train_student(const TrainOptions& options, const TrainCallbacks& callbacks) {
  using namespace train;
  TrainOptions o = options;
  check_options(o);
  // Several processes (torchrun, srun): every rank computes the same plan and takes its share
  // of each micro-batch; rank 0 (the lead) alone reports, writes the log, checkpoints and model.
  const auto dist = Collective::connect(dist_env_from_environment(),
                                        std::chrono::seconds(o.dist_timeout_s));
  const bool lead = !dist || dist->rank() == 0;
  const int rank = dist ? dist->rank() : 0, world = dist ? dist->world() : 1;
  TrainCallbacks cb;
  cb.stop_requested = callbacks.stop_requested;
  if (lead) cb = callbacks;
  if (o.lora_rank > 0 && o.lora_alpha == 0) o.lora_alpha = 2.0f * static_cast<float>(o.lora_rank);
  const std::string& named = o.out_path.empty() ? o.lora_adapter_out : o.out_path;
  if (o.checkpoint_dir.empty()) o.checkpoint_dir = named + ".ckpt";
  if (o.metrics_path.empty()) o.metrics_path = named + ".metrics.jsonl";
  if (o.chart_path.empty()) o.chart_path = named + ".loss.svg";
  const int threads = o.threads > 0 ? o.threads
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);

  const auto base = engine::ModelFile::open(o.base_path);
  const PromptTemplate prompt = base.prompt_template();
  const Vocab vocab = Vocab::load(o.base_path);
  const TrainingData data = load_training_data(o, vocab, prompt, cb.warning);

  TrainReport report;
  report.world_size = world;
  report.rank = rank;
  report.conversations = data.train.size();
  report.dev_conversations = data.dev.size();
  report.skipped = data.skipped;
  std::vector<std::size_t> lengths;
  for (const auto& c : data.train) {
    lengths.push_back(std::min(c.size(), static_cast<std::size_t>(o.max_len)));
    if (c.size() > static_cast<std::size_t>(o.max_len)) ++report.truncated;
  }
  const auto batches_per_epoch = (lengths.size() + o.batch - 1) / o.batch;
  const long steps_per_epoch = static_cast<long>((batches_per_epoch + o.grad_accum - 1) / o.grad_accum);
  const long total = o.max_steps > 0 ? o.max_steps : steps_per_epoch * o.epochs;
  const long warmup = static_cast<long>(std::ceil(o.warmup_ratio * static_cast<double>(total)));

  Student student(base.shape());
  student.load(base);
  if (o.lora_rank > 0) student.add_lora(o.lora_rank, o.lora_alpha, o.lora_targets, o.seed);
  const std::vector<torch::Tensor> trainable = student.trainable();
  if (dist) dist->broadcast_from_first(trainable);  // the same start on every rank
  std::vector<torch::Tensor> decay, no_decay;  // as Hugging Face: no decay on norms and biases
  for (const auto& p : trainable) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay)));
  if (!no_decay.empty()) {  // LoRA trains matrices only
    groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                      torch::optim::AdamWOptions(o.lr).weight_decay(0)));
  }
  torch::optim::AdamW optimizer(std::move(groups));

  const std::uint64_t fingerprint = run_fingerprint(o, data.fingerprint);
  CheckpointState state;
  state.fingerprint = fingerprint;
  if (o.resume) {
    if (auto path = newest_checkpoint(o.checkpoint_dir)) {
      state = load_checkpoint(*path, fingerprint, student, optimizer);
      report.resumed_from = state.step;
    } else if (cb.warning) {
      cb.warning(o.checkpoint_dir + ": no checkpoint to resume from; starting at step 0");
    }
  } else if (newest_checkpoint(o.checkpoint_dir)) {
    throw InputError(o.checkpoint_dir +
                     ": holds checkpoints of an earlier run; resume it, or remove the folder");
  }
  if (lead) std::filesystem::create_directories(o.checkpoint_dir);
  std::optional<RunLog> log;
  if (lead) log.emplace(o.metrics_path, state.step);

  int plan_epoch = -1;
  BatchPlan plan;
  double pad_slots = 0, all_slots = 0;
  TrainProgress progress;
  progress.total_steps = total;
  const auto started = Clock::now();
  const double elapsed_before = state.elapsed_s, tokens_before = state.tokens;
  const auto elapsed = [&] {
    return elapsed_before + std::chrono::duration<double>(Clock::now() - started).count();
  };
  for (long step = state.step; step < total; ++step) {
    const int epoch = static_cast<int>(step / steps_per_epoch);
    if (epoch != plan_epoch) {
      plan = epoch_batches(lengths, static_cast<std::size_t>(o.batch), o.seed, epoch);
      plan_epoch = epoch;
    }
    const auto k = static_cast<std::size_t>(step % steps_per_epoch) * o.grad_accum;
    std::vector<Batch> micro;
    double trained = 0;
    for (std::size_t m = k; m < std::min(plan.size(), k + o.grad_accum); ++m) {
      std::vector<Example> ex;
      for (std::size_t j = 0; j < plan[m].size(); ++j) {
        if (static_cast<int>(j % world) != rank) continue;  // another rank's share
        const std::size_t i = plan[m][j];
        ex.push_back(assemble_example(data.train[i], o.seed, epoch, i,
                                      static_cast<std::size_t>(o.max_len)));
        if (o.loss_on == LossOn::kAll) train_every_token(ex.back());
      }
      if (ex.empty()) continue;
      micro.push_back(make_batch(ex));
      trained += micro.back().targets;
      const auto slots = static_cast<double>(micro.back().tokens.numel());
      pad_slots += slots - micro.back().real_tokens;
      all_slots += slots;
    }
    double comm_s = -1;  // time in collectives this step (distributed runs)
    const auto comm_start = Clock::now();
    if (dist) trained = dist->sum_values({trained})[0];
    if (dist) comm_s = std::chrono::duration<double>(Clock::now() - comm_start).count();
    // One token-weighted mean over the effective batch, however it is split into micro-batches
    // and ranks: each rank's sum over its share, divided by the whole batch's trained tokens.
    double step_loss = 0, step_tokens = 0;
    {
      Autocast autocast(o.bf16);
      for (const auto& b : micro) {
        auto loss = loss_sum(student, b) / std::max(1.0, trained);
        loss.backward();
        step_loss += loss.item<double>();
        step_tokens += b.real_tokens;
      }
    }
    bool stop = cb.stop_requested && cb.stop_requested();
    if (dist) {
      std::vector<torch::Tensor> grads;
      for (const auto& p : trainable) {
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);  // an empty share
        grads.push_back(p.grad());
      }
      const auto reduce_start = Clock::now();
      dist->all_reduce_sum(grads);  // the sum over ranks: the whole batch's gradient
      const auto sums = dist->sum_values({step_loss, step_tokens, stop ? 1.0 : 0.0});
      comm_s += std::chrono::duration<double>(Clock::now() - reduce_start).count();
      step_loss = sums[0], step_tokens = sums[1], stop = sums[2] > 0;  // one rank stops: all do
    }
    state.tokens += step_tokens;
    double grad_norm = 0;
    if (o.clip > 0) {
      grad_norm = torch::nn::utils::clip_grad_norm_(trainable, o.clip);
    }
    const double lr = learning_rate(o.lr, step, warmup, total);
    for (auto& g : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
    optimizer.step();
    optimizer.zero_grad();

    state.step = step + 1;
    state.elapsed_s = elapsed();
    progress.step = state.step;
    progress.epoch = epoch;
    progress.loss = step_loss;
    progress.lr = lr;
    const double run_s = std::max(1e-9, state.elapsed_s - elapsed_before);
    progress.tokens_per_s = (state.tokens - tokens_before) / run_s;
    progress.eta_s = run_s / static_cast<double>(state.step - report.resumed_from) *
                     static_cast<double>(total - state.step);
    if (log) {
      log->step({state.step, epoch, step_loss, lr, grad_norm, state.tokens, progress.tokens_per_s,
                 state.elapsed_s, comm_s});
    }
    const bool epoch_end = state.step % steps_per_epoch == 0 || state.step == total;
    if (lead && ((o.eval_every > 0 && state.step % o.eval_every == 0) ||
                 (o.eval_every == 0 && epoch_end))) {
      progress.dev_loss = dev_loss(student, data.dev, o);
      if (progress.dev_loss >= 0) log->dev(state.step, progress.dev_loss);
    }
    if (cb.progress) cb.progress(progress);
    if (lead && ((o.checkpoint_every > 0 && state.step % o.checkpoint_every == 0) ||
                 (stop && state.step < total))) {
      save_checkpoint(o.checkpoint_dir, state, student, optimizer, o.base_path, prompt,
                      o.keep_checkpoints);
    }
    if (stop && state.step < total) {
      report.interrupted = true;
      break;
    }
  }
  report.steps = state.step;
  report.tokens = state.tokens;
  report.padding_fraction = all_slots > 0 ? pad_slots / all_slots : 0;
  report.final_loss = progress.loss;
  report.dev_loss = progress.dev_loss;
  if (!lead) return report;
  log->write_chart(o.chart_path);
  if (!report.interrupted) {
    if (!o.out_path.empty()) student.save(o.out_path, o.base_path, prompt, o.out_type);
    if (!o.lora_adapter_out.empty()) student.lora()->save(o.lora_adapter_out, base.shape().arch);
  }
  return report;
}

std::size_t write_examples(const TrainOptions& o, const std::string& path) {
  using namespace train;
  for (const auto& in : o.data_paths) refuse_same_file(in, path);
  const auto base = engine::ModelFile::open(o.base_path);
  const Vocab vocab = Vocab::load(o.base_path);
  auto out = open_output(path);
  std::size_t n = 0;
  for (const auto& data : o.data_paths) {
    std::size_t skipped = 0;
    for (const auto& c : read_tokenized(data, vocab, base.prompt_template(), o.tokenization,
                                        o.strict, skipped, {})) {
      const auto e = in_order_example(c, o);
      *out << nlohmann::json{{"id", c.id}, {"tokens", e.tokens}, {"trained", e.trained}}.dump()
           << '\n';
      ++n;
    }
  }
  out->flush();
  if (!*out) throw Error(path + ": write failed (disk full?)");
  return n;
}

std::string show_example(const TrainOptions& o, std::size_t index) {
  using namespace train;
  const auto base = engine::ModelFile::open(o.base_path);
  const Vocab vocab = Vocab::load(o.base_path);
  std::size_t seen = 0;
  for (const auto& path : o.data_paths) {
    std::size_t skipped = 0;
    const auto all = read_tokenized(path, vocab, base.prompt_template(), o.tokenization, o.strict,
                                    skipped, {});
    if (index < seen + all.size()) {
      const auto e = in_order_example(all[index - seen], o);
      return "example " + std::to_string(index) + " (id " + all[index - seen].id + "): " +
             std::to_string(e.tokens.size()) + " tokens, " + std::to_string(e.trained_count()) +
             " trained (inside [[ ]])\n" + render_example(e, vocab) + "\n";
    }
    seen += all.size();
  }
  throw InputError("there are " + std::to_string(seen) + " usable conversations; example " +
                   std::to_string(index) + " does not exist");
}

}  // namespace uniner

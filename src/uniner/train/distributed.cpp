#include "train/distributed.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <cstdlib>

#include "uniner/error.h"

namespace uniner::train {
namespace {

// The first of `names` that is set, as an int; `fallback` when none is.
int env_int(std::initializer_list<const char*> names, int fallback) {
  for (const char* n : names) {
    if (const char* v = std::getenv(n); v != nullptr && *v != '\0') {
      char* end = nullptr;
      const long x = std::strtol(v, &end, 10);
      if (*end != '\0' || x < 0 || x > 1 << 20) {
        throw InputError(std::string("environment: ") + n + "='" + v + "' is not a number");
      }
      return static_cast<int>(x);
    }
  }
  return fallback;
}

// Gradients travel in buckets of at most this many floats (25 M floats = 100 MB), as PyTorch's
// DDP: one collective per bucket instead of one per tensor.
constexpr std::int64_t kBucket = 25'000'000;

}  // namespace

DistEnv dist_env_from_environment() {
  DistEnv e;
  e.world = env_int({"WORLD_SIZE", "SLURM_NTASKS"}, 1);
  e.rank = env_int({"RANK", "SLURM_PROCID"}, 0);
  e.local_rank = env_int({"LOCAL_RANK", "SLURM_LOCALID"}, 0);
  if (const char* a = std::getenv("MASTER_ADDR")) e.master_addr = a;
  e.master_port = env_int({"MASTER_PORT"}, 0);
  if (e.world < 1 || e.rank >= e.world) {
    throw InputError("environment: rank " + std::to_string(e.rank) + " is outside a world of " +
                     std::to_string(e.world) + " processes (RANK, WORLD_SIZE)");
  }
  if (e.world > 1 && (e.master_addr.empty() || e.master_port <= 0 || e.master_port > 65535)) {
    throw InputError("environment: a distributed run (WORLD_SIZE " + std::to_string(e.world) +
                     ") needs MASTER_ADDR and MASTER_PORT (the address and port of rank 0)");
  }
  return e;
}

struct Collective::Impl {
  DistEnv env;
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

  // Runs a collective, turning c10d's failures into one clear Error.
  template <typename F>
  void run(const char* what, F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      throw Error("distributed training: rank " + std::to_string(env.rank) + " of " +
                  std::to_string(env.world) + ": " + what +
                  " failed (another rank died or stopped answering): " + e.what());
    }
  }
};

std::unique_ptr<Collective> Collective::connect(const DistEnv& env, std::chrono::seconds timeout) {
  if (env.world <= 1) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->env = env;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(env.master_port);
    so.isServer = env.rank == 0;
    so.numWorkers = static_cast<std::size_t>(env.world);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, so);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME")) {
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
    } else {
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    options->threads = 2;
    impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, env.rank, env.world,
                                                             options);
  } catch (const std::exception& e) {
    throw Error("distributed training: rank " + std::to_string(env.rank) + " could not meet the " +
                std::to_string(env.world) + " ranks at " + env.master_addr + ":" +
                std::to_string(env.master_port) + " within " + std::to_string(timeout.count()) +
                " s: " + e.what());
  }
  return std::unique_ptr<Collective>(new Collective(std::move(impl)));
}

Collective::Collective(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Collective::~Collective() = default;

int Collective::rank() const { return impl_->env.rank; }
int Collective::world() const { return impl_->env.world; }

void Collective::all_reduce_sum(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  std::size_t i = 0;
  while (i < tensors.size()) {
    std::vector<torch::Tensor> bucket;
    std::int64_t n = 0;
    for (; i < tensors.size() && (bucket.empty() || n + tensors[i].numel() <= kBucket); ++i) {
      bucket.push_back(tensors[i]);
      n += tensors[i].numel();
    }
    std::vector<torch::Tensor> flat = {torch::cat(
        [&] {
          std::vector<torch::Tensor> v;
          for (const auto& t : bucket) v.push_back(t.reshape({-1}));
          return v;
        }())};
    impl_->run("all-reduce", [&] { impl_->group->allreduce(flat)->wait(); });
    std::int64_t at = 0;
    for (const auto& t : bucket) {
      t.copy_(flat[0].narrow(0, at, t.numel()).view_as(t));
      at += t.numel();
    }
  }
}

std::vector<double> Collective::sum_values(std::vector<double> values) {
  std::vector<torch::Tensor> t = {torch::tensor(values, torch::kFloat64)};
  impl_->run("all-reduce", [&] { impl_->group->allreduce(t)->wait(); });
  auto acc = t[0].accessor<double, 1>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = acc[static_cast<long>(i)];
  return values;
}

void Collective::broadcast_from_first(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  for (const auto& t : tensors) {
    std::vector<torch::Tensor> one = {t.detach()};
    impl_->run("broadcast", [&] { impl_->group->broadcast(one)->wait(); });
  }
}

}  // namespace uniner::train

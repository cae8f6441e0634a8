// Data-parallel training over several processes, launched as torchrun and Slurm launch them:
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (or Slurm's SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID with MASTER_ADDR/MASTER_PORT). PyTorch's c10d does the talking: a TCPStore at
// MASTER_ADDR:MASTER_PORT (rank 0 serves it) to meet, and ProcessGroupGloo for the collectives
// (CPU tensors; GLOO_SOCKET_IFNAME picks the network interface). Private to train/.
//
// Errors: InputError for an inconsistent environment (a rank outside the world, a world > 1
// without MASTER_ADDR/MASTER_PORT); Error when the processes cannot meet within the timeout or a
// collective fails (a rank died: its sockets close and the others' collective throws at once; a
// rank that hangs is given up on after the timeout).
#pragma once

#include <torch/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace uniner::train {

struct DistEnv {
  int rank = 0;
  int world = 1;
  int local_rank = 0;
  std::string master_addr;
  int master_port = 0;
};

// The launch environment; one process (world 1) when none is set.
DistEnv dist_env_from_environment();

class Collective {
 public:
  // Null for a world of 1. Blocks until every rank has joined (or the timeout).
  static std::unique_ptr<Collective> connect(const DistEnv& env, std::chrono::seconds timeout);
  ~Collective();

  int rank() const;
  int world() const;
  // Sums each tensor over the ranks, in place (flattened into buckets of one dtype).
  void all_reduce_sum(const std::vector<torch::Tensor>& tensors);
  // Sums plain numbers over the ranks.
  std::vector<double> sum_values(std::vector<double> values);
  // Every rank gets rank 0's values of the tensors, in place.
  void broadcast_from_first(const std::vector<torch::Tensor>& tensors);

 private:
  struct Impl;
  explicit Collective(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner::train

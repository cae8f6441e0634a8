#include "train/lora.h"

#include <torch/torch.h>

#include <cmath>

#include "engine/lora_file.h"
#include "uniner/error.h"

namespace uniner::train {
namespace {

bool targeted(const std::string& name, LoraTargets targets) {
  for (const char* t : {"attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight"})
    if (name.ends_with(t)) return true;
  if (targets == LoraTargets::kAttentionMlp) {
    for (const char* t : {"ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"})
      if (name.ends_with(t)) return true;
  }
  return false;
}

}  // namespace

LoraAdapters::LoraAdapters(const std::vector<engine::TensorSpec>& specs, int rank, float alpha,
                           LoraTargets targets, std::uint64_t seed)
    : rank_(rank), alpha_(alpha) {
  if (rank < 1) throw InputError("LoRA rank must be at least 1, got " + std::to_string(rank));
  if (!(alpha > 0)) throw InputError("LoRA alpha must be positive");
  torch::manual_seed(seed);
  for (const auto& s : specs) {
    if (s.shape.size() != 2 || !targeted(s.name, targets)) continue;
    const auto out = s.shape[0], in = s.shape[1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    auto a = torch::empty({rank, in}, torch::kFloat32).uniform_(-bound, bound);
    auto b = torch::zeros({out, rank}, torch::kFloat32);
    pairs_.emplace(s.name, LoraPair{a.requires_grad_(true), b.requires_grad_(true)});
  }
}

const LoraPair* LoraAdapters::find(const std::string& weight_name) const {
  auto it = pairs_.find(weight_name);
  return it == pairs_.end() ? nullptr : &it->second;
}

std::vector<torch::Tensor> LoraAdapters::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& [_, p] : pairs_) out.insert(out.end(), {p.a, p.b});
  return out;
}

void LoraAdapters::save(const std::string& path, const std::string& arch) const {
  std::vector<engine::TensorData> data;
  for (const auto& [name, p] : pairs_) {
    data.push_back({name + ".lora_a", {p.a.size(0), p.a.size(1)}, p.a.data_ptr<float>()});
    data.push_back({name + ".lora_b", {p.b.size(0), p.b.size(1)}, p.b.data_ptr<float>()});
  }
  engine::write_lora_file(path, arch, alpha_, data);
}

void LoraAdapters::load(const std::string& path) {
  const engine::LoraFile f = engine::read_lora_file(path);
  if (f.alpha != alpha_ || f.tensors.size() != 2 * pairs_.size()) {
    throw InputError(path + ": the adapter's alpha or tensors differ from this run's LoRA");
  }
  torch::NoGradGuard no_grad;
  for (const auto& t : f.tensors) {
    const bool is_a = t.name.ends_with(".lora_a");
    auto it = pairs_.find(t.name.substr(0, t.name.size() - 7));
    if (it == pairs_.end() || !(is_a || t.name.ends_with(".lora_b"))) {
      throw InputError(path + ": unexpected adapter tensor " + t.name);
    }
    torch::Tensor& dst = is_a ? it->second.a : it->second.b;
    if (std::vector<std::int64_t>(dst.sizes().begin(), dst.sizes().end()) != t.shape) {
      throw InputError(path + ": adapter tensor " + t.name + " has another shape (rank?)");
    }
    std::memcpy(dst.data_ptr<float>(), t.data.data(), t.data.size() * sizeof(float));
  }
}

}  // namespace uniner::train

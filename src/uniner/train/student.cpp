#include "train/student.h"

#include <torch/torch.h>

#include <cmath>

#include "uniner/error.h"

namespace uniner::train {

Student::Student(engine::ModelShape shape) : shape_(std::move(shape)) {
  specs_ = engine::model_tensors(shape_);
  std::map<std::string, torch::Tensor> by_name;
  for (const auto& s : specs_) {
    auto t = torch::zeros(s.shape, torch::kFloat32).requires_grad_(true);
    params_.push_back(t);
    by_name[s.name] = t;
  }
  const auto get = [&](const std::string& name) {
    auto it = by_name.find(name);
    return it == by_name.end() ? torch::Tensor() : it->second;
  };
  embed_ = get("token_embd.weight");
  out_norm_ = get("output_norm.weight");
  output_ = shape_.tied_output ? embed_ : get("output.weight");
  for (std::int64_t l = 0; l < shape_.layers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    layers_.push_back({get(b + "attn_norm.weight"), get(b + "attn_q.weight"),
                       get(b + "attn_k.weight"), get(b + "attn_v.weight"),
                       get(b + "attn_output.weight"), get(b + "attn_q.bias"),
                       get(b + "attn_k.bias"), get(b + "attn_v.bias"), get(b + "ffn_norm.weight"),
                       get(b + "ffn_gate.weight"), get(b + "ffn_up.weight"),
                       get(b + "ffn_down.weight"), b});
  }
  // theta_i = base^(-2i / head_dim), as llama.cpp's rope with n_dims = head_dim.
  const auto hd = shape_.head_dim();
  inv_freq_ = torch::pow(static_cast<double>(shape_.rope_base),
                         -torch::arange(0, hd, 2, torch::kFloat64) / static_cast<double>(hd))
                  .to(torch::kFloat32);
}

Student::~Student() = default;

void Student::add_lora(int rank, float alpha, LoraTargets targets, std::uint64_t seed) {
  lora_ = std::make_unique<LoraAdapters>(specs_, rank, alpha, targets, seed);
  for (auto& p : params_) p.requires_grad_(false);
}

std::vector<torch::Tensor> Student::trainable() const {
  return lora_ ? lora_->parameters() : params_;
}

void Student::save_checkpoint_weights(const std::string& dir, const std::string& tokenizer_from,
                                      const PromptTemplate& prompt) const {
  if (lora_) {
    lora_->save(dir + "/adapter.gguf", shape_.arch);
  } else {
    save(dir + "/model.gguf", tokenizer_from, prompt, engine::WeightType::kF32);
  }
}

void Student::load_checkpoint_weights(const std::string& dir) {
  if (lora_) {
    lora_->load(dir + "/adapter.gguf");
  } else {
    load(engine::ModelFile::open(dir + "/model.gguf"));
  }
}

torch::Tensor Student::project(const torch::Tensor& x, const torch::Tensor& w,
                               const std::string& name, const torch::Tensor& bias) const {
  auto y = torch::linear(x, w, bias);
  if (const LoraPair* p = lora_ ? lora_->find(name) : nullptr) {
    y = y + torch::linear(torch::linear(x, p->a), p->b) * lora_->scale();
  }
  return y;
}

void Student::load(const engine::ModelFile& file) {
  const auto& f = file.shape();
  const auto& s = shape_;
  if (f.arch != s.arch || f.vocab_size != s.vocab_size || f.dim != s.dim ||
      f.layers != s.layers || f.heads != s.heads || f.kv_heads != s.kv_heads || f.ff != s.ff ||
      f.tied_output != s.tied_output || f.qkv_bias != s.qkv_bias) {
    throw InputError(file.path() + ": the model's shape differs from the student's");
  }
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    file.read_tensor(specs_[i].name, params_[i].data_ptr<float>(), params_[i].numel());
  }
}

void Student::save(const std::string& path, const std::string& tokenizer_from,
                   const PromptTemplate& prompt, engine::WeightType type) const {
  std::vector<engine::TensorData> data;
  std::vector<torch::Tensor> merged;  // W + scale * B A of the adapted matrices, kept alive
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const float* values = params_[i].data_ptr<float>();
    if (const LoraPair* p = lora_ ? lora_->find(specs_[i].name) : nullptr) {
      merged.push_back((params_[i] + torch::matmul(p->b, p->a) * lora_->scale()).contiguous());
      values = merged.back().data_ptr<float>();
    }
    data.push_back({specs_[i].name, specs_[i].shape, values});
  }
  engine::ModelWriteOptions o;
  o.tokenizer_from = tokenizer_from;
  o.shape = shape_;
  o.prompt = prompt;
  o.type = type;
  engine::write_model_file(path, o, data);
}

torch::Tensor Student::rms_norm(const torch::Tensor& x, const torch::Tensor& w) const {
  // In fp32 whatever the autocast, as llama.cpp.
  auto xf = x.to(torch::kFloat32);
  return xf * torch::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + shape_.norm_eps) * w;
}

torch::Tensor Student::rope(const torch::Tensor& x, const torch::Tensor& cos,
                            const torch::Tensor& sin) const {
  const auto half = shape_.head_dim() / 2;
  if (shape_.arch == "qwen2") {
    // NEOX layout: element i pairs with i + head_dim / 2.
    auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
    return torch::cat({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, -1);
  }
  // llama.cpp's NORM layout (the GGUF's q/k rows are already permuted for it): adjacent pairs.
  auto xp = x.unflatten(-1, {half, 2});
  auto x1 = xp.select(-1, 0), x2 = xp.select(-1, 1);
  return torch::stack({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, -1).flatten(-2);
}

torch::Tensor Student::hidden(const torch::Tensor& tokens) const {
  const auto B = tokens.size(0), T = tokens.size(1);
  const auto H = shape_.heads, KV = shape_.kv_heads, hd = shape_.head_dim();
  auto x = embed_.index_select(0, tokens.reshape({-1})).view({B, T, shape_.dim});

  auto angles = torch::outer(torch::arange(T, torch::kFloat32), inv_freq_);  // [T, hd/2]
  auto cos = angles.cos().view({1, T, 1, hd / 2}), sin = angles.sin().view({1, T, 1, hd / 2});
  auto causal = torch::ones({T, T}, torch::kBool).triu(1);
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));

  for (const auto& L : layers_) {
    auto h = rms_norm(x, L.attn_norm);
    auto q = project(h, L.wq, L.prefix + "attn_q.weight", L.bq).view({B, T, H, hd});
    auto k = project(h, L.wk, L.prefix + "attn_k.weight", L.bk).view({B, T, KV, hd});
    auto v = project(h, L.wv, L.prefix + "attn_v.weight", L.bv).view({B, T, KV, hd});
    q = rope(q, cos, sin).transpose(1, 2);  // [B, H, T, hd]
    k = rope(k, cos, sin).transpose(1, 2);
    v = v.transpose(1, 2);
    if (KV != H) {  // query head h reads key/value head h / (H / KV), as llama.cpp
      k = k.repeat_interleave(H / KV, 1);
      v = v.repeat_interleave(H / KV, 1);
    }
    auto scores = torch::matmul(q, k.transpose(-2, -1)).to(torch::kFloat32) * scale;
    scores = scores.masked_fill(causal, -std::numeric_limits<float>::infinity());
    auto attn = torch::matmul(torch::softmax(scores, -1).to(v.scalar_type()), v);
    attn = attn.transpose(1, 2).reshape({B, T, shape_.dim});
    x = x + project(attn, L.wo, L.prefix + "attn_output.weight").to(torch::kFloat32);
    auto f = rms_norm(x, L.ffn_norm);
    auto gated = torch::silu(project(f, L.gate, L.prefix + "ffn_gate.weight")) *
                 project(f, L.up, L.prefix + "ffn_up.weight");
    x = x + project(gated, L.down, L.prefix + "ffn_down.weight").to(torch::kFloat32);
  }
  return x;
}

torch::Tensor Student::logits(const torch::Tensor& rows) const {
  return torch::linear(rms_norm(rows, out_norm_), output_).to(torch::kFloat32);
}

}  // namespace uniner::train

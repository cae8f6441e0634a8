// `uniner train --lora-rank`: adapters only (the base stays as it was), the merged model equals
// base + scale * B A, `extract --lora` gives the merged model's answers, a killed LoRA run
// resumes to the same adapters.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/lora_file.h"
#include "engine/model_file.h"
#include "support/engine_fixture.h"
#include "uniner/engine/model_init.h"

namespace uniner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string q(const std::string& s) { return shell_quote(s); }

// "<person> met <person'> in <city>.": each passage asked for person, city and an absent type.
struct World {
  json data = json::array();
  std::string passages;  // JSONL for extract
};

World world(std::size_t n, int copies) {
  const char* people[] = {"Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana"};
  const char* cities[] = {"Paris", "Tokyo", "Oslo", "Cairo", "Quito", "Seoul", "Rome", "Berlin"};
  World w;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string p = people[i % 8], c = cities[(i * 3 + 1) % 8];
    const std::string text = p + " flew to " + c + " last week.";
    for (int k = 0; k < copies; ++k) {
      json turns = json::array({{{"from", "human"}, {"value", "Text: " + text}},
                                {{"from", "gpt"}, {"value", "I've read this text."}}});
      for (const auto& [type, answer] : std::vector<std::pair<std::string, std::string>>{
               {"person", "[\"" + p + "\"]"}, {"city", "[\"" + c + "\"]"}, {"company", "[]"}}) {
        turns.push_back({{"from", "human"}, {"value", "What describes " + type + " in the text?"}});
        turns.push_back({{"from", "gpt"}, {"value", answer}});
      }
      w.data.push_back({{"id", "c" + std::to_string(i) + "-" + std::to_string(k)},
                        {"conversations", turns}});
    }
    w.passages += json{{"id", "p" + std::to_string(i)},
                       {"text", text},
                       {"types", {"person", "city", "company"}}}
                      .dump() + "\n";
  }
  return w;
}

std::string base_model(const TempDir& dir) {
  InitModelOptions o;
  o.vocab_path = llama_vocab_path();
  o.out_path = dir.file("base.gguf");
  o.dim = 64, o.layers = 2, o.heads = 4, o.kv_heads = 2, o.ff = 128, o.seed = 9;
  init_model(o);
  return o.out_path;
}

std::map<std::string, std::vector<float>> tensors(const std::string& path) {
  const auto f = engine::ModelFile::open(path);
  std::map<std::string, std::vector<float>> out;
  for (const auto& spec : engine::model_tensors(f.shape())) {
    auto& v = out[spec.name];
    v.resize(static_cast<std::size_t>(spec.numel()));
    f.read_tensor(spec.name, v.data(), spec.numel());
  }
  return out;
}

std::vector<json> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TEST(TrainLora, AdaptersOnlyMergedExactlyAndServedAlike) {
  TempDir dir;
  const auto base = base_model(dir);
  const World w = world(8, 12);
  const auto data = dir.write("train.json", w.data.dump());
  const auto merged = dir.file("merged.gguf"), adapter = dir.file("adapter.gguf");
  const auto r = run_command(
      uniner_bin() + " train --base " + q(base) + " --data " + q(data) + " --out " + q(merged) +
      " --lora-adapter-out " + q(adapter) + " --lora-rank 16 --lora-alpha 32 --lora-targets "
      "attn+mlp --dev-fraction 0 --epochs 8 --lr 1e-2 --batch 8 --warmup-ratio 0.02 --threads 2 "
      "--quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The merged file: untouched tensors are the base's bit for bit; adapted ones are
  // base + (alpha / rank) B A with B A read back from the adapter file.
  const auto before = tensors(base), after = tensors(merged);
  const engine::LoraFile lora = engine::read_lora_file(adapter);
  EXPECT_EQ(lora.arch, "llama");
  EXPECT_FLOAT_EQ(lora.alpha, 32.0f);
  std::map<std::string, std::pair<const engine::LoraTensor*, const engine::LoraTensor*>> ab;
  for (const auto& t : lora.tensors) {
    const bool is_a = t.name.ends_with(".lora_a");
    auto& slot = ab[t.name.substr(0, t.name.size() - 7)];
    (is_a ? slot.first : slot.second) = &t;
  }
  EXPECT_EQ(ab.size(), 2u * 7u) << "q, k, v, output, gate, up, down of 2 layers";
  std::size_t changed = 0;
  for (const auto& [name, w0] : before) {
    const auto& w1 = after.at(name);
    auto it = ab.find(name);
    if (it == ab.end()) {
      EXPECT_EQ(w0, w1) << name << " is not adapted: it must not change";
      continue;
    }
    const auto& [a, b] = it->second;
    ASSERT_TRUE(a && b) << name;
    const auto rank = a->shape[0], in = a->shape[1], out = b->shape[0];
    ASSERT_EQ(rank, 16);
    for (std::int64_t o = 0; o < out; ++o) {
      for (std::int64_t i = 0; i < in; ++i) {
        double delta = 0;
        for (std::int64_t k = 0; k < rank; ++k) delta += b->data[o * rank + k] * a->data[k * in + i];
        const float expect = w0[o * in + i] + static_cast<float>(2.0 * delta);
        ASSERT_NEAR(w1[o * in + i], expect, 1e-4f) << name << " [" << o << "," << i << "]";
        changed += w1[o * in + i] != w0[o * in + i];
      }
    }
  }
  EXPECT_GT(changed, 0u) << "training moved the adapted matrices";

  // base + adapter in llama.cpp answers as the merged model does.
  const auto in = dir.write("passages.jsonl", w.passages);
  const auto via_merged = dir.file("merged.jsonl"), via_adapter = dir.file("adapter.jsonl");
  auto x = run_command(uniner_bin() + " extract -m " + q(merged) + " -i " + q(in) + " -o " +
                       q(via_merged) + " --threads 2 --quiet");
  ASSERT_EQ(x.exit_code, 0) << x.err;
  x = run_command(uniner_bin() + " extract -m " + q(base) + " --lora " + q(adapter) + " -i " +
                  q(in) + " -o " + q(via_adapter) + " --threads 2 --quiet");
  ASSERT_EQ(x.exit_code, 0) << x.err;
  const auto m = read_lines(via_merged), a = read_lines(via_adapter);
  ASSERT_EQ(m.size(), 8u);
  ASSERT_EQ(a.size(), 8u);
  std::size_t learnt = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(a[i].at("raw"), m[i].at("raw")) << i;
    learnt += m[i].at("raw").at("company") == "[]";
  }
  EXPECT_GE(learnt, 6u) << "the adapters learnt the answer format";
}

TEST(TrainLora, RefusesAnAdapterOfAnotherShapeAndAdapterOutWithoutLora) {
  TempDir dir;
  const auto base = base_model(dir);
  const auto data = dir.write("train.json", world(2, 1).data.dump());
  auto r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                       " --lora-adapter-out " + q(dir.file("a.gguf")) + " --quiet");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--lora-rank"), std::string::npos) << r.err;
  // An adapter trained on this base does not fit a base of another width.
  const auto adapter = dir.file("a.gguf");
  r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                  " --lora-adapter-out " + q(adapter) + " --lora-rank 4 --max-steps 1 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  InitModelOptions o;
  o.vocab_path = llama_vocab_path();
  o.out_path = dir.file("wide.gguf");
  o.dim = 128, o.layers = 2, o.heads = 4, o.ff = 256;
  init_model(o);
  r = run_command(uniner_bin() + " extract -m " + q(o.out_path) + " --lora " + q(adapter) +
                  " --text 'Paris.' --types city --quiet");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot apply this LoRA adapter"), std::string::npos) << r.err;
}

TEST(TrainLora, KilledRunResumesToTheSameAdapters) {
  TempDir dir;
  const auto base = base_model(dir);
  const auto data = dir.write("train.json", world(8, 10).data.dump());
  const std::string common = " train --base " + q(base) + " --data " + q(data) +
                             " --lora-rank 4 --max-steps 40 --batch 4 --lr 1e-3 --threads 1"
                             " --quiet --checkpoint-every 10";
  const auto straight = dir.file("straight.gguf");
  auto r = run_command(uniner_bin() + common + " --lora-adapter-out " + q(straight));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto killed = dir.file("killed.gguf");
  const std::string cmd = uniner_bin() + common + " --lora-adapter-out " + q(killed);
  const pid_t pid = start_command(cmd + " 2>/dev/null");
  ASSERT_GE(pid, 0);
  const auto first = fs::path(killed + ".ckpt") / "step-00000010";
  ASSERT_TRUE(signal_when(pid, [&] { return fs::exists(first / "state.json"); }, SIGKILL))
      << "the run ended before it could be killed";
  EXPECT_TRUE(fs::exists(first / "adapter.gguf"));
  EXPECT_FALSE(fs::exists(first / "model.gguf")) << "a LoRA checkpoint holds the adapters only";
  r = run_command(cmd + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = engine::read_lora_file(straight), b = engine::read_lora_file(killed);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (std::size_t t = 0; t < a.tensors.size(); ++t) {
    ASSERT_EQ(a.tensors[t].name, b.tensors[t].name);
    for (std::size_t i = 0; i < a.tensors[t].data.size(); ++i) {
      ASSERT_NEAR(a.tensors[t].data[i], b.tensors[t].data[i],
                  1e-5f * (1.0f + std::abs(a.tensors[t].data[i])))
          << a.tensors[t].name;
    }
  }
}

}  // namespace
}  // namespace uniner::testing

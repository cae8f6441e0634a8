// `uniner train` as a user runs it: learn then extract, resume after kill -9, bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/model_file.h"
#include "support/engine_fixture.h"
#include "support/model_weights.h"
#include "uniner/engine/model_init.h"

namespace uniner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json conversation(const std::string& id, const std::string& text,
                  const std::vector<std::pair<std::string, std::string>>& qa) {
  json turns = json::array({{{"from", "human"}, {"value", "Text: " + text}},
                            {{"from", "gpt"}, {"value", "I've read this text."}}});
  for (const auto& [type, answer] : qa) {
    turns.push_back({{"from", "human"}, {"value", "What describes " + type + " in the text?"}});
    turns.push_back({{"from", "gpt"}, {"value", answer}});
  }
  return {{"id", id}, {"conversations", turns}};
}

struct World {
  json data = json::array();
  std::vector<std::tuple<std::string, std::string, std::string>> passages;  // text, person, city
};

// Small conversations: "<person> flew to <city> on day <i>." (or, with fixed_city, each person
// always to the same city "last week"), asking person, city and an absent type.
World small_world(std::size_t n, bool fixed_city = false) {
  const char* people[] = {"Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana",
                          "Ivan", "Jana", "Kofi", "Lena", "Mateo", "Nina", "Omar", "Paula"};
  const char* cities[] = {"Paris", "Tokyo", "Oslo", "Cairo", "Quito", "Seoul", "Rome", "Berlin",
                          "Dakar", "Vienna", "Madrid", "Nairobi", "Hanoi", "Accra", "Zurich", "Warsaw"};
  World w;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string p = people[i % 16];
    const std::string c = cities[fixed_city ? ((i % 16) * 5 + 3) % 16 : (i * 7 + i / 16) % 16];
    const std::string text =
        p + " flew to " + c + (fixed_city ? " last week." : " on day " + std::to_string(i) + ".");
    w.passages.emplace_back(text, p, c);
    w.data.push_back(conversation("c" + std::to_string(i), text,
                                  {{"person", "[\"" + p + "\"]"},
                                   {"city", "[\"" + c + "\"]"},
                                   {"company", "[]"}}));
  }
  return w;
}

std::string tiny_base(const TempDir& dir, int dim = 64) {  // init std 1/sqrt(dim)
  InitModelOptions o;
  o.vocab_path = llama_vocab_path();
  o.out_path = dir.file("base.gguf");
  o.dim = dim, o.layers = 2, o.heads = 4, o.ff = dim * 2, o.seed = 5;
  init_model(o);
  return o.out_path;
}

std::string q(const std::string& s) { return shell_quote(s); }

TEST(TrainCli, LearnsThenExtractsTheTrainedAnswers) {
  TempDir dir;
  const auto base = tiny_base(dir);
  // 240 conversations over 16 passages (each seen 15 times, its questions in a new order each
  // time): small enough to be learnt in seconds by a dim-64 student from scratch.
  World w = small_world(16, /*fixed_city=*/true);
  const json one_pass = w.data;
  for (int copy = 1; copy < 15; ++copy)
    for (const auto& c : one_pass) {
      w.data.push_back(c);
      w.data.back()["id"] = c["id"].get<std::string>() + "-" + std::to_string(copy);
    }
  const auto data = dir.write("train.json", w.data.dump());
  const auto student = dir.file("student.gguf");
  const auto r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                             " --out " + q(student) + " --dev-fraction 0 --epochs 10 --lr 5e-3 "
                             "--batch 8 --warmup-ratio 0.02 --threads 2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("train: wrote"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(student + ".loss.svg"));
  EXPECT_TRUE(fs::exists(student + ".metrics.jsonl"));

  std::string passages;
  for (std::size_t i = 0; i < w.passages.size(); ++i) {
    passages += json{{"id", "p" + std::to_string(i)},
                     {"text", std::get<0>(w.passages[i])},
                     {"types", {"person", "city", "company"}}}
                    .dump() + "\n";
  }
  const auto in = dir.write("passages.jsonl", passages);
  const auto out = dir.file("entities.jsonl");
  const auto x = run_command(uniner_bin() + " extract -m " + q(student) + " -i " + q(in) +
                             " -o " + q(out) + " --threads 2 --quiet");
  ASSERT_EQ(x.exit_code, 0) << x.err;
  std::ifstream lines(out);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto j = json::parse(line);
    const auto& [text, person, city] = w.passages[n];
    const auto& raw = j.at("raw");
    EXPECT_EQ(raw.at("person"), "[\"" + person + "\"]") << text;
    EXPECT_EQ(raw.at("city"), "[\"" + city + "\"]") << text;
    EXPECT_EQ(raw.at("company"), "[]") << text;
  }
  EXPECT_EQ(n, w.passages.size());
}


// N steps straight, and N steps with a kill -9 in the middle and --resume: the same weights.
TEST(TrainCli, KilledRunResumesToTheSameWeights) {
  TempDir dir;
  const auto base = tiny_base(dir);
  const auto data = dir.write("train.json", small_world(160).data.dump());
  const std::string common = " train --base " + q(base) + " --data " + q(data) +
                             " --max-steps 60 --batch 4 --lr 1e-3 --threads 1 --quiet"
                             " --checkpoint-every 10 --eval-every 20";
  const auto straight = dir.file("straight.gguf");
  auto r = run_command(uniner_bin() + common + " --out " + q(straight));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto killed = dir.file("killed.gguf");
  const std::string cmd = uniner_bin() + common + " --out " + q(killed);
  const pid_t pid = start_command(cmd + " 2>/dev/null");
  ASSERT_GE(pid, 0);
  const auto first = fs::path(killed + ".ckpt") / "step-00000010";
  ASSERT_TRUE(signal_when(pid, [&] { return fs::exists(first / "state.json"); }, SIGKILL))
      << "the run ended before it could be killed";
  ASSERT_FALSE(fs::exists(killed));

  r = run_command(cmd + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resumed at"), std::string::npos) << r.err;
  const auto a = weights(straight), b = weights(killed);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t t = 0; t < a.size(); ++t) {
    for (std::size_t i = 0; i < a[t].size(); ++i) {
      ASSERT_NEAR(a[t][i], b[t][i], 1e-5f * (1.0f + std::abs(a[t][i]))) << "tensor " << t;
    }
  }
  // The run log holds each step once, in order, across the resume.
  std::ifstream log(killed + ".metrics.jsonl");
  long last = 0;
  for (std::string line; std::getline(log, line);) {
    const auto j = json::parse(line);
    if (!j.contains("loss")) continue;
    EXPECT_EQ(j.at("step").get<long>(), last + 1);
    last = j.at("step").get<long>();
  }
  EXPECT_EQ(last, 60);
}

TEST(TrainCli, BadInputIsReportedAndSkippedOrFatalUnderStrict) {
  TempDir dir;
  const auto base = tiny_base(dir);
  auto data = small_world(20).data;
  data.push_back(conversation("no-answer", "Nobody here.", {}));
  data.push_back(conversation("not-a-question", "Alice.", {{"person", "[\"Alice\"]"}}));
  data.back()["conversations"][2]["value"] = "List the people.";
  const auto path = dir.write("train.json", data.dump());
  const std::string common = uniner_bin() + " train --base " + q(base) + " --data " + q(path) +
                             " --max-steps 2 --threads 1 --quiet --out " + q(dir.file("s.gguf"));
  auto r = run_command(common);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("record no-answer: no question/answer turn"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("record not-a-question: turn 2 is not a type question"), std::string::npos);
  EXPECT_NE(r.err.find("2 skipped"), std::string::npos) << r.err;

  r = run_command(common + " --strict --checkpoint-dir " + q(dir.file("ck2")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("train.json:"), std::string::npos) << r.err;

  r = run_command(uniner_bin() + " train --base " + q(base) + " --data " +
                  q(dir.write("empty.json", "[]")) + " --out " + q(dir.file("e.gguf")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no usable training conversation"), std::string::npos) << r.err;

  r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(path) + " --out " +
                  q(path));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(TrainCli, QuantizedBaseIsRefusedWithTheWayOut) {
  TempDir dir;
  const auto base = tiny_base(dir);
  const auto q8 = dir.file("base-q8_0.gguf");
  auto r = run_command(uniner_bin() + " export --model " + q(base) + " --out " + q(q8) +
                       " --quantize q8_0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto data = dir.write("train.json", small_world(8).data.dump());
  r = run_command(uniner_bin() + " train --base " + q(q8) + " --data " + q(data) + " --out " +
                  q(dir.file("s.gguf")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("quantized"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("F16"), std::string::npos) << r.err;
}

TEST(TrainCli, ShowExampleMarksTheTrainedPieces) {
  TempDir dir;
  const auto base = tiny_base(dir);
  const auto data = dir.write("train.json", small_world(3).data.dump());
  const auto r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                             " --show-example 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("example 1 (id c1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ASSISTANT:[[ I've read this text.</s>]]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[[ [\"Bruno\"]</s>]]"), std::string::npos) << r.out;
  // The original's segments: "ASSISTANT: " ends in its own (masked) space token.
  const auto o = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                             " --show-example 1 --tokenization original");
  EXPECT_NE(o.out.find("ASSISTANT: [[ I've read this text.</s>]]"), std::string::npos) << o.out;
}

// --loss-on all: the whole conversation is trained (after the first token), and the run trains.
TEST(TrainCli, LossOnAllTrainsEveryToken) {
  TempDir dir;
  const auto base = tiny_base(dir);
  const auto data = dir.write("train.json", small_world(8).data.dump());
  const auto shown = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                                 " --show-example 1 --loss-on all");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  // One trained span from the second token to the end: only BOS stays outside.
  const auto body = shown.out.substr(shown.out.find('\n') + 1);
  EXPECT_EQ(body.rfind("<s>[[ A virtual assistant", 0), 0u) << body;
  EXPECT_EQ(body.find("[[", 5), std::string::npos) << body;
  EXPECT_NE(body.find("[]</s>]]"), std::string::npos) << body;
  const auto r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                             " --out " + q(dir.file("s.gguf")) +
                             " --max-steps 4 --batch 4 --threads 1 --loss-on all --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.file("s.gguf")));
}

// --keep-checkpoints 0 keeps every checkpoint, each with a model extract loads (a learning
// curve benches them); the default keeps the newest two.
TEST(TrainCli, KeepCheckpointsZeroKeepsEveryModel) {
  TempDir dir;
  const auto base = tiny_base(dir);
  const auto data = dir.write("train.json", small_world(16).data.dump());
  const auto count = [](const std::string& ckpt) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(ckpt)) {
      if (e.path().filename().string().starts_with("step-") &&
          fs::exists(e.path() / "model.gguf")) {
        ++n;
      }
    }
    return n;
  };
  for (const auto& [keep, expected] : {std::pair{"0", 3u}, std::pair{"2", 2u}}) {
    const auto out = dir.file(std::string("s") + keep + ".gguf");
    const auto r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                               " --out " + q(out) + " --max-steps 6 --batch 4 --threads 1" +
                               " --checkpoint-every 2 --keep-checkpoints " + keep + " --quiet");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count(out + ".ckpt"), expected) << "--keep-checkpoints " << keep;
  }
  const auto e = run_command(uniner_bin() + " extract -m " +
                             q(dir.file("s0.gguf.ckpt/step-00000002/model.gguf")) +
                             " --text 'Alice flew to Paris.' --types person --quiet");
  EXPECT_EQ(e.exit_code, 0) << e.err;
}

// F16 and BF16 bases, the llama and qwen2 architectures, BPE vocabularies, a tied output: each
// trains, and the written student (F32, F16, BF16) is served by extract as it is.
TEST(TrainCli, EveryBaseTypeAndArchitectureTrainsAndServes) {
  struct Case {
    const char *vocab, *arch, *base_type, *out_type;
    bool tied;
    const char* extra;
  };
  for (const Case c : {Case{"llama-spm", "llama", "f16", "bf16", false, ""},
                       Case{"llama-bpe", "llama", "bf16", "f32", true, ""},
                       Case{"qwen2", "qwen2", "f32", "f16", false, " --bf16"}}) {
    TempDir dir;
    const auto base = dir.file("base.gguf");
    auto r = run_command(uniner_bin() + " init-model --vocab " +
                         q(std::string(UNINER_LLAMA_CPP_DIR) + "/models/ggml-vocab-" + c.vocab +
                           ".gguf") +
                         " --out " + q(base) + " --arch " + c.arch + " --outtype " + c.base_type +
                         " --dim 32 --layers 1 --heads 4 --kv-heads 2 --ff 64" +
                         (c.tied ? " --tied-output" : ""));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto data = dir.write("train.json", small_world(6).data.dump());
    const auto student = dir.file("student.gguf");
    r = run_command(uniner_bin() + " train --base " + q(base) + " --data " + q(data) + " --out " +
                    q(student) + " --max-steps 2 --batch 3 --threads 1 --quiet --outtype " +
                    c.out_type + c.extra);
    ASSERT_EQ(r.exit_code, 0) << c.vocab << ": " << r.err;
    const auto f = engine::ModelFile::open(student);
    EXPECT_EQ(f.shape().arch, c.arch);
    EXPECT_EQ(f.shape().tied_output, c.tied);
    EXPECT_TRUE(f.has_template_metadata());
    EXPECT_EQ(f.prompt_template(), engine::ModelFile::open(base).prompt_template());
    r = run_command(uniner_bin() + " extract -m " + q(student) +
                    " --text 'Alice flew to Paris.' --types person --max-new-tokens 4 --quiet");
    EXPECT_EQ(r.exit_code, 0) << c.vocab << ": " << r.err;
    EXPECT_NE(r.out.find("\"raw\""), std::string::npos) << r.out;
  }
}

// Ctrl-C (SIGINT) finishes the step, writes a checkpoint and exits 130; --resume completes.
TEST(TrainCli, InterruptedRunCheckpointsAndResumes) {
  TempDir dir;
  const auto base = tiny_base(dir);
  const auto data = dir.write("train.json", small_world(64).data.dump());
  const auto student = dir.file("s.gguf");
  const std::string cmd = uniner_bin() + " train --base " + q(base) + " --data " + q(data) +
                          " --out " + q(student) + " --max-steps 120 --batch 4 --threads 1 " +
                          "--checkpoint-every 1000";
  const pid_t pid = start_command(cmd + " 2>" + q(dir.file("err")));
  ASSERT_GE(pid, 0);
  const auto steps_logged = [&] {  // the run is under way: two steps in its log
    std::ifstream log(student + ".metrics.jsonl");
    std::string line;
    return std::getline(log, line) && std::getline(log, line);
  };
  const auto waited = signal_when(pid, steps_logged, SIGINT);
  ASSERT_TRUE(waited) << "the run ended before it could be interrupted";
  const int status = *waited;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << read_file(dir.file("err"));
  EXPECT_NE(read_file(dir.file("err")).find("--resume"), std::string::npos);
  EXPECT_FALSE(fs::exists(student));
  const auto r = run_command(cmd + " --resume --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(student));
  EXPECT_NE(r.err.find("resumed at"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace uniner::testing

// Distributed data parallel as torchrun launches it (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT):
// two processes on 127.0.0.1 reach the weights of one process with the same global batch, also
// across a kill -9 and --resume; a rank that dies ends the other with an error, not a hang.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

std::string q(const std::string& s) { return shell_quote(s); }

// A port nobody listens on now (the kernel's choice for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

std::string env(int rank, int world, int port) {
  return "env RANK=" + std::to_string(rank) + " LOCAL_RANK=" + std::to_string(rank) +
         " WORLD_SIZE=" + std::to_string(world) + " MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
         std::to_string(port) + " ";
}

std::string data_file(const TempDir& dir) {
  const char* people[] = {"Alice", "Bruno", "Chen", "Dana", "Emil", "Farah", "Goran", "Hana"};
  const char* cities[] = {"Paris", "Tokyo", "Oslo", "Cairo", "Quito", "Seoul", "Rome"};
  json data = json::array();
  for (int i = 0; i < 90; ++i) {
    const std::string p = people[i % 8], c = cities[i % 7];
    const std::string text = p + " went to " + c + " on day " + std::to_string(i) + ".";
    json turns = json::array({{{"from", "human"}, {"value", "Text: " + text}},
                              {{"from", "gpt"}, {"value", "I've read this text."}},
                              {{"from", "human"}, {"value", "What describes person in the text?"}},
                              {{"from", "gpt"}, {"value", "[\"" + p + "\"]"}},
                              {{"from", "human"}, {"value", "What describes city in the text?"}},
                              {{"from", "gpt"}, {"value", "[\"" + c + "\"]"}}});
    data.push_back({{"id", "c" + std::to_string(i)}, {"conversations", turns}});
  }
  return dir.write("train.json", data.dump());
}

std::string base_model(const TempDir& dir) {
  InitModelOptions o;
  o.vocab_path = llama_vocab_path();
  o.out_path = dir.file("base.gguf");
  o.dim = 64, o.layers = 2, o.heads = 4, o.ff = 128, o.seed = 4;
  init_model(o);
  return o.out_path;
}


void expect_same_weights(const std::string& a_path, const std::string& b_path) {
  const auto a = weights(a_path), b = weights(b_path);
  ASSERT_EQ(a.size(), b.size());
  float worst = 0;
  for (std::size_t t = 0; t < a.size(); ++t) {
    for (std::size_t i = 0; i < a[t].size(); ++i) {
      worst = std::max(worst, std::abs(a[t][i] - b[t][i]) / (1.0f + std::abs(a[t][i])));
    }
  }
  EXPECT_LT(worst, 2e-5f) << "largest relative weight difference";
}

// Waits for a process started with start_command; its exit code, or -1 after `timeout`.
int wait_exit(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class TrainDdp : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = base_model(dir_);
    data_ = data_file(dir_);
  }
  // The run every test compares: 24 steps of a global batch of 8, 1 thread per process.
  std::string args(const std::string& out, long steps = 24) const {
    return " train --base " + q(base_) + " --data " + q(data_) + " --out " + q(out) +
           " --max-steps " + std::to_string(steps) +
           " --batch 8 --lr 2e-3 --dev-fraction 0 --threads 1 --quiet"
           " --checkpoint-every 8 --dist-timeout 60";
  }
  TempDir dir_;
  std::string base_, data_;
};

TEST_F(TrainDdp, TwoProcessesReachTheWeightsOfOne) {
  const auto one = dir_.file("one.gguf");
  auto r = run_command(uniner_bin() + args(one));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto two = dir_.file("two.gguf");
  const int port = free_port();
  const pid_t second = start_command(env(1, 2, port) + uniner_bin() + args(two) + " 2>/dev/null");
  r = run_command(env(0, 2, port) + uniner_bin() + args(two));
  EXPECT_EQ(wait_exit(second, std::chrono::seconds(120)), 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 processes"), std::string::npos) << r.err;
  expect_same_weights(one, two);
}

TEST_F(TrainDdp, AKilledDistributedRunResumesToTheSameWeights) {
  const auto one = dir_.file("one.gguf");
  auto r = run_command(uniner_bin() + args(one));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto two = dir_.file("two.gguf");
  int port = free_port();
  const pid_t first = start_command(env(0, 2, port) + uniner_bin() + args(two) + " 2>/dev/null");
  const pid_t second = start_command(env(1, 2, port) + uniner_bin() + args(two) + " 2>/dev/null");
  const auto ckpt = fs::path(two + ".ckpt") / "step-00000008" / "state.json";
  ASSERT_TRUE(signal_when(first, [&] { return fs::exists(ckpt); }, SIGKILL))
      << "the run ended before it could be killed";
  kill(second, SIGKILL);
  waitpid(second, nullptr, 0);
  ASSERT_FALSE(fs::exists(two));

  port = free_port();
  const pid_t again = start_command(env(1, 2, port) + uniner_bin() + args(two) + " --resume" +
                                    " 2>/dev/null");
  r = run_command(env(0, 2, port) + uniner_bin() + args(two) + " --resume");
  EXPECT_EQ(wait_exit(again, std::chrono::seconds(120)), 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resumed at"), std::string::npos) << r.err;
  expect_same_weights(one, two);
}

TEST_F(TrainDdp, ADeadRankEndsTheOthersWithAnErrorNotAHang) {
  const auto out = dir_.file("run.gguf");
  const auto log = dir_.file("rank0.log");
  const int port = free_port();
  const long endless = 1000000;
  const pid_t first =
      start_command(env(0, 2, port) + uniner_bin() + args(out, endless) + " 2>" + q(log));
  const pid_t second =
      start_command(env(1, 2, port) + uniner_bin() + args(out, endless) + " 2>/dev/null");
  const auto metrics = out + ".metrics.jsonl";
  ASSERT_TRUE(signal_when(second, [&] { return fs::exists(metrics) && fs::file_size(metrics) > 200; },
                          SIGKILL))
      << "training never started";
  const int code = wait_exit(first, std::chrono::seconds(90));  // a hang is the failure here
  EXPECT_NE(code, -1) << "rank 0 still running 90 s after rank 1 died";
  EXPECT_NE(code, 0);
  const std::string err = read_file(log);
  EXPECT_NE(err.find("distributed training: rank 0 of 2"), std::string::npos) << err;
}

TEST(TrainDdpEnv, ABadLaunchEnvironmentIsExplained) {
  TempDir dir;
  const auto r = run_command("RANK=3 WORLD_SIZE=2 " + uniner_bin() + " train --base x.gguf " +
                             "--data y.json --out z.gguf");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("outside a world of 2"), std::string::npos) << r.err;
  const auto r2 = run_command("RANK=0 WORLD_SIZE=2 " + uniner_bin() + " train --base x.gguf " +
                              "--data y.json --out z.gguf");
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("MASTER_ADDR and MASTER_PORT"), std::string::npos) << r2.err;
}

}  // namespace
}  // namespace uniner::testing

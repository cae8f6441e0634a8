// `uniner serve` as a user runs it: the real binary in its own process, the API key from the
// environment, SIGTERM while a request is in flight, a client that hangs up mid-request.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "support/serve_support.h"

namespace uniner {
namespace {

using nlohmann::json;
using testing::http_call;
using testing::read_file;
using testing::TempDir;

const auto kDeadline = std::chrono::seconds(120);  // a bound for waits, never an assertion

// A `uniner serve` process on a free port, stopped (SIGKILL) if a test leaves it running.
class ServeProcess {
 public:
  ServeProcess(const TempDir& dir, const std::string& args, const std::string& env = "") {
    log_ = dir.file("serve-" + std::to_string(++count_) + ".log");
    pid_ = testing::start_command(env + " " + testing::uniner_bin() + " serve --port 0 -t 1 " +
                                  args + " 2>" + log_);
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // Waits for "model loaded" in the log; the port is read from "listening on ...:PORT".
  bool wait_ready() {
    const auto until = std::chrono::steady_clock::now() + kDeadline;
    while (std::chrono::steady_clock::now() < until) {
      const std::string log = read_file(log_);
      std::smatch m;
      if (std::regex_search(log, m, std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)"))) {
        port_ = std::stoi(m[1]);
      }
      if (port_ > 0 && log.find("model loaded") != std::string::npos) return true;
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
  // Waits for the process to end; its exit code, or -1 when killed by a signal.
  int wait_exit() {
    if (pid_ > 0) waitpid(pid_, &status_, 0);
    pid_ = -1;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }
  void signal(int sig) const { kill(pid_, sig); }
  int port() const { return port_; }
  std::string log() const { return read_file(log_); }

 private:
  static inline int count_ = 0;
  std::string log_;
  pid_t pid_ = -1;
  int port_ = -1;
  int status_ = 0;
};

// The value of one unlabelled sample of /metrics, or -1.
double metric(int port, const std::string& name) {
  const auto a = http_call(port, "GET", "/metrics");
  std::smatch m;
  if (!std::regex_search(a.body, m, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
  return std::stod(m[1]);
}

bool wait_until(const std::function<bool()>& condition) {
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class ServeCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    model_ = testing::make_tiny_model(*dir_);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  // A request that keeps the engine busy for a while: many answers of many tokens (a random
  // model rarely ends an answer early).
  static std::string long_request() {
    std::vector<std::string> texts;
    for (int i = 0; i < 8; ++i) texts.push_back("Passage " + std::to_string(i) + " about Paris.");
    return testing::extract_body(texts, {"a", "b", "c", "d"}, false, "\"max_new_tokens\": 128");
  }
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::string model_;
};

TEST_F(ServeCli, ApiKeyGuardsEveryRouteButHealthAndThePage) {
  ServeProcess server(*dir_, "-m " + model_ + " --api-key-env UNINER_TEST_KEY",
                      "env UNINER_TEST_KEY=s3cret");
  ASSERT_TRUE(server.wait_ready()) << server.log();
  const int port = server.port();
  EXPECT_EQ(http_call(port, "GET", "/health").status, 200);
  EXPECT_EQ(http_call(port, "GET", "/").status, 200);
  const std::string body = R"({"text": "Paris.", "types": ["city"]})";
  for (const std::string key : {"", "wrong", "s3cre", "s3cret!"}) {
    for (const char* path : {"/metrics", "/v1/model", "/v1/extract", "/nothing"}) {
      const bool post = std::string(path) == "/v1/extract";
      const auto a = http_call(port, post ? "POST" : "GET", path, post ? body : "", key);
      EXPECT_EQ(a.status, 401) << path << " with key '" << key << "'";
      EXPECT_NE(a.body.find("API key"), std::string::npos) << a.body;
    }
  }
  EXPECT_EQ(http_call(port, "GET", "/metrics", "", "s3cret").status, 200);
  EXPECT_EQ(http_call(port, "GET", "/v1/model", "", "s3cret").status, 200);
  EXPECT_EQ(http_call(port, "POST", "/v1/extract", body, "s3cret").status, 200);
  EXPECT_NE(http_call(port, "GET", "/metrics", "", "s3cret")
                .body.find("uniner_http_requests_total{route=\"/v1/extract\",status=\"401\"} 4"),
            std::string::npos);
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(), 0) << server.log();
}

TEST_F(ServeCli, UsageErrorsExitTwoWithTheReason) {
  auto r = testing::run_command(testing::uniner_bin() + " serve -m " + model_ +
                                " --api-key-env UNINER_NO_SUCH_VARIABLE");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("UNINER_NO_SUCH_VARIABLE (the API key) is not set"), std::string::npos)
      << r.err;
  r = testing::run_command(testing::uniner_bin() + " serve -m " + model_ + " --port 99999");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = testing::run_command(testing::uniner_bin() + " serve -m " + model_ + " --max-types 0");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  TempDir dir;
  r = testing::run_command(testing::uniner_bin() + " serve --port 0 -m " +
                           dir.write("bad.gguf", "not a model"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("uniner: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a GGUF file"), std::string::npos) << r.err;
}

TEST_F(ServeCli, SigtermFinishesTheRequestInFlightRefusesNewOnesAndExitsZero) {
  ServeProcess server(*dir_, "-m " + model_);
  ASSERT_TRUE(server.wait_ready()) << server.log();
  const int port = server.port();
  auto in_flight = std::async(std::launch::async,
                              [&] { return http_call(port, "POST", "/v1/extract", long_request()); });
  ASSERT_TRUE(wait_until([&] { return metric(port, "uniner_passages_submitted_total") >= 8; }));
  server.signal(SIGTERM);
  ASSERT_TRUE(wait_until([&] {
    return http_call(port, "GET", "/health").body.find("\"stopping\"") != std::string::npos;
  })) << "the server should still answer while it finishes the request";
  const auto refused = http_call(port, "POST", "/v1/extract", R"({"text": "a", "types": ["b"]})");
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.body.find("shutting down"), std::string::npos) << refused.body;
  const auto finished = in_flight.get();
  ASSERT_EQ(finished.status, 200) << finished.body;
  EXPECT_EQ(json::parse(finished.body)["results"].size(), 8u);
  EXPECT_EQ(server.wait_exit(), 0) << server.log();
  EXPECT_NE(server.log().find("serve: stopped"), std::string::npos) << server.log();
}

TEST_F(ServeCli, AClientThatHangsUpHasItsWorkCancelled) {
  ServeProcess server(*dir_, "-m " + model_);
  ASSERT_TRUE(server.wait_ready()) << server.log();
  const int port = server.port();
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string body = long_request();
  const std::string request = "POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: "
                              "application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  ASSERT_TRUE(wait_until([&] { return metric(port, "uniner_passages_submitted_total") >= 8; }));
  close(fd);
  ASSERT_TRUE(wait_until([&] { return metric(port, "uniner_passages_cancelled_total") >= 1; }))
      << http_call(port, "GET", "/metrics").body;
  ASSERT_TRUE(wait_until([&] { return metric(port, "uniner_passages_in_flight") == 0 &&
                                      metric(port, "uniner_queue_depth") == 0; }));
  // The handler counts its answer (499, nobody to read it) once its passages are all delivered.
  EXPECT_TRUE(wait_until([&] {
    return http_call(port, "GET", "/metrics")
               .body.find("uniner_http_requests_total{route=\"/v1/extract\",status=\"499\"} 1") !=
           std::string::npos;
  }));
  EXPECT_EQ(http_call(port, "GET", "/health").status, 200);
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(), 0) << server.log();
}

}  // namespace
}  // namespace uniner

// Malformed and truncated requests against a live server on loopback: a few thousand, bounded in
// count and in time, from a fixed seed. The server must answer each one it can read with a status
// (never a crash or a hang) and keep answering /health.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "support/serve_support.h"
#include "uniner/serve/server.h"

namespace uniner {
namespace {

using testing::http_call;

constexpr int kRequests = 3000;
constexpr auto kTimeBound = std::chrono::seconds(90);

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{30, 0};  // a server that never answers fails the test instead of hanging it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (a bad request line): fine
    at += static_cast<std::size_t>(n);
  }
}

// Sends the bytes and reads the answer's status; 0 when the server closed without one.
// `half_close`: no more bytes are coming, so a request cut short is answered at once instead of
// after the server's read timeout (not for a whole extraction request: a client that half-closes
// while its extraction runs counts as gone).
int exchange(int port, const std::string& bytes, bool read_answer, bool half_close = false) {
  const int fd = connect_to(port);
  if (fd < 0) return -1;
  send_all(fd, bytes);
  int status = 0;
  if (read_answer) {
    if (half_close) shutdown(fd, SHUT_WR);
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, n);
    if (got.rfind("HTTP/1.1 ", 0) == 0 && got.size() >= 12) status = std::stoi(got.substr(9, 3));
  }
  close(fd);
  return status;
}

std::string post(const std::string& body, const std::string& length = "") {
  return "POST /v1/extract HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nContent-Type: "
         "application/json\r\nContent-Length: " +
         (length.empty() ? std::to_string(body.size()) : length) + "\r\n\r\n" + body;
}

const char* const kSeeds[] = {
    R"({"text": "Paris is lovely.", "types": ["city", "country"]})",
    R"({"texts": ["Ada met Charles.", "Lyon"], "types": ["person"], "parser": "official"})",
    R"({"text": "x", "types": ["a"], "max_new_tokens": 2, "byte_offsets": true})",
};

std::string mutate(std::string s, std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const std::size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0: s[at] = static_cast<char>(rng() % 256); break;  // any byte, invalid UTF-8 too
      case 1: s.erase(at, 1 + rng() % 8); break;
      case 2: s.insert(at, 1, "{}[]\",:\\0a-9e"[rng() % 13]); break;
      case 3: s.resize(at); break;  // truncated
      case 4: s.insert(at, s.substr(at, rng() % 16)); break;
    }
  }
  return s;
}

TEST(ServeFuzz, MalformedAndTruncatedRequestsNeverStopTheServer) {
  testing::TempDir dir;
  ServerOptions o;
  o.model_path = testing::make_tiny_model(dir);
  o.port = 0;
  o.model.threads = 1;
  o.extract.max_new_tokens = 2;
  o.max_new_tokens_limit = 4;  // a mutated request that is valid stays cheap
  o.max_body_bytes = 2048;
  Server server(o, {});
  while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int port = server.port();

  std::mt19937 rng(20261126);
  const auto start = std::chrono::steady_clock::now();
  int sent = 0, unanswered = 0;
  double kind_seconds[6] = {};
  int kind_count[6] = {};
  for (; sent < kRequests && std::chrono::steady_clock::now() - start < kTimeBound; ++sent) {
    const std::string seed = kSeeds[rng() % std::size(kSeeds)];
    const unsigned kind = rng() % 6;
    const auto t0 = std::chrono::steady_clock::now();
    switch (kind) {
      case 0: case 1: case 2: {  // a well-formed HTTP request with a damaged JSON body
        const int status = exchange(port, post(mutate(seed, rng)), true);
        if (status != 200 && status != 400 && status != 413) ++unanswered;
        EXPECT_TRUE(status == 200 || status == 400 || status == 413) << "status " << status;
        break;
      }
      case 3: {  // the body cut short, then the client leaves
        const std::string full = post(seed);
        exchange(port, full.substr(0, rng() % full.size()), false);
        break;
      }
      case 4: {  // a length that lies or is not a number
        const char* lengths[] = {"abc", "-1", "99999999999999999999", "5000", "0x10", ""};
        exchange(port, post(seed, lengths[rng() % std::size(lengths)]).substr(0, 400), false);
        break;
      }
      case 5: {  // not HTTP at all, or a mangled request line and headers
        std::string junk = mutate("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", rng);
        if (rng() % 2) {
          junk.clear();
          for (std::size_t n = rng() % 600; n > 0; --n) junk += static_cast<char>(rng() % 256);
        }
        exchange(port, junk, rng() % 2 == 0, /*half_close=*/true);
        break;
      }
    }
    kind_seconds[kind] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++kind_count[kind];
    if (sent % 250 == 0) {
      ASSERT_EQ(http_call(port, "GET", "/health").status, 200) << "after " << sent;
    }
  }
  std::printf("serve fuzz: %d requests in %.1f s\n", sent,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  for (int k = 0; k < 6; ++k) std::printf("  kind %d: %d requests, %.2f s\n", k, kind_count[k], kind_seconds[k]);
  EXPECT_EQ(unanswered, 0);
  EXPECT_EQ(http_call(port, "GET", "/health").status, 200);
  EXPECT_EQ(http_call(port, "POST", "/v1/extract", kSeeds[0]).status, 200);
}

}  // namespace
}  // namespace uniner

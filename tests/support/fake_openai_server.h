// A local OpenAI-compatible chat server for tests and benchmarks: answers
// POST .../chat/completions from fixtures, with deterministic fault injection. Binds 127.0.0.1 on
// a free port (port()).
//
//   uniner::testing::FakeOpenAiOptions o;
//   o.latency_ms = 50;
//   uniner::testing::FakeOpenAiServer server(o);
//   // point a client at server.base_url() ("http://127.0.0.1:PORT/v1")
//
// The passage is what follows "Passage: " (or "Paragraph: ") in the last user message. Its
// answer: the fixture for that exact passage, else default_answer(passage) (its capitalized
// words, as ("Word", "capitalized word") tuples).
//
// Faults: a passage containing the marker {{fault:KIND}} gets KIND on every request for it;
// {{fault:KIND*N}} only on its first N requests (then a normal answer). KIND is one of
//   429       status 429 with Retry-After (FakeOpenAiOptions::retry_after)
//   500, 503  server errors          400, 401, 404   client errors (never worth a retry)
//   slow      the answer after slow_ms (beyond the client's timeout)
//   drop      the connection is closed before any response byte
//   truncate  Content-Length of the whole body, half of it sent, then the connection closed
//   nonjson   status 200 with an HTML body
//   empty     status 200 with "choices": []
//   prose     a normal answer whose content is prose with no list (a parse error)
// Requests are counted per passage (attempts()), with their arrival times, so tests can check
// retries and Retry-After waits.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace uniner::testing {

struct FakeOpenAiOptions {
  int latency_ms = 0;                          // added before every answer
  int slow_ms = 5000;                          // delay of a "slow" fault
  std::string retry_after = "1";               // Retry-After header of a 429 fault
  std::string api_key;                         // when set, "Bearer <key>" is required (else 401)
  std::map<std::string, std::string> answers;  // fixtures: passage text -> answer content
  int threads = 128;                           // server threads (>= the clients' concurrency)
};

class FakeOpenAiServer {
 public:
  explicit FakeOpenAiServer(FakeOpenAiOptions options);
  ~FakeOpenAiServer();  // stops the server
  FakeOpenAiServer(const FakeOpenAiServer&) = delete;
  FakeOpenAiServer& operator=(const FakeOpenAiServer&) = delete;

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT/v1"

  // Requests seen for a passage (exact text), and their arrival times since the server started.
  std::size_t attempts(const std::string& passage) const;
  std::vector<double> attempt_times(const std::string& passage) const;
  std::string last_request(const std::string& passage) const;  // its last JSON body
  std::size_t requests() const;                                // every chat request seen
  std::vector<std::string> authorization_headers() const;      // distinct values seen

  // The answer given when no fixture matches: [("Word", "capitalized word"), ...] for each
  // distinct word of the passage starting with an uppercase ASCII letter (markers excluded).
  static std::string default_answer(std::string_view passage);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner::testing

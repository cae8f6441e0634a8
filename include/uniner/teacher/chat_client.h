// A client of OpenAI-compatible chat APIs (OpenAI, vLLM, llama.cpp server, Ollama...): POST
// {base_url}/chat/completions, with retries. Plain HTTP and HTTPS (OpenSSL; the system's CA
// certificates unless ChatOptions::ca_cert_file says otherwise).
//
// Retries: connection failures, dropped connections, timeouts, truncated or non-JSON bodies,
// answers without choices, HTTP 408, 409, 429 and 5xx are retried up to `max_retries` times,
// with exponential backoff and jitter; a Retry-After (or retry-after-ms) header is honoured.
// Other 4xx answers are not retried. 401, 403 and 404 are `fatal`: the key, the URL or the
// model is wrong, and every other request would fail the same way.
//
// The API key is sent as "Authorization: Bearer <key>" and never appears in `error` (any echo
// of it in a server message is replaced by "***").
//
// Ownership: ChatClient is a move-only handle that owns its keep-alive connection; the
// ChatOptions::cancel flag is borrowed and must outlive the client. Thread safety: one ChatClient
// per thread; any number of clients may run at once.
// Errors: the constructor throws InputError for a bad base_url (or https without TLS support),
// an empty model, a timeout <= 0, negative retries or an unreadable CA file; complete() never
// throws for network or server trouble: the ChatResult says what happened.
//
//   uniner::ChatOptions o;
//   o.base_url = "http://127.0.0.1:8000/v1";
//   o.model = "my-model";
//   uniner::ChatClient client(o);
//   auto r = client.complete({{"system", "You are..."}, {"user", "Given a passage..."}});
//   if (r.ok) use(r.content); else report(r.error);
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace uniner {

struct ChatMessage {
  std::string role;     // "system", "user" or "assistant"
  std::string content;  // the message text
};

struct ChatOptions {
  std::string base_url = "https://api.openai.com/v1";  // scheme://host[:port][/path], no /chat/...
  std::string model;                 // the "model" field of the request (required)
  std::string api_key;               // bearer token; empty sends no Authorization header
  double temperature = 0.0;          // sampling temperature (0 = greedy, as the original)
  int max_tokens = 1024;             // "max_tokens" of the request; 0 leaves it out
  double timeout_s = 60.0;           // per attempt: connecting, waiting and reading the whole body
  int max_retries = 5;               // retries after the first attempt (0 = a single attempt)
  double backoff_s = 1.0;            // delay before the first retry; doubles each retry, jittered
  double backoff_max_s = 60.0;       // cap of the exponential delay
  double retry_after_max_s = 300.0;  // cap of a server's Retry-After
  std::string ca_cert_file;          // PEM CA bundle for HTTPS; empty = the system's certificates
  const std::atomic<bool>* cancel = nullptr;  // when set and true: stop retrying, fail "cancelled"
};

struct ChatResult {
  bool ok = false;                  // an answer arrived (content may still be empty)
  bool fatal = false;               // not ok, and no later request can succeed (401/403/404, TLS)
  std::string content;              // choices[0].message.content
  std::string finish_reason;        // choices[0].finish_reason ("stop", "length"...), if given
  std::uint64_t prompt_tokens = 0;  // usage.prompt_tokens of the answer, 0 when absent
  std::uint64_t completion_tokens = 0;  // usage.completion_tokens, 0 when absent
  int attempts = 0;                     // HTTP requests made (1 + retries)
  int http_status = 0;                  // status of the last response, 0 when none arrived
  std::string error;                    // why it failed: the last attempt's reason, when !ok
};

class ChatClient {
 public:
  // Throws InputError when base_url is not http(s)://host[:port][/path] (https needs a TLS
  // build), model is empty, timeout_s <= 0, max_retries < 0, or ca_cert_file cannot be read.
  explicit ChatClient(ChatOptions options);
  ~ChatClient();
  ChatClient(ChatClient&&) noexcept;
  ChatClient& operator=(ChatClient&&) noexcept;

  // One chat completion, retried as described above. Never throws for network or server
  // trouble: the result says what happened.
  ChatResult complete(const std::vector<ChatMessage>& messages);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner

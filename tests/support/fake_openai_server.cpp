#include "support/fake_openai_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace uniner::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Calls fn(fd, local port, peer port or -1 when unconnected) for each socket of this process
// (httplib exposes none of its sockets); stops when fn returns true.
template <typename Fn>
void for_each_socket(Fn fn) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    sockaddr_storage local{}, peer{};
    socklen_t len = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    len = sizeof peer;
    const bool connected = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
    if (fn(fd, port_of(local), connected ? port_of(peer) : -1)) return;
  }
}

// The server-side socket of a request: the one whose local and peer ports are the request's.
int socket_of(const httplib::Request& req) {
  int found = -1;
  for_each_socket([&](int fd, int local, int peer) {
    if (local != req.local_port || peer != req.remote_port) return false;
    found = fd;
    return true;
  });
  return found;
}

// httplib listens with a backlog of 5: a burst of new connections (a client starting 32 at once)
// overflows it, and the kernel's SYN retry costs a whole second. Raise it on the listening socket.
void raise_listen_backlog(int port) {
  for_each_socket([&](int fd, int local, int peer) {
    if (local == port && peer == -1) ::listen(fd, 1024);
    return false;
  });
}

std::string error_body(const std::string& message, const std::string& type) {
  return json{{"error", {{"message", message}, {"type", type}}}}.dump();
}

}  // namespace

struct FakeOpenAiServer::Impl {
  FakeOpenAiOptions options;
  httplib::Server server;
  std::thread thread;
  int port = -1;
  std::atomic<bool> stopping{false};
  const Clock::time_point start = Clock::now();

  mutable std::mutex mutex;
  std::unordered_map<std::string, std::vector<double>> times;  // passage -> arrival times
  std::unordered_map<std::string, std::string> bodies;         // passage -> last request body
  std::size_t requests = 0;
  std::set<std::string> authorizations;

  // Sleeps, waking early when the server stops.
  void pause(int ms) const {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (!stopping && Clock::now() < until) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(20)));
    }
  }

  std::string completion(const std::string& content, const json& request) const {
    std::size_t prompt_bytes = 0;
    for (const auto& m : request["messages"]) {
      if (m.contains("content") && m["content"].is_string()) {
        prompt_bytes += m["content"].get<std::string>().size();
      }
    }
    const std::size_t prompt_tokens = prompt_bytes / 4 + 1,
                      completion_tokens = content.size() / 4 + 1;
    return json{{"id", "chatcmpl-fake"},
                {"object", "chat.completion"},
                {"created", 0},
                {"model", request.value("model", "")},
                {"choices",
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", content}}},
                   {"finish_reason", "stop"}}}},
                {"usage",
                 {{"prompt_tokens", prompt_tokens},
                  {"completion_tokens", completion_tokens},
                  {"total_tokens", prompt_tokens + completion_tokens}}}}
        .dump();
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    {
      std::lock_guard lock(mutex);
      ++requests;
      authorizations.insert(auth);
    }
    if (!options.api_key.empty() && auth != "Bearer " + options.api_key) {
      res.status = 401;
      res.set_content(error_body("Incorrect API key provided.", "invalid_request_error"),
                      "application/json");
      return;
    }
    const json request = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!request.is_object() || !request.contains("messages") || !request["messages"].is_array() ||
        request["messages"].empty()) {
      res.status = 400;
      res.set_content(error_body("invalid request body", "invalid_request_error"),
                      "application/json");
      return;
    }
    std::string user;
    for (const auto& m : request["messages"]) {
      if (m.value("role", "") == "user" && m.contains("content") && m["content"].is_string()) {
        user = m["content"].get<std::string>();
      }
    }
    std::string passage = user;
    for (const char* marker : {"\n\nPassage: ", "\n\nParagraph: "}) {
      const std::size_t at = user.find(marker);
      if (at != std::string::npos) {
        passage = user.substr(at + std::string_view(marker).size());
        break;
      }
    }
    std::size_t attempt = 0;
    {
      std::lock_guard lock(mutex);
      auto& t = times[passage];
      t.push_back(std::chrono::duration<double>(Clock::now() - start).count());
      attempt = t.size();
      bodies[passage] = req.body;
    }
    if (options.latency_ms > 0) pause(options.latency_ms);

    std::string fault;
    static const std::regex kFault(R"(\{\{fault:([a-z0-9]+)(?:\*(\d+))?\}\})");
    std::smatch m;
    if (std::regex_search(passage, m, kFault)) {
      const bool limited = m[2].matched;
      if (!limited || attempt <= std::stoul(m[2].str())) fault = m[1].str();
    }

    const auto fixture = options.answers.find(passage);
    std::string content =
        fixture != options.answers.end() ? fixture->second : default_answer(passage);
    if (fault == "429") {
      res.status = 429;
      res.set_header("Retry-After", options.retry_after);
      res.set_content(error_body("Rate limit reached for requests", "requests"),
                      "application/json");
    } else if (fault == "500" || fault == "503") {
      res.status = std::stoi(fault);
      res.set_content(
          error_body("The server had an error while processing your request.", "server_error"),
          "application/json");
    } else if (fault == "400" || fault == "401" || fault == "404") {
      res.status = std::stoi(fault);
      res.set_content(
          error_body(fault == "400"   ? "This model's maximum context length is 4097 tokens."
                     : fault == "401" ? "Incorrect API key provided."
                                      : "The model does not exist.",
                     "invalid_request_error"),
          "application/json");
    } else if (fault == "drop") {
      const int fd = socket_of(req);
      if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
      res.status = 500;  // never arrives: the socket is shut
    } else if (fault == "truncate") {
      auto body = std::make_shared<std::string>(completion(content, request));
      res.set_content_provider(body->size(), "application/json",
                               [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset == 0) sink.write(body->data(), body->size() / 2);
                                 return false;  // abort: the connection closes mid-body
                               });
    } else if (fault == "nonjson") {
      res.status = 200;
      res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
    } else if (fault == "empty") {
      res.set_content(
          json{{"id", "chatcmpl-fake"}, {"object", "chat.completion"}, {"choices", json::array()}}
              .dump(),
          "application/json");
    } else {
      if (fault == "slow") pause(options.slow_ms);
      if (fault == "prose") content = "I could not find any named entities in this passage.";
      res.set_content(completion(content, request), "application/json");
    }
  }
};

FakeOpenAiServer::FakeOpenAiServer(FakeOpenAiOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  const int threads = std::max(4, s.options.threads);
  s.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.server.set_keep_alive_max_count(1000000);
  s.server.set_keep_alive_timeout(30);
  s.server.set_tcp_nodelay(true);
  s.server.Post(
      R"(.*/chat/completions)",
      [this](const httplib::Request& req, httplib::Response& res) { impl_->handle(req, res); });
  s.server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  s.port = s.server.bind_to_any_port("127.0.0.1");
  if (s.port <= 0) throw std::runtime_error("fake OpenAI server: cannot bind 127.0.0.1");
  raise_listen_backlog(s.port);
  s.thread = std::thread([this] { impl_->server.listen_after_bind(); });
  for (int i = 0; i < 500 && !s.server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

FakeOpenAiServer::~FakeOpenAiServer() {
  impl_->stopping = true;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int FakeOpenAiServer::port() const {
  return impl_->port;
}

std::string FakeOpenAiServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/v1";
}

std::size_t FakeOpenAiServer::attempts(const std::string& passage) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->times.find(passage);
  return it == impl_->times.end() ? 0 : it->second.size();
}

std::vector<double> FakeOpenAiServer::attempt_times(const std::string& passage) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->times.find(passage);
  return it == impl_->times.end() ? std::vector<double>{} : it->second;
}

std::string FakeOpenAiServer::last_request(const std::string& passage) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->bodies.find(passage);
  return it == impl_->bodies.end() ? std::string() : it->second;
}

std::size_t FakeOpenAiServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::vector<std::string> FakeOpenAiServer::authorization_headers() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->authorizations.begin(), impl_->authorizations.end()};
}

std::string FakeOpenAiServer::default_answer(std::string_view passage) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < passage.size()) {
    while (i < passage.size() && (passage[i] == ' ' || passage[i] == '\n' || passage[i] == '\t'))
      ++i;
    std::size_t j = i;
    while (j < passage.size() && passage[j] != ' ' && passage[j] != '\n' && passage[j] != '\t') ++j;
    std::string_view word = passage.substr(i, j - i);
    i = j;
    if (word.find("{{") != std::string_view::npos) continue;  // a fault marker
    while (!word.empty() &&
           std::string_view(".,;:!?\"()[]").find(word.back()) != std::string_view::npos) {
      word.remove_suffix(1);
    }
    while (!word.empty() && std::string_view("\"([").find(word.front()) != std::string_view::npos) {
      word.remove_prefix(1);
    }
    if (word.empty() || word.front() < 'A' || word.front() > 'Z') continue;
    if (std::find(words.begin(), words.end(), word) == words.end()) words.emplace_back(word);
  }
  std::string out = "[";
  for (const auto& w : words) {
    if (out.size() > 1) out += ", ";
    out += std::string("(\"") + w + "\", \"capitalized word\")";
  }
  return out + "]";
}

}  // namespace uniner::testing

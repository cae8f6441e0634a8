#include "uniner/teacher/chat_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "teacher/retry_policy.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct BaseUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // as written, IPv6 addresses in brackets
  int port = 0;
  std::string path;  // "" or "/v1", no trailing '/'
};

BaseUrl parse_base_url(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    return InputError("base URL '" + url + "': " + why +
                      " (expected http[s]://host[:port][/path], e.g. http://127.0.0.1:8000/v1)");
  };
  BaseUrl out;
  const std::size_t sep = url.find("://");
  if (sep == std::string::npos) throw bad("no scheme");
  out.scheme = url.substr(0, sep);
  std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.scheme != "http" && out.scheme != "https") throw bad("unsupported scheme");
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (out.scheme == "https") throw bad("this build of uniner has no HTTPS support");
#endif
  std::string rest = url.substr(sep + 3);
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  if (out.path.find_first_of("?#") != std::string::npos) throw bad("query or fragment");
  std::size_t colon = std::string::npos;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) throw bad("unclosed '['");
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw bad("bad host");
      colon = close + 1;
    }
  } else {
    colon = authority.rfind(':');
  }
  out.host = authority.substr(0, colon);
  if (out.host.empty() || out.host.find('@') != std::string::npos) throw bad("bad host");
  out.port = out.scheme == "https" ? 443 : 80;
  if (colon != std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
        std::stoi(port) > 65535) {
      throw bad("bad port");
    }
    out.port = std::stoi(port);
  }
  return out;
}

// At most `limit` bytes of a server's text, on one line, for an error message.
std::string snippet(std::string_view s, std::size_t limit = 160) {
  std::string out;
  for (char c : s.substr(0, limit)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (s.size() > limit) out += "...";
  return out;
}

// The message of an error body: {"error": {"message": ...}}, {"error": "..."}, {"message": ...},
// else the start of the raw body.
std::string server_message(const std::string& body) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    const auto error = j.find("error");
    if (error != j.end()) {
      if (error->is_string()) return snippet(error->get<std::string>(), 300);
      if (error->is_object()) {
        const auto message = error->find("message");
        if (message != error->end() && message->is_string()) {
          return snippet(message->get<std::string>(), 300);
        }
      }
    }
    const auto message = j.find("message");
    if (message != j.end() && message->is_string())
      return snippet(message->get<std::string>(), 300);
  }
  return snippet(body);
}

std::uint64_t usage_field(const json& usage, const char* name) {
  const auto it = usage.find(name);
  if (it == usage.end() || !it->is_number()) return 0;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer())
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, it->get<std::int64_t>()));
  return static_cast<std::uint64_t>(std::max(0.0, it->get<double>()));
}

enum class Outcome { kOk, kRetry, kFail, kFatal };

struct Attempt {
  Outcome outcome = Outcome::kRetry;
  std::string error;          // why it did not succeed
  double retry_after_s = -1;  // what the server asked, negative when it did not
  int status = 0;             // HTTP status, 0 when no response arrived
};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

}  // namespace

struct ChatClient::Impl {
  ChatOptions options;
  BaseUrl url;
  std::unique_ptr<httplib::Client> http;
  std::mt19937_64 rng{std::random_device{}()};

  httplib::Client& client() {
    if (http) return *http;
    std::string host = url.host;
    http = std::make_unique<httplib::Client>(url.scheme + "://" + host + ":" +
                                             std::to_string(url.port));
    const auto timeout = std::chrono::microseconds(
        static_cast<std::int64_t>(std::max(0.001, options.timeout_s) * 1e6));
    http->set_connection_timeout(timeout);
    http->set_read_timeout(timeout);
    http->set_write_timeout(timeout);
    http->set_keep_alive(true);
    http->set_tcp_nodelay(true);  // headers and body go out in two writes: no Nagle delay
    http->set_follow_location(false);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    if (!options.ca_cert_file.empty()) http->set_ca_cert_path(options.ca_cert_file);
    http->enable_server_certificate_verification(true);
#endif
    return *http;
  }

  std::string request_body(const std::vector<ChatMessage>& messages) const {
    json j = {{"model", options.model}, {"temperature", options.temperature}};
    json& list = j["messages"] = json::array();
    for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
    if (options.max_tokens > 0) j["max_tokens"] = options.max_tokens;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  // The key must not leak through a server's message (some echo part of it).
  std::string scrub(std::string s) const {
    const std::string& key = options.api_key;
    if (key.size() < 4) return s;
    for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + 3)) {
      s.replace(at, key.size(), "***");
    }
    return s;
  }

  bool cancelled() const {
    return options.cancel != nullptr && options.cancel->load();
  }

  // Sleeps `seconds`, waking early when cancelled.
  void sleep_for(double seconds) const {
    const auto until =
        Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
    while (!cancelled()) {
      const auto now = Clock::now();
      if (now >= until) return;
      std::this_thread::sleep_for(
          std::min<Clock::duration>(until - now, std::chrono::milliseconds(50)));
    }
  }

  Attempt once(const std::string& body, ChatResult& result) {
    httplib::Request req;
    req.method = "POST";
    req.path = url.path + "/chat/completions";
    req.headers = {{"Content-Type", "application/json"},
                   {"Accept", "application/json"},
                   {"User-Agent", "uniner/0.1.0"}};
    if (!options.api_key.empty()) req.headers.emplace("Authorization", "Bearer " + options.api_key);
    req.body = body;

    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::microseconds(static_cast<std::int64_t>(options.timeout_s * 1e6));
    bool headers_seen = false, deadline_hit = false;
    int status = 0;
    std::string content_length, retry_after, retry_after_ms, received;
    req.response_handler = [&](const httplib::Response& r) {
      headers_seen = true;
      status = r.status;
      content_length = r.get_header_value("Content-Length");
      retry_after = r.get_header_value("Retry-After");
      retry_after_ms = r.get_header_value("retry-after-ms");
      return true;
    };
    req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
      received.append(data, n);
      if (Clock::now() > deadline) deadline_hit = true;
      return !deadline_hit;
    };

    const auto res = client().send(req);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    Attempt a;
    a.status = status;
    if (!res) {
      const auto error = res.error();
      const std::string where = url.host + ":" + std::to_string(url.port);
      if (deadline_hit) {
        a.error = "timed out after " + seconds_text(options.timeout_s) + " reading the response";
      } else if (error == httplib::Error::Read && headers_seen) {
        a.error = "truncated response: the connection closed after " +
                  std::to_string(received.size()) + " of " +
                  (content_length.empty() ? std::string("?") : content_length) +
                  " body bytes (HTTP " + std::to_string(status) + ")";
      } else if (error == httplib::Error::Read && elapsed >= 0.9 * options.timeout_s) {
        a.error = "timed out after " + seconds_text(options.timeout_s) + " waiting for a response";
      } else if (error == httplib::Error::Read) {
        a.error = "the connection was dropped before a response";
      } else if (error == httplib::Error::Write) {
        a.error = "the connection was dropped while sending the request";
      } else if (error == httplib::Error::Connection) {
        a.error = "cannot connect to " + where;
      } else if (error == httplib::Error::ConnectionTimeout) {
        a.error = "timed out after " + seconds_text(options.timeout_s) + " connecting to " + where;
      } else if (error == httplib::Error::SSLServerVerification ||
                 error == httplib::Error::SSLLoadingCerts) {
        a.outcome = Outcome::kFatal;
        a.error = "TLS certificate verification failed for " + where +
                  " (a private CA? pass its certificate with --ca-cert)";
      } else {
        a.error = "request failed: " + httplib::to_string(error);
      }
      return a;
    }
    a.status = res->status;
    if (a.status < 200 || a.status > 299) {
      const std::string message = server_message(received);
      a.error = "HTTP " + std::to_string(a.status) + (message.empty() ? "" : ": " + message);
      if (teacher::is_retryable_status(a.status)) {
        a.outcome = Outcome::kRetry;
        if (!retry_after_ms.empty()) {
          const double ms = teacher::parse_retry_after(retry_after_ms, std::time(nullptr));
          if (ms >= 0) a.retry_after_s = ms / 1000.0;
        }
        if (a.retry_after_s < 0)
          a.retry_after_s = teacher::parse_retry_after(retry_after, std::time(nullptr));
      } else if (teacher::is_fatal_status(a.status)) {
        a.outcome = Outcome::kFatal;
      } else {
        a.outcome = Outcome::kFail;
      }
      return a;
    }
    if (!content_length.empty() && std::to_string(received.size()) != content_length) {
      a.error = "truncated response: " + std::to_string(received.size()) + " of " + content_length +
                " body bytes";
      return a;
    }
    const json j = json::parse(received, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      a.error = "the response is not a JSON object: " + snippet(received, 80);
      return a;
    }
    const auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty()) {
      a.error = j.contains("error") ? "the server answered an error: " + server_message(received)
                                    : std::string("the response has no choices");
      return a;
    }
    const json& choice = (*choices)[0];
    const json* content = nullptr;
    if (choice.is_object()) {
      const auto message = choice.find("message");
      if (message != choice.end() && message->is_object()) {
        const auto c = message->find("content");
        if (c != message->end()) content = &*c;
      }
    }
    if (content == nullptr || !(content->is_string() || content->is_null())) {
      a.error = "the response has no choices[0].message.content";
      return a;
    }
    result.content = content->is_string() ? content->get<std::string>() : std::string();
    const auto finish = choice.find("finish_reason");
    result.finish_reason =
        finish != choice.end() && finish->is_string() ? finish->get<std::string>() : "";
    const auto usage = j.find("usage");
    if (usage != j.end() && usage->is_object()) {
      result.prompt_tokens = usage_field(*usage, "prompt_tokens");
      result.completion_tokens = usage_field(*usage, "completion_tokens");
    }
    a.outcome = Outcome::kOk;
    return a;
  }
};

ChatClient::ChatClient(ChatOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->url = parse_base_url(options.base_url);
  if (options.model.empty()) throw InputError("a teacher model name is required");
  if (!(options.timeout_s > 0))
    throw InputError("the request timeout must be positive, got " +
                     std::to_string(options.timeout_s) + " s");
  if (options.max_retries < 0)
    throw InputError("retries must be 0 or more, got " + std::to_string(options.max_retries));
  if (!options.ca_cert_file.empty() && !std::ifstream(options.ca_cert_file)) {
    throw InputError("CA certificate file '" + options.ca_cert_file + "': cannot be read");
  }
  impl_->options = std::move(options);
}

ChatClient::~ChatClient() = default;
ChatClient::ChatClient(ChatClient&&) noexcept = default;
ChatClient& ChatClient::operator=(ChatClient&&) noexcept = default;

ChatResult ChatClient::complete(const std::vector<ChatMessage>& messages) {
  Impl& m = *impl_;
  const std::string body = m.request_body(messages);
  ChatResult result;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int attempt = 1;; ++attempt) {
    if (m.cancelled()) {
      result.error = result.error.empty() ? "cancelled" : "cancelled after: " + result.error;
      return result;
    }
    const Attempt a = m.once(body, result);
    result.attempts = attempt;
    result.http_status = a.status;
    if (a.outcome == Outcome::kOk) {
      result.ok = true;
      result.error.clear();
      return result;
    }
    result.error = m.scrub(a.error);
    if (a.outcome == Outcome::kFatal) {
      result.fatal = true;
      return result;
    }
    if (a.outcome == Outcome::kFail) return result;
    if (attempt > m.options.max_retries) {
      if (attempt > 1) result.error += " (gave up after " + std::to_string(attempt) + " attempts)";
      return result;
    }
    const double delay = a.retry_after_s >= 0
                             ? std::min(a.retry_after_s, m.options.retry_after_max_s)
                             : teacher::backoff_delay(attempt, m.options.backoff_s,
                                                      m.options.backoff_max_s, unit(m.rng));
    m.sleep_for(delay);
  }
}

}  // namespace uniner

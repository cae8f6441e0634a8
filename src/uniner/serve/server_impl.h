// The inside of Server, shared by its lifecycle (server.cpp: listen, load, shut down) and its
// routes (routes.cpp, extract_route.cpp). Internal: httplib types stay out of public headers.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "serve/metrics.h"
#include "uniner/engine/extraction_service.h"
#include "uniner/engine/model.h"
#include "uniner/serve/server.h"

namespace uniner {

enum class ServerState { kLoading, kReady, kStopping, kFailed };

struct Server::Impl {
  ServerOptions options;
  ServerCallbacks callbacks;
  httplib::Server http;
  serve::Metrics metrics;
  int port = -1;
  int listen_fd = -1;

  // Set by the lifecycle thread once; read by handlers after they see kReady.
  std::unique_ptr<Model> model;
  std::unique_ptr<ExtractionService> service;
  std::exception_ptr load_error;

  std::atomic<ServerState> state{ServerState::kLoading};
  std::mutex mutex;
  std::condition_variable changed;  // shutdown asked, an extraction finished, the server stopped
  bool shutdown_asked = false;
  bool stopped = false;
  int extractions = 0;  // /v1/extract handlers between admission and answer

  std::thread listener;   // httplib's accept loop
  std::atomic<bool> listener_done{false};
  std::thread lifecycle;  // loads the model, then waits for shutdown and carries it out

  Impl(ServerOptions o, ServerCallbacks c) : options(std::move(o)), callbacks(std::move(c)) {}

  void log(const std::string& line) const {
    if (callbacks.log) callbacks.log(line);
  }
  // Admits one extraction unless the server is stopping; every admitted one must be released.
  bool admit_extraction();
  void release_extraction();

  void add_routes();  // routes.cpp
  void run_lifecycle();
};

namespace serve {

using Clock = std::chrono::steady_clock;

// A JSON error answer: {"error": message, "field": field or null}.
void set_error(httplib::Response& res, int status, const std::string& message,
               const std::optional<std::string>& field = std::nullopt);

// The label a path gets in the metrics: a known route, or "other" (bounded label values).
std::string route_label(const std::string& path);

// POST /v1/extract (extract_route.cpp).
void handle_extract(Server::Impl& s, const httplib::Request& req, httplib::Response& res);

}  // namespace serve
}  // namespace uniner

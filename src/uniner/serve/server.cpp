// The server's lifecycle: bind and listen first (so /health answers while the model loads), load
// the model on a background thread, and on shutdown refuse new work, let admitted work finish,
// drain the engine and stop listening.
#include <sys/socket.h>

#include "serve/server_impl.h"
#include "uniner/error.h"

#ifndef UNINER_VERSION
#define UNINER_VERSION "unknown"
#endif

namespace uniner {

std::string server_version() {
  return UNINER_VERSION;
}

bool Server::Impl::admit_extraction() {
  std::lock_guard lock(mutex);
  if (state.load() != ServerState::kReady || shutdown_asked) return false;
  ++extractions;
  return true;
}

void Server::Impl::release_extraction() {
  std::lock_guard lock(mutex);
  --extractions;
  changed.notify_all();
}

void Server::Impl::run_lifecycle() {
  log("loading " + options.model_path);
  try {
    auto loaded = std::make_unique<Model>(Model::load(options.model_path, options.model));
    service = std::make_unique<ExtractionService>(*loaded, options.extract);
    model = std::move(loaded);
    state = ServerState::kReady;
    log("model loaded: " + model->description() + "; serving");
  } catch (...) {
    load_error = std::current_exception();
    state = ServerState::kFailed;
    try {
      std::rethrow_exception(load_error);
    } catch (const std::exception& e) {
      log(std::string("the model could not be loaded: ") + e.what());
    }
  }
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return shutdown_asked || state == ServerState::kFailed; });
    if (state == ServerState::kReady) state = ServerState::kStopping;
    // Admitted extractions finish and are answered; new ones get 503 meanwhile.
    changed.wait(lock, [&] { return extractions == 0; });
  }
  if (service) service->drain();
  // stop() only acts on a running accept loop: after a load that failed at once, the listener
  // thread may not have started it yet.
  while (!http.is_running() && !listener_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  http.stop();
  if (listener.joinable()) listener.join();
  std::lock_guard lock(mutex);
  stopped = true;
  changed.notify_all();
}

Server::Server(ServerOptions options, ServerCallbacks callbacks)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(callbacks))) {
  Impl& s = *impl_;
  const ServerOptions& o = s.options;
  if (o.model_path.empty()) throw InputError("no model given");
  if (o.port < 0 || o.port > 65535) {
    throw InputError("port " + std::to_string(o.port) + " is not in 0..65535");
  }
  if (o.max_body_bytes < 1 || o.max_types < 1 || o.max_texts < 1 || o.max_text_tokens < 1 ||
      o.max_new_tokens_limit < 1 || o.http_threads < 1) {
    throw InputError("the server's limits (body bytes, types, texts, text tokens, new tokens, "
                     "threads) must be at least 1");
  }
  if (o.extract.max_new_tokens > o.max_new_tokens_limit) {
    throw InputError("the default max_new_tokens (" + std::to_string(o.extract.max_new_tokens) +
                     ") is above the per-request limit (" +
                     std::to_string(o.max_new_tokens_limit) + ")");
  }

  const int threads = o.http_threads;
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.http.set_payload_max_length(o.max_body_bytes);
  s.http.set_keep_alive_timeout(2);  // an idle keep-alive connection holds a thread and delays stop
  // httplib writes headers and body in two sends: with Nagle's algorithm and the client's delayed
  // ACK each answer would wait ~40 ms (measured on the annotate bench, bench/RESULTS.md).
  s.http.set_tcp_nodelay(true);
  // httplib's default options also set SO_REUSEPORT, which would let a second server bind the
  // same port unnoticed; keep only SO_REUSEADDR (a restart need not wait for TIME_WAIT).
  s.http.set_socket_options([&s](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (s.listen_fd < 0) s.listen_fd = fd;
  });
  s.add_routes();

  if (o.port == 0) {
    s.port = s.http.bind_to_any_port(o.host);
  } else {
    s.port = s.http.bind_to_port(o.host, o.port) ? o.port : -1;
  }
  if (s.port < 0) {
    throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                " (address in use, or not an address of this machine)");
  }
  // httplib listens with a backlog of 5: a burst of clients would see connections dropped and
  // retried a second later. listen() again on a listening socket only raises its backlog.
  if (s.listen_fd >= 0) ::listen(s.listen_fd, SOMAXCONN);
  s.listener = std::thread([&s] {
    s.http.listen_after_bind();
    s.listener_done = true;
  });
  s.log("listening on http://" + o.host + ":" + std::to_string(s.port));
  s.lifecycle = std::thread([&s] { s.run_lifecycle(); });
}

Server::~Server() {
  shutdown();
  if (impl_->lifecycle.joinable()) impl_->lifecycle.join();
}

int Server::port() const {
  return impl_->port;
}

bool Server::ready() const {
  return impl_->state.load() == ServerState::kReady;
}

bool Server::stopped() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stopped;
}

void Server::shutdown() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->shutdown_asked) impl_->log("shutting down: finishing the requests in flight");
  impl_->shutdown_asked = true;
  impl_->changed.notify_all();
}

void Server::wait() {
  {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [&] { return impl_->stopped; });
  }
  if (impl_->lifecycle.joinable()) impl_->lifecycle.join();
  if (impl_->load_error) std::rethrow_exception(impl_->load_error);
}

}  // namespace uniner

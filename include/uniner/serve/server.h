// uniner as an HTTP service: POST /v1/extract, GET /health, /metrics, /v1/model and the web page
// at / (docs/serving.md is the API reference).
//
// A Server listens at once and loads the model on a background thread: /health answers while the
// model loads ("loading", 503) and /v1/extract answers 503 until it is ready. Every request is
// handed to one ExtractionService (engine/extraction_service.h), so requests from many clients
// share its decode steps; answers are the records `uniner extract` writes, made by the same
// library code. A client that disconnects has its work cancelled. shutdown() refuses new requests
// (503), lets those in flight finish, and stops.
//
// Ownership: Server owns its model, its service and its threads. Threads: every member function
// is thread-safe; `log` is called from the server's threads. Errors: the constructor throws
// InputError for bad options and Error when the address cannot be bound; wait() rethrows what
// loading the model threw (InputError for a bad model file). HTTP handlers never throw: every
// failure is an HTTP status with a JSON error.
//
//   uniner::ServerOptions o;
//   o.model_path = "uniner-7b-type.Q4_K_M.gguf";
//   o.port = 8080;                            // 0: any free port (see port())
//   uniner::Server server(o, {});             // listening now; the model loads in the background
//   std::printf("listening on %d\n", server.port());
//   // ... from a signal-handling thread: server.shutdown();
//   server.wait();                            // returns when shut down; rethrows a load error
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "uniner/engine/extractor.h"
#include "uniner/engine/model.h"
#include "uniner/error.h"

namespace uniner {

struct ServerOptions {
  std::string model_path;             // the GGUF model to serve
  ModelOptions model;                 // threads, context, batch, parallel sequences, GPU layers
  ExtractOptions extract;             // defaults of every request (max_new_tokens, parser...)
  std::string host = "127.0.0.1";     // loopback by default: only this machine can connect
  int port = 8080;                    // 0: any free port
  std::string api_key;                // non-empty: every route but / and /health needs
                                      // "Authorization: Bearer <api_key>"
  std::size_t max_body_bytes = 1 << 20;  // larger request bodies are refused (413)
  int max_types = 32;                 // entity types per request
  int max_texts = 64;                 // passages per request ("texts")
  int max_text_tokens = 4096;         // tokens of one passage's text (long texts are windowed)
  int max_new_tokens_limit = 1024;    // the most answer tokens a request may ask for
  int http_threads = 64;              // connections served at once (each waiting client holds one)
};

struct ServerCallbacks {
  // One line per event worth a log ("listening on http://HOST:PORT", "loading PATH", "model
  // loaded...", "shutting down..."); never request contents. "loading PATH" is logged on the
  // loading thread just before the model is read: loading waits for the callback to return.
  std::function<void(const std::string&)> log;
};

class Server {
 public:
  // Binds and listens, then starts loading the model in the background.
  Server(ServerOptions options, ServerCallbacks callbacks);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // shutdown(), then wait() (a load error is not rethrown here).
  ~Server();

  // The port listened on (the one chosen when options.port was 0).
  int port() const;
  // Whether the model is loaded and requests are served.
  bool ready() const;
  // Whether the server has stopped (shut down, or the model failed to load): wait() returns now.
  bool stopped() const;
  // Refuses new requests (503), lets those in flight finish, stops listening. Returns at once;
  // wait() returns when it is done. Safe to call more than once.
  void shutdown();
  // Blocks until the server has stopped; rethrows the exception that ended model loading.
  void wait();

  struct Impl;  // opaque: defined inside the serve layer

 private:
  std::unique_ptr<Impl> impl_;
};

// The version string /health and /v1/model report ("0.1.0").
std::string server_version();

}  // namespace uniner

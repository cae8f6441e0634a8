// Extraction as a service: requests from many threads, one decode thread, continuous batching.
//
// ExtractionService owns an Extractor and a thread that runs it. Any thread may submit a passage
// (with its own max_new_tokens and parser) at any time; it joins the batch being decoded at the
// next step, shares decode steps (and the template prefix) with every other request in flight,
// and its result is delivered as soon as it is complete, whatever the order of submission. A
// request can be cancelled; its sequences stop at the next step and free their KV cells.
// Results equal Extractor::extract's for the same passage and options, token for token.
//
// Ownership: borrows the Model, which must outlive the service. Threads: every member function
// is thread-safe. The `done` callbacks run on the decode thread: keep them short (hand the result
// to the waiting thread), and never call the service's blocking functions (drain, the
// destructor) from one. Errors: the constructor throws what Extractor's does; submit throws
// Error once drain() has begun. A bad passage is not an exception: its result has `error` set.
// If llama.cpp fails, the requests being decoded get a result whose `error` says so; the service
// goes on with the next ones.
//
//   uniner::ExtractionService service(model, {});
//   auto answer = service.submit({{"doc1", "Aspirin is made by Bayer.", {"drug", "company"}}});
//   uniner::PassageResult r = answer.get();  // from any thread
//   service.drain();                          // finish what was accepted, refuse the rest
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>

#include "uniner/engine/extractor.h"

namespace uniner {

// One passage and, optionally, its own settings (unset: the service's ExtractOptions).
struct PassageRequest {
  PassageInput input;
  std::optional<int> max_new_tokens;  // >= 1
  std::optional<ParserMode> parser;
};

// A snapshot of the service, for health checks and metrics.
struct ServiceStats {
  std::size_t queued = 0;            // submitted, not yet started
  std::size_t in_flight = 0;         // started, not yet delivered
  std::size_t sequences = 0;         // answer sequences being decoded at the last step
  std::size_t kv_cells_used = 0;     // KV cells in use at the last step
  std::size_t kv_cells_total = 0;    // the context's cells
  std::uint64_t submitted = 0;       // requests ever accepted
  std::uint64_t delivered = 0;       // results ever delivered (cancelled and failed included)
  std::uint64_t cancelled = 0;       // requests cancelled before their result was complete
  std::uint64_t tokens_decoded = 0;  // tokens fed to the model (prompts and answers)
  std::uint64_t tokens_generated = 0;  // answer tokens produced
  std::uint64_t evictions = 0;       // jobs paused and requeued because the KV cache was full
  double decode_seconds = 0;         // time spent in llama_decode
};

// What a cancelled request's result carries in `error`.
inline constexpr const char* kCancelledError = "cancelled";

class ExtractionService {
 public:
  using Ticket = std::uint64_t;
  using Done = std::function<void(PassageResult&&)>;

  // Creates the extractor (see Extractor's constructor) and starts the decode thread.
  ExtractionService(const Model& model, ExtractOptions options);
  ExtractionService(const ExtractionService&) = delete;
  ExtractionService& operator=(const ExtractionService&) = delete;
  // drain(), then joins the decode thread.
  ~ExtractionService();

  // Queues one passage; `done` is called exactly once, on the decode thread, with its result
  // (`error` set when the passage is invalid, was cancelled or llama.cpp failed). A request whose
  // max_new_tokens is below 1 is answered at once with an error. Throws Error after drain().
  Ticket submit(PassageRequest request, Done done);
  std::future<PassageResult> submit(PassageRequest request);

  // Stops a request: its result is delivered with error kCancelledError unless it was complete
  // already (then nothing changes). Unknown or finished tickets are ignored.
  void cancel(Ticket ticket);

  // Refuses new requests, lets every accepted one finish, and returns when all are delivered.
  void drain();

  ServiceStats stats() const;
  const ExtractOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace uniner

#include "uniner/engine/extraction_service.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "uniner/error.h"

namespace uniner {

struct ExtractionService::Impl {
  struct Entry {
    Ticket ticket = 0;
    PassageRequest request;
    Done done;
  };

  Extractor extractor;
  ExtractOptions options;
  mutable std::mutex mutex;
  std::condition_variable wake;     // the decode thread: work arrived or drain began
  std::condition_variable drained;  // drain(): everything delivered
  std::deque<Entry> inbox;
  std::unordered_map<Ticket, bool> live;  // ticket -> cancelled
  Ticket next_ticket = 1;
  bool stopping = false;
  bool finished = false;
  ServiceStats counters;
  std::thread thread;

  Impl(const Model& model, ExtractOptions o) : extractor(model, o), options(o) {
    thread = std::thread([this] { loop(); });
  }

  // Provisional: one request at a time through Extractor::extract.
  void loop() {
    while (true) {
      Entry e;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || !inbox.empty(); });
        if (inbox.empty()) break;
        e = std::move(inbox.front());
        inbox.pop_front();
        ++counters.in_flight;
      }
      PassageResult r;
      bool cancelled = false;
      {
        std::lock_guard lock(mutex);
        cancelled = live[e.ticket];
      }
      if (cancelled) {
        r.id = e.request.input.id;
        r.text = e.request.input.text;
        r.error = kCancelledError;
      } else {
        try {
          r = extractor.extract(e.request.input);
        } catch (const std::exception& ex) {
          r.id = e.request.input.id;
          r.text = e.request.input.text;
          r.error = ex.what();
        }
      }
      e.done(std::move(r));
      std::lock_guard lock(mutex);
      live.erase(e.ticket);
      --counters.in_flight;
      ++counters.delivered;
      if (cancelled) ++counters.cancelled;
      if (live.empty()) drained.notify_all();
    }
    std::lock_guard lock(mutex);
    finished = true;
    drained.notify_all();
  }
};

ExtractionService::ExtractionService(const Model& model, ExtractOptions options)
    : impl_(std::make_unique<Impl>(model, options)) {}

ExtractionService::~ExtractionService() {
  drain();
  if (impl_->thread.joinable()) impl_->thread.join();
}

ExtractionService::Ticket ExtractionService::submit(PassageRequest request, Done done) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopping) throw Error("the extraction service is stopping: no new requests");
  const Ticket t = impl_->next_ticket++;
  impl_->live.emplace(t, false);
  impl_->inbox.push_back({t, std::move(request), std::move(done)});
  ++impl_->counters.submitted;
  impl_->wake.notify_one();
  return t;
}

std::future<PassageResult> ExtractionService::submit(PassageRequest request) {
  auto promise = std::make_shared<std::promise<PassageResult>>();
  auto future = promise->get_future();
  submit(std::move(request), [promise](PassageResult&& r) { promise->set_value(std::move(r)); });
  return future;
}

void ExtractionService::cancel(Ticket ticket) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->live.find(ticket);
  if (it != impl_->live.end()) it->second = true;
}

void ExtractionService::drain() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopping = true;
  impl_->wake.notify_all();
  impl_->drained.wait(lock, [&] { return impl_->finished; });
}

ServiceStats ExtractionService::stats() const {
  std::lock_guard lock(impl_->mutex);
  ServiceStats s = impl_->counters;
  s.queued = impl_->inbox.size();
  return s;
}

const ExtractOptions& ExtractionService::options() const {
  return impl_->options;
}

}  // namespace uniner

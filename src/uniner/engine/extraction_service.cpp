#include "uniner/engine/extraction_service.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "engine/passage_engine.h"
#include "uniner/error.h"

namespace uniner {

struct ExtractionService::Impl {
  struct Request {
    Done done;
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
    bool started = false;  // handed to the engine
  };

  engine::PassageEngine engine;
  mutable std::mutex mutex;
  std::condition_variable wake;      // the decode thread: work arrived or drain began
  std::condition_variable finished;  // drain(): the decode thread has ended
  std::deque<std::pair<Ticket, PassageRequest>> inbox;
  std::unordered_map<Ticket, Request> live;  // submitted, not yet delivered
  Ticket next_ticket = 1;
  bool stopping = false;
  bool done = false;
  ServiceStats counts;     // submitted, delivered, cancelled
  ExtractProgress latest;  // the engine's progress at the last step (decode thread's copy)
  std::thread thread;

  Impl(const Model& model, ExtractOptions options) : engine(model, std::move(options)) {
    thread = std::thread([this] { loop(); });
  }

  // Hands the engine the next request; blocks while there is nothing to do.
  engine::Pull pull(engine::PassageTask& task, bool idle) {
    std::unique_lock lock(mutex);
    if (idle) wake.wait(lock, [&] { return stopping || !inbox.empty(); });
    if (inbox.empty()) return stopping ? engine::Pull::kEnd : engine::Pull::kWait;
    auto [ticket, request] = std::move(inbox.front());
    inbox.pop_front();
    Request& r = live.at(ticket);
    r.started = true;
    task.tag = ticket;
    task.input = std::move(request.input);
    task.max_new_tokens = request.max_new_tokens.value_or(-1);
    task.parser = request.parser;
    task.cancelled = r.cancelled;
    return engine::Pull::kJob;
  }

  void deliver(Ticket ticket, PassageResult&& result) {
    Done callback;
    {
      std::lock_guard lock(mutex);
      auto it = live.find(ticket);
      if (it == live.end()) return;
      callback = std::move(it->second.done);
      live.erase(it);
      ++counts.delivered;
      if (result.error == kCancelledError) ++counts.cancelled;
    }
    callback(std::move(result));
  }

  void snapshot() {
    const ExtractProgress p = engine.progress();
    std::lock_guard lock(mutex);
    latest = p;
  }

  void loop() {
    const engine::PassageHooks hooks{[this] { snapshot(); }, [this] { snapshot(); }};
    while (true) {
      try {
        engine.run([this](engine::PassageTask& t, bool idle) { return pull(t, idle); },
                   [this](std::uint64_t tag, PassageResult&& r) { deliver(tag, std::move(r)); },
                   hooks);
        break;  // kEnd: stopping and nothing left
      } catch (const std::exception& e) {
        fail_started(e.what());  // and go on with the requests not started yet
      }
    }
    snapshot();
    std::lock_guard lock(mutex);
    done = true;
    finished.notify_all();
  }

  // The engine failed: the requests it held get the reason as their error.
  void fail_started(const std::string& why) {
    std::vector<Ticket> started;
    {
      std::lock_guard lock(mutex);
      for (const auto& [ticket, r] : live)
        if (r.started) started.push_back(ticket);
    }
    for (Ticket t : started) {
      PassageResult r;
      r.error = "extraction failed: " + why;
      deliver(t, std::move(r));
    }
  }
};

ExtractionService::ExtractionService(const Model& model, ExtractOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(options))) {}

ExtractionService::~ExtractionService() {
  drain();
  if (impl_->thread.joinable()) impl_->thread.join();
}

ExtractionService::Ticket ExtractionService::submit(PassageRequest request, Done done) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopping) throw Error("the extraction service is stopping: no new requests");
  const Ticket t = impl_->next_ticket++;
  impl_->live.emplace(t, Impl::Request{std::move(done)});
  impl_->inbox.emplace_back(t, std::move(request));
  ++impl_->counts.submitted;
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
  if (auto it = impl_->live.find(ticket); it != impl_->live.end()) *it->second.cancelled = true;
}

void ExtractionService::drain() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopping = true;
  impl_->wake.notify_all();
  impl_->finished.wait(lock, [&] { return impl_->done; });
}

ServiceStats ExtractionService::stats() const {
  std::lock_guard lock(impl_->mutex);
  ServiceStats s = impl_->counts;
  s.queued = impl_->inbox.size();
  s.in_flight = impl_->live.size() - impl_->inbox.size();
  const ExtractProgress& p = impl_->latest;
  s.sequences = p.sequences;
  s.kv_cells_used = p.kv_cells_used;
  s.kv_cells_total = p.kv_cells_total;
  s.tokens_generated = p.tokens_generated;
  s.evictions = p.evictions;
  if (const engine::GenCounters* c = impl_->engine.counters()) {  // current, not a snapshot
    s.tokens_generated = c->tokens_generated;
    s.evictions = c->evictions;
    s.tokens_decoded = c->tokens_decoded;
    s.decode_seconds = static_cast<double>(c->decode_microseconds) / 1e6;
  }
  return s;
}

const ExtractOptions& ExtractionService::options() const {
  return impl_->engine.options();
}

}  // namespace uniner

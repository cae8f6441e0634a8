// POST /v1/extract: checks the body, submits its passages to the one ExtractionService (where
// they share decode steps with every other client's), waits for the results while watching the
// client's connection, and answers with the records `uniner extract` writes.
#include <condition_variable>
#include <mutex>
#include <vector>

#include "serve/extract_request.h"
#include "serve/peer_connection.h"
#include "serve/server_impl.h"
#include "uniner/error.h"

namespace uniner::serve {
namespace {

// The results of one request's passages, filled on the decode thread.
struct Pending {
  std::mutex mutex;
  std::condition_variable done;
  std::vector<PassageResult> results;
  std::size_t left = 0;
};

// How often a waiting handler looks at its client's connection.
constexpr auto kPollInterval = std::chrono::milliseconds(50);

// Status 499 (a client that closed its request, nginx's convention) is only counted in the
// metrics: nobody is there to read it.
constexpr int kClientGone = 499;

std::string passage_field(const ExtractCall& call, std::size_t i) {
  return call.single ? "text" : "texts[" + std::to_string(i) + "]";
}

// Answers once every submitted passage has its result; cancels them all when the client leaves.
void wait_for(Server::Impl& s, const httplib::Request& req, Pending& pending,
              const std::vector<ExtractionService::Ticket>& tickets, bool& client_gone) {
  const PeerConnection peer(req.remote_addr, req.remote_port, req.local_port);
  std::unique_lock lock(pending.mutex);
  while (!pending.done.wait_for(lock, kPollInterval, [&] { return pending.left == 0; })) {
    if (client_gone || !peer.closed()) continue;
    client_gone = true;
    lock.unlock();
    for (const auto t : tickets) s.service->cancel(t);
    lock.lock();
  }
}

void answer(const ExtractCall& call, const std::vector<PassageResult>& results,
            httplib::Response& res) {
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].error.empty()) {
      set_error(res, 500, passage_field(call, i) + ": " + results[i].error, passage_field(call, i));
      return;
    }
  }
  std::string body = call.single ? "" : "{\"results\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i) body += ',';
    body += to_json_line(to_extract_record(results[i], call.byte_offsets));
  }
  body += call.single ? "\n" : "]}\n";
  res.status = 200;
  res.set_content(body, "application/json");
}

}  // namespace

void handle_extract(Server::Impl& s, const httplib::Request& req, httplib::Response& res) {
  if (!s.admit_extraction()) {
    const ServerState state = s.state.load();
    set_error(res, 503,
              state == ServerState::kLoading  ? "the model is loading; try again shortly"
              : state == ServerState::kFailed ? "the model could not be loaded"
                                              : "the server is shutting down");
    res.set_header("Retry-After", "1");
    return;
  }
  struct Release {
    Server::Impl& s;
    ~Release() { s.release_extraction(); }
  } release{s};

  RequestLimits limits;
  limits.max_types = s.options.max_types;
  limits.max_texts = s.options.max_texts;
  limits.max_text_tokens = s.options.max_text_tokens;
  limits.max_new_tokens_limit = s.options.max_new_tokens_limit;
  const Vocab& vocab = s.model->vocab();
  auto parsed = parse_extract_request(
      req.body, limits, [&vocab](std::string_view t) { return vocab.count_tokens(t); });
  if (auto* bad = std::get_if<RequestError>(&parsed)) {
    set_error(res, 400, bad->message,
              bad->field.empty() ? std::nullopt : std::optional<std::string>(bad->field));
    return;
  }
  const ExtractCall& call = std::get<ExtractCall>(parsed);

  auto pending = std::make_shared<Pending>();
  pending->results.resize(call.texts.size());
  pending->left = call.texts.size();
  std::vector<ExtractionService::Ticket> tickets;
  for (std::size_t i = 0; i < call.texts.size(); ++i) {
    PassageRequest r;
    r.input = {std::to_string(i + 1), call.texts[i], call.types};
    r.max_new_tokens = call.max_new_tokens;
    r.parser = call.parser;
    try {
      tickets.push_back(s.service->submit(std::move(r), [pending, i](PassageResult&& result) {
        std::lock_guard lock(pending->mutex);
        pending->results[i] = std::move(result);
        if (--pending->left == 0) pending->done.notify_all();
      }));
    } catch (const Error& e) {  // the service began draining: nothing more is accepted
      std::lock_guard lock(pending->mutex);
      pending->left -= call.texts.size() - i;
      break;
    }
  }
  bool client_gone = false;
  wait_for(s, req, *pending, tickets, client_gone);
  if (client_gone) {
    set_error(res, kClientGone, "the client closed the connection; its work was cancelled");
    return;
  }
  if (tickets.size() < call.texts.size()) {
    set_error(res, 503, "the server is shutting down");
    return;
  }
  answer(call, pending->results, res);
}

}  // namespace uniner::serve

// The routes but /v1/extract: the page, /health, /metrics, /v1/model; the API key check, the
// JSON answers httplib's own errors get (404, 413...), and the guard that no handler throws out.
#include <nlohmann/json.hpp>

#include "serve/auth.h"
#include "serve/index_page.h"
#include "serve/server_impl.h"
#include "uniner/format/conversation.h"

namespace uniner {
namespace serve {

using nlohmann::ordered_json;

void set_error(httplib::Response& res, int status, const std::string& message,
               const std::optional<std::string>& field) {
  ordered_json j;
  j["error"] = message;
  j["field"] = field ? ordered_json(*field) : ordered_json(nullptr);
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n",
                  "application/json");
}

std::string route_label(const std::string& path) {
  for (const char* known : {"/", "/health", "/metrics", "/v1/model", "/v1/extract"}) {
    if (path == known) return known;
  }
  return "other";
}

namespace {

const char* state_name(ServerState s) {
  switch (s) {
    case ServerState::kLoading: return "loading";
    case ServerState::kReady: return "ready";
    case ServerState::kStopping: return "stopping";
    case ServerState::kFailed: return "failed";
  }
  return "unknown";
}

void set_json(httplib::Response& res, int status, const ordered_json& j) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n",
                  "application/json");
}

const char* parser_name(ParserMode p) {
  return p == ParserMode::kOfficial ? "official" : "lenient";
}

void health(Server::Impl& s, httplib::Response& res) {
  const ServerState state = s.state.load();
  ordered_json j;
  j["status"] = state_name(state);
  j["model"] = s.options.model_path;
  // The model's fields are set once before the state becomes ready and never change after.
  const bool ready = state == ServerState::kReady || state == ServerState::kStopping;
  j["description"] = ready ? ordered_json(s.model->description()) : ordered_json(nullptr);
  j["context"] = s.options.model.context_size;
  j["version"] = server_version();
  set_json(res, state == ServerState::kReady ? 200 : 503, j);
}

void model_info(Server::Impl& s, httplib::Response& res) {
  const ServerState state = s.state.load();
  if (state != ServerState::kReady && state != ServerState::kStopping) {
    set_error(res, 503, state == ServerState::kFailed ? "the model could not be loaded"
                                                      : "the model is loading");
    return;
  }
  const ServerOptions& o = s.options;
  const PromptTemplate& t = s.model->prompt_template();
  ordered_json j;
  j["model"] = o.model_path;
  j["description"] = s.model->description();
  j["version"] = server_version();
  j["context"] = o.model.context_size;
  j["trained_context"] = s.model->trained_context();
  j["parallel"] = o.model.parallel;
  j["template"] = {{"name", kTemplateName}, {"system", t.system}, {"separator", t.separator}};
  // What prompts use: the model's own sentence unless the server was told another.
  j["system"] = o.extract.system ? std::string(system_message(*o.extract.system)) : t.system;
  const ExtractOptions& e = o.extract;
  j["defaults"] = {{"max_new_tokens", e.max_new_tokens},
                   {"parser", parser_name(e.parser)},
                   {"constrain", e.constrain == AnswerConstraint::kPassage ? "passage" : "none"},
                   {"max_passage_tokens", e.max_passage_tokens},
                   {"window_overlap_tokens", e.window_overlap_tokens}};
  j["limits"] = {{"max_body_bytes", o.max_body_bytes},
                 {"max_types", o.max_types},
                 {"max_texts", o.max_texts},
                 {"max_text_tokens", o.max_text_tokens},
                 {"max_new_tokens", o.max_new_tokens_limit}};
  set_json(res, 200, j);
}

// Every route answers through this: it times the request for the metrics and turns anything a
// handler throws into a 500 (a handler must never take the process down).
template <class Handler>
httplib::Server::Handler timed(Server::Impl& s, const std::string& route, Handler handler) {
  return [&s, route, handler](const httplib::Request& req, httplib::Response& res) {
    const auto start = Clock::now();
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      set_error(res, 500, std::string("internal error: ") + e.what());
    } catch (...) {
      set_error(res, 500, "internal error");
    }
    s.metrics.record(route, res.status,
                     std::chrono::duration<double>(Clock::now() - start).count());
  };
}

}  // namespace
}  // namespace serve

void Server::Impl::add_routes() {
  using namespace serve;
  http.Get("/", timed(*this, "/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(index_page()), "text/html; charset=utf-8");
  }));
  http.Get("/health", timed(*this, "/health", [this](const httplib::Request&,
                                                      httplib::Response& res) { health(*this, res); }));
  http.Get("/metrics", timed(*this, "/metrics", [this](const httplib::Request&,
                                                        httplib::Response& res) {
    const ServerState now = state.load();
    const bool ready = now == ServerState::kReady;
    std::optional<ServiceStats> st;  // `service` is set before the state says ready
    if (ready || (now == ServerState::kStopping && service)) st = service->stats();
    res.set_content(metrics.render(st ? &*st : nullptr, ready), "text/plain; version=0.0.4");
  }));
  http.Get("/v1/model", timed(*this, "/v1/model", [this](const httplib::Request&,
                                                          httplib::Response& res) {
    model_info(*this, res);
  }));
  http.Post("/v1/extract", timed(*this, "/v1/extract", [this](const httplib::Request& req,
                                                               httplib::Response& res) {
    handle_extract(*this, req, res);
  }));

  // The key guards every route but the page and /health (a load balancer's probe has no key).
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (options.api_key.empty() || req.path == "/" || req.path == "/health") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (bearer_matches(req.get_header_value("Authorization"), options.api_key)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.set_header("WWW-Authenticate", "Bearer");
    set_error(res, 401, "missing or wrong API key (send the header Authorization: Bearer KEY)");
    metrics.record(route_label(req.path), 401, std::nullopt);
    return httplib::Server::HandlerResponse::Handled;
  });
  // httplib's own answers (no route, a body over the limit, a malformed request) become JSON
  // errors; the answers of our handlers already have their bodies.
  http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                     httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message = "HTTP error " + std::to_string(res.status);
    if (res.status == 404) message = "no such route: " + req.method + " " + req.path;
    if (res.status == 405) message = "method not allowed: " + req.method + " " + req.path;
    if (res.status == 413) {
      message = "the body is larger than the limit of " + std::to_string(options.max_body_bytes) +
                " bytes";
    }
    if (res.status == 400) message = "malformed HTTP request";
    if (res.status == 414) message = "the request line is too long";
    set_error(res, res.status, message);
    metrics.record(route_label(req.path), res.status, std::nullopt);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        set_error(res, 500, "internal error");
      });
}

}  // namespace uniner

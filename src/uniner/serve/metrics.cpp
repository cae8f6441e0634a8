#include "serve/metrics.h"

#include <cstdio>
#include <cstdlib>

namespace uniner::serve {
namespace {

// The shortest text that reads back as the same double ("0.005", not "0.0050000000000000001").
std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void sample(std::string& out, const char* name, double value) {
  out += std::string(name) + " " + number(value) + "\n";
}

// A metric with one unlabelled sample: its HELP and TYPE lines, then the value.
void single(std::string& out, const char* name, const char* type, const char* help,
            double value) {
  family(out, name, type, help);
  sample(out, name, value);
}

}  // namespace

void Metrics::record(const std::string& route, int status, std::optional<double> seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  if (!seconds) return;
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (*seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += *seconds;
}

std::string Metrics::render(const ServiceStats* s, bool ready) const {
  std::string out;
  {
    std::lock_guard lock(mutex_);
    family(out, "uniner_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (const auto& [key, n] : requests_) {
      out += "uniner_http_requests_total{route=\"" + key.first + "\",status=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    family(out, "uniner_http_request_duration_seconds", "histogram",
           "Time from a request's arrival to its answer, by route.");
    for (const auto& [route, h] : latency_) {
      const std::string label = "route=\"" + route + "\"";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        out += "uniner_http_request_duration_seconds_bucket{" + label + ",le=\"" +
               number(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
      }
      out += "uniner_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      out += "uniner_http_request_duration_seconds_sum{" + label + "} " + number(h.sum) + "\n";
      out += "uniner_http_request_duration_seconds_count{" + label + "} " +
             std::to_string(h.count) + "\n";
    }
  }
  single(out, "uniner_model_ready", "gauge",
         "1 once the model is loaded and requests are served.",
         ready ? 1 : 0);
  const ServiceStats none;
  const ServiceStats& st = s ? *s : none;
  single(out, "uniner_queue_depth", "gauge",
         "Passages submitted and not yet started.",
         static_cast<double>(st.queued));
  single(out, "uniner_passages_in_flight", "gauge",
         "Passages started and not yet delivered.",
         static_cast<double>(st.in_flight));
  single(out, "uniner_sequences_in_flight", "gauge",
         "Answer sequences decoded at the last step.",
         static_cast<double>(st.sequences));
  single(out, "uniner_kv_cells_used", "gauge",
         "KV cache cells in use at the last step.",
         static_cast<double>(st.kv_cells_used));
  single(out, "uniner_kv_cells_total", "gauge",
         "KV cache cells of the context.",
         static_cast<double>(st.kv_cells_total));
  single(out, "uniner_passages_submitted_total", "counter",
         "Passages accepted by the engine.",
         static_cast<double>(st.submitted));
  single(out, "uniner_passages_cancelled_total", "counter",
         "Passages cancelled before their result was complete (clients that went away).",
         static_cast<double>(st.cancelled));
  single(out, "uniner_tokens_decoded_total", "counter",
         "Tokens fed to the model (prompts and answers).",
         static_cast<double>(st.tokens_decoded));
  single(out, "uniner_tokens_generated_total", "counter",
         "Answer tokens generated.",
         static_cast<double>(st.tokens_generated));
  single(out, "uniner_evictions_total", "counter",
         "Jobs paused and requeued because the KV cache was full.",
         static_cast<double>(st.evictions));
  single(out, "uniner_decode_seconds_total", "counter",
         "Time spent in llama_decode.",
         st.decode_seconds);
  single(out, "uniner_decode_tokens_per_second", "gauge",
         "Tokens decoded per second of decode time, since the start.",
         st.decode_seconds > 0 ? static_cast<double>(st.tokens_decoded) / st.decode_seconds : 0);
  return out;
}

}  // namespace uniner::serve

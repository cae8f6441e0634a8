// What GET /metrics reports, in the Prometheus text exposition format (version 0.0.4): requests by
// route and status, a latency histogram per route, and the engine's state (queue, sequences, KV
// cells, tokens). Names are listed in docs/serving.md.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "uniner/engine/extraction_service.h"

namespace uniner::serve {

class Metrics {
 public:
  // One answered request. `route` is a known route or "other" (bounded label values); `seconds`
  // is unknown for the answers httplib gives itself (they are counted, not timed).
  void record(const std::string& route, int status, std::optional<double> seconds);
  // The whole exposition; `service` is null while the model loads.
  std::string render(const ServiceStats* service, bool ready) const;

  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // not cumulative; summed when shown
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

}  // namespace uniner::serve

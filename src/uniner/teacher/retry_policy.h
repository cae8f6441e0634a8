// When and how long to wait before asking an HTTP API again (private to teacher/).
#pragma once

#include <ctime>
#include <string_view>

namespace uniner::teacher {

// Exponential backoff with jitter: the delay before retry number `retry` (1 = the first retry)
// is d = min(max_s, base_s * 2^(retry-1)), drawn in [d/2, d) by `unit_random` in [0, 1).
double backoff_delay(int retry, double base_s, double max_s, double unit_random);

// Seconds asked by a Retry-After header: delta-seconds ("2", "1.5") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`). Negative when absent or unreadable; 0
// for a date in the past.
double parse_retry_after(std::string_view value, std::time_t now);

// Statuses worth asking again: 408, 409, 429 and every 5xx.
bool is_retryable_status(int status);

// Statuses that mean the job is misconfigured (bad key, URL or model): 401, 403, 404.
bool is_fatal_status(int status);

}  // namespace uniner::teacher

#include "teacher/retry_policy.h"

#include <time.h>  // strptime, timegm (POSIX)
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace uniner::teacher {

double backoff_delay(int retry, double base_s, double max_s, double unit_random) {
  const double exponent = std::min(retry - 1, 62);
  const double d = std::min(max_s, base_s * std::pow(2.0, std::max(0.0, exponent)));
  return d * (0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0));
}

double parse_retry_after(std::string_view value, std::time_t now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return -1;
  if (value.front() >= '0' && value.front() <= '9') {
    double seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds)) {
      return -1;
    }
    return seconds;
  }
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return -1;
  const std::time_t at = timegm(&tm);
  if (at == static_cast<std::time_t>(-1)) return -1;
  return std::max(0.0, std::difftime(at, now));
}

bool is_retryable_status(int status) {
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

bool is_fatal_status(int status) {
  return status == 401 || status == 403 || status == 404;
}

}  // namespace uniner::teacher

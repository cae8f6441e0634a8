#include "teacher/retry_policy.h"

#include <gtest/gtest.h>
#include <time.h>

namespace uniner::teacher {
namespace {

TEST(Backoff, DoublesWithJitterAndIsCapped) {
  for (double u : {0.0, 0.3, 0.999}) {
    const double first = backoff_delay(1, 1.0, 60.0, u);
    EXPECT_GE(first, 0.5);
    EXPECT_LT(first, 1.0);
    const double third = backoff_delay(3, 1.0, 60.0, u);
    EXPECT_GE(third, 2.0);
    EXPECT_LT(third, 4.0);
    const double late = backoff_delay(40, 1.0, 60.0, u);
    EXPECT_GE(late, 30.0);
    EXPECT_LE(late, 60.0);
  }
  EXPECT_DOUBLE_EQ(backoff_delay(2, 0.1, 60.0, 0.0), 0.1);
  EXPECT_LT(backoff_delay(1, 1.0, 60.0, 0.2), backoff_delay(1, 1.0, 60.0, 0.8)) << "jittered";
}

TEST(RetryAfter, SecondsAndDates) {
  EXPECT_DOUBLE_EQ(parse_retry_after("2", 0), 2.0);
  EXPECT_DOUBLE_EQ(parse_retry_after(" 1.5 ", 0), 1.5);
  EXPECT_DOUBLE_EQ(parse_retry_after("0", 0), 0.0);
  EXPECT_LT(parse_retry_after("", 0), 0);
  EXPECT_LT(parse_retry_after("soon", 0), 0);
  EXPECT_LT(parse_retry_after("2 s", 0), 0);

  std::tm tm{};
  ASSERT_NE(strptime("21 Oct 2015 07:28:00", "%d %b %Y %H:%M:%S", &tm), nullptr);
  const std::time_t at = timegm(&tm);
  EXPECT_DOUBLE_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at - 10), 10.0);
  EXPECT_DOUBLE_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at + 10), 0.0)
      << "a date in the past: no wait";
}

TEST(RetryPolicy, WhichStatusesAreRetriedOrFatal) {
  for (int s : {408, 409, 429, 500, 502, 503, 504, 599}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (int s : {200, 400, 401, 403, 404, 413, 422}) EXPECT_FALSE(is_retryable_status(s)) << s;
  for (int s : {401, 403, 404}) EXPECT_TRUE(is_fatal_status(s)) << s;
  for (int s : {400, 422, 429, 500}) EXPECT_FALSE(is_fatal_status(s)) << s;
}

}  // namespace
}  // namespace uniner::teacher

// The serve layer's pure parts: the /v1/extract body checks (each problem names its field), the
// API key comparison, and the Prometheus exposition.
#include <gtest/gtest.h>

#include <string>

#include "serve/auth.h"
#include "serve/extract_request.h"
#include "serve/metrics.h"

namespace uniner::serve {
namespace {

// One token per space-separated word: enough to test the limit without a model.
std::size_t words(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

RequestLimits small_limits() {
  RequestLimits l;
  l.max_types = 3;
  l.max_texts = 2;
  l.max_text_tokens = 5;
  l.max_new_tokens_limit = 100;
  return l;
}

RequestError error_of(std::string_view body) {
  auto r = parse_extract_request(body, small_limits(), words);
  EXPECT_TRUE(std::holds_alternative<RequestError>(r)) << body;
  return std::holds_alternative<RequestError>(r) ? std::get<RequestError>(r) : RequestError{};
}

TEST(ExtractRequest, ReadsOneTextWithItsOptions) {
  auto r = parse_extract_request(
      R"({"text": "Paris is big.", "types": ["city", " country "], "parser": "official",
          "max_new_tokens": 7, "byte_offsets": true})",
      small_limits(), words);
  ASSERT_TRUE(std::holds_alternative<ExtractCall>(r));
  const auto& c = std::get<ExtractCall>(r);
  EXPECT_TRUE(c.single);
  EXPECT_EQ(c.texts, std::vector<std::string>{"Paris is big."});
  // Types are taken as given, as `uniner extract` takes them from a JSONL record.
  EXPECT_EQ(c.types, (std::vector<std::string>{"city", " country "}));
  EXPECT_EQ(c.parser, ParserMode::kOfficial);
  EXPECT_EQ(c.max_new_tokens, 7);
  EXPECT_TRUE(c.byte_offsets);
}

TEST(ExtractRequest, ReadsManyTextsWithServerDefaults) {
  auto r = parse_extract_request(R"({"texts": ["a b", "c"], "types": ["x"]})", small_limits(),
                                 words);
  ASSERT_TRUE(std::holds_alternative<ExtractCall>(r));
  const auto& c = std::get<ExtractCall>(r);
  EXPECT_FALSE(c.single);
  EXPECT_EQ(c.texts, (std::vector<std::string>{"a b", "c"}));
  EXPECT_FALSE(c.parser.has_value());
  EXPECT_FALSE(c.max_new_tokens.has_value());
  EXPECT_FALSE(c.byte_offsets);
}

TEST(ExtractRequest, EachProblemNamesItsField) {
  struct Case {
    const char* body;
    const char* field;
    const char* says;
  };
  const Case cases[] = {
      {R"({"text": "x", "types": [])", "", "invalid JSON"},
      {R"(["text"])", "", "must be a JSON object"},
      {R"({"types": ["x"]})", "text", "missing"},
      {R"({"text": "a", "texts": ["b"], "types": ["x"]})", "texts", "not both"},
      {R"({"text": 3, "types": ["x"]})", "text", "must be a string"},
      {R"({"text": "  \n", "types": ["x"]})", "text", "empty text"},
      {R"({"text": "a b c d e f", "types": ["x"]})", "text", "6 tokens, more than the limit of 5"},
      {R"({"texts": "a", "types": ["x"]})", "texts", "must be an array"},
      {R"({"texts": [], "types": ["x"]})", "texts", "must not be empty"},
      {R"({"texts": ["a", "b", "c"], "types": ["x"]})", "texts", "3 texts, more than the limit of 2"},
      {R"({"texts": ["a", 1], "types": ["x"]})", "texts[1]", "must be a string"},
      {R"({"texts": ["a", "b c d e f g"], "types": ["x"]})", "texts[1]", "more than the limit"},
      {R"({"text": "a"})", "types", "missing"},
      {R"({"text": "a", "types": "x"})", "types", "must be an array of strings"},
      {R"({"text": "a", "types": []})", "types", "must not be empty"},
      {R"({"text": "a", "types": ["a", "b", "c", "d"]})", "types", "4 types, more than the limit of 3"},
      {R"({"text": "a", "types": ["a", 2]})", "types[1]", "must be a string"},
      {R"({"text": "a", "types": ["a", " "]})", "types[1]", "empty entity type"},
      {R"({"text": "a", "types": ["a\nb"]})", "types[0]", "newline"},
      {R"({"text": "a", "types": ["x"], "parser": "strict"})", "parser", "\"lenient\" or \"official\""},
      {R"({"text": "a", "types": ["x"], "max_new_tokens": 0})", "max_new_tokens", "from 1 to 100"},
      {R"({"text": "a", "types": ["x"], "max_new_tokens": 101})", "max_new_tokens", "from 1 to 100"},
      {R"({"text": "a", "types": ["x"], "max_new_tokens": 2.5})", "max_new_tokens", "whole number"},
      {R"({"text": "a", "types": ["x"], "max_new_tokens": 18446744073709551615})", "max_new_tokens",
       "from 1 to 100"},
      {R"({"text": "a", "types": ["x"], "byte_offsets": "yes"})", "byte_offsets", "true or false"},
      {R"({"text": "a", "types": ["x"], "typo": 1})", "typo", "unknown field"},
  };
  for (const auto& c : cases) {
    const RequestError e = error_of(c.body);
    EXPECT_EQ(e.field, c.field) << c.body;
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.body << " -> " << e.message;
    if (*c.field) {
      EXPECT_EQ(e.message.rfind(std::string(c.field) + ": ", 0), 0u) << e.message;
    }
  }
}

TEST(ExtractRequest, InvalidUtf8NamesTheStringItIsIn) {
  EXPECT_EQ(error_of("{\"text\": \"Caf\xC3\", \"types\": [\"x\"]}").field, "text");
  EXPECT_EQ(error_of("{\"texts\": [\"ok\", \"b\xFF\xFE\"], \"types\": [\"x\"]}").field, "texts[1]");
  EXPECT_EQ(error_of("{\"text\": \"a\", \"types\": [\"x\", \"\xE2\x82\"]}").field, "types[1]");
  const RequestError e = error_of("{\"text\": \"ok\xC0\xAF\", \"types\": [\"x\"]}");  // overlong
  EXPECT_EQ(e.field, "text");
  EXPECT_NE(e.message.find("invalid UTF-8 at byte 12"), std::string::npos) << e.message;
  // Outside any string the body as a whole is named.
  EXPECT_EQ(error_of("{\"text\": \"a\", \xFF \"types\": [\"x\"]}").field, "");
  // A body that already holds the first marker candidates still gets a field.
  EXPECT_EQ(error_of("{\"text\": \"\xEE\x80\x80 \xEE\x80\x81 \xFF\", \"types\": [\"x\"]}").field,
            "text");
  EXPECT_FALSE(invalid_utf8_field("{\"text\": \"Caf\xC3\xA9\"}").has_value());
}

TEST(ExtractRequest, AnyBytesGiveAnAnswerNotACrash) {
  std::string body = R"({"texts": ["a b", "c"], "types": ["x", "y"], "max_new_tokens": 3})";
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    (void)parse_extract_request(body.substr(0, cut), small_limits(), words);
    std::string flipped = body;
    flipped[cut] = static_cast<char>(flipped[cut] ^ 0x80);
    (void)parse_extract_request(flipped, small_limits(), words);
  }
  EXPECT_EQ(error_of(std::string(10000, '[')).field, "");  // nesting beyond the readers' limit
}

TEST(ApiKey, BearerMatchesOnlyTheExactKey) {
  EXPECT_TRUE(bearer_matches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(bearer_matches("bearer s3cret", "s3cret"));  // the scheme is case-insensitive
  EXPECT_FALSE(bearer_matches("Bearer s3cre", "s3cret"));
  EXPECT_FALSE(bearer_matches("Bearer s3cret2", "s3cret"));
  EXPECT_FALSE(bearer_matches("Bearer S3cret", "s3cret"));
  EXPECT_FALSE(bearer_matches("Basic s3cret", "s3cret"));
  EXPECT_FALSE(bearer_matches("s3cret", "s3cret"));
  EXPECT_FALSE(bearer_matches("", "s3cret"));
  EXPECT_FALSE(bearer_matches("Bearer ", ""));  // no key configured never matches
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("a", ""));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0", 2), "a"));
}

TEST(Metrics, ExpositionHasCountersHistogramAndEngineGauges) {
  Metrics m;
  m.record("/v1/extract", 200, 0.02);
  m.record("/v1/extract", 200, 3.0);
  m.record("/v1/extract", 400, 0.001);
  m.record("other", 404, std::nullopt);  // counted, not timed
  ServiceStats s;
  s.queued = 4;
  s.sequences = 12;
  s.kv_cells_used = 300;
  s.kv_cells_total = 4096;
  s.tokens_decoded = 1000;
  s.decode_seconds = 2;
  const std::string text = m.render(&s, true);
  for (const char* line : {
           "uniner_http_requests_total{route=\"/v1/extract\",status=\"200\"} 2\n",
           "uniner_http_requests_total{route=\"/v1/extract\",status=\"400\"} 1\n",
           "uniner_http_requests_total{route=\"other\",status=\"404\"} 1\n",
           "uniner_http_request_duration_seconds_bucket{route=\"/v1/extract\",le=\"0.005\"} 1\n",
           "uniner_http_request_duration_seconds_bucket{route=\"/v1/extract\",le=\"0.025\"} 2\n",
           "uniner_http_request_duration_seconds_bucket{route=\"/v1/extract\",le=\"2.5\"} 2\n",
           "uniner_http_request_duration_seconds_bucket{route=\"/v1/extract\",le=\"5\"} 3\n",
           "uniner_http_request_duration_seconds_bucket{route=\"/v1/extract\",le=\"+Inf\"} 3\n",
           "uniner_http_request_duration_seconds_count{route=\"/v1/extract\"} 3\n",
           "# TYPE uniner_http_request_duration_seconds histogram\n",
           "uniner_model_ready 1\n", "uniner_queue_depth 4\n", "uniner_sequences_in_flight 12\n",
           "uniner_kv_cells_used 300\n", "uniner_kv_cells_total 4096\n",
           "uniner_decode_tokens_per_second 500\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("route=\"other\",le="), std::string::npos) << "untimed answers have no buckets";
  EXPECT_NE(m.render(nullptr, false).find("uniner_model_ready 0\n"), std::string::npos);
}

}  // namespace
}  // namespace uniner::serve

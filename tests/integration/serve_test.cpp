// The server as a black box over real HTTP on loopback: the library's Server with a tiny model,
// every route, and answers compared byte for byte with what `uniner extract` writes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/serve_support.h"
#include "uniner/serve/server.h"

namespace uniner {
namespace {

using nlohmann::json;
using testing::http_call;
using testing::TempDir;

// Flags of `uniner extract` that match the server's options below.
const std::string kCliFlags = "--max-new-tokens 8";

class ServeApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    model_ = testing::make_tiny_model(*dir_);
    server_ = std::make_unique<Server>(options(model_), ServerCallbacks{});
    while (!server_->ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  static ServerOptions options(const std::string& model) {
    ServerOptions o;
    o.model_path = model;
    o.port = 0;
    o.model.threads = 1;  // ctest -j2 runs two suites at once
    o.model.parallel = 32;
    o.extract.max_new_tokens = 8;
    o.max_types = 4;
    o.max_texts = 8;
    o.max_text_tokens = 64;
    o.max_new_tokens_limit = 64;
    o.max_body_bytes = 4096;
    return o;
  }
  static int port() { return server_->port(); }
  static testing::HttpAnswer post(const std::string& body) {
    return http_call(port(), "POST", "/v1/extract", body);
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::string model_;
  static inline std::unique_ptr<Server> server_;
};

const std::vector<std::string> kTexts = {"Émile Zola lived in Paris with Alexandrine.",
                                         "Aspirin was developed by Bayer in Leverkusen.",
                                         "The Danube flows through Vienna and Budapest."};
const std::vector<std::string> kTypes = {"person", "location", "company"};

TEST_F(ServeApi, OneTextIsTheRecordTheCliWrites) {
  const auto a = post(testing::extract_body({kTexts[0]}, kTypes, true));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.content_type, "application/json");
  const auto cli = testing::cli_records(model_, {kTexts[0]}, kTypes, kCliFlags);
  ASSERT_EQ(cli.size(), 1u);
  EXPECT_EQ(a.body, cli[0] + "\n");
}

TEST_F(ServeApi, ManyTextsAreTheCliRecordsInOrder) {
  const auto a = post(testing::extract_body(kTexts, kTypes, false));
  ASSERT_EQ(a.status, 200) << a.body;
  const auto cli = testing::cli_records(model_, kTexts, kTypes, kCliFlags);
  ASSERT_EQ(cli.size(), kTexts.size());
  std::string expected = "{\"results\":[";
  for (std::size_t i = 0; i < cli.size(); ++i) expected += (i ? "," : "") + cli[i];
  EXPECT_EQ(a.body, expected + "]}\n");
}

TEST_F(ServeApi, ByteOffsetsAreTheCliByteOffsets) {
  const auto a = post(testing::extract_body({kTexts[0]}, kTypes, true, "\"byte_offsets\": true"));
  ASSERT_EQ(a.status, 200) << a.body;
  const auto cli = testing::cli_records(model_, {kTexts[0]}, kTypes, kCliFlags + " --byte-offsets");
  ASSERT_EQ(cli.size(), 1u);
  EXPECT_EQ(a.body, cli[0] + "\n");
}

// A request's own options are the CLI's flags for the same passage: `max_new_tokens` and
// `parser` go to the engine with the passage (PassageRequest), not to the whole server.
TEST_F(ServeApi, PerRequestOptionsAreTheCliFlags) {
  const auto a = post(testing::extract_body({kTexts[2]}, kTypes, true,
                                            "\"max_new_tokens\": 3, \"parser\": \"official\""));
  ASSERT_EQ(a.status, 200) << a.body;
  const auto cli =
      testing::cli_records(model_, {kTexts[2]}, kTypes, "--max-new-tokens 3 --parser official");
  ASSERT_EQ(cli.size(), 1u);
  EXPECT_EQ(a.body, cli[0] + "\n");
}

// Six clients at once: each answer is its own request's record. The batch a request joins depends
// on when the clients post, and llama.cpp rounds differently for different batch shapes, so a
// random model's near-tie may flip a greedy token mid-answer (the scheduler tests say the same of
// ExtractionService; a trained model's answers are compared exactly in bench/serve). An answer
// that differs from the CLI's is allowed only rarely, and never as another passage's answer.
TEST_F(ServeApi, ConcurrentClientsEachGetTheirOwnAnswer) {
  std::vector<std::string> expected;
  for (const auto& text : kTexts) expected.push_back(testing::cli_records(model_, {text}, kTypes, kCliFlags).at(0) + "\n");
  std::vector<std::future<std::vector<testing::HttpAnswer>>> clients;
  for (int c = 0; c < 6; ++c) {
    clients.push_back(std::async(std::launch::async, [c] {
      std::vector<testing::HttpAnswer> answers;
      for (std::size_t k = 0; k < kTexts.size(); ++k) {
        answers.push_back(post(testing::extract_body({kTexts[(c + k) % kTexts.size()]}, kTypes, true)));
      }
      return answers;
    }));
  }
  std::size_t answers = 0, flips = 0;
  for (int c = 0; c < 6; ++c) {
    const auto got = clients[c].get();
    for (std::size_t k = 0; k < got.size(); ++k) {
      const std::size_t own = (c + k) % kTexts.size();
      ASSERT_EQ(got[k].status, 200) << got[k].body;
      const json a = json::parse(got[k].body), want = json::parse(expected[own]);
      ASSERT_EQ(a["text"], kTexts[own]) << "client " << c << " request " << k;
      ASSERT_TRUE(a.contains("raw") && a["raw"].size() == kTypes.size()) << got[k].body;
      bool same = true;
      for (const auto& type : kTypes) {
        ++answers;
        ASSERT_TRUE(a["raw"].contains(type)) << got[k].body;
        const json& mine = a["raw"][type];
        if (mine == want["raw"][type]) continue;
        same = false, ++flips;
        for (std::size_t other = 0; other < kTexts.size(); ++other) {
          const json theirs = json::parse(expected[other])["raw"][type];
          if (other != own && theirs != want["raw"][type]) {
            EXPECT_NE(mine, theirs) << "client " << c << " request " << k << " got passage "
                                    << other << "'s answer for " << type;
          }
        }
      }
      if (same) {
        EXPECT_EQ(got[k].body, expected[own]) << "client " << c << " request " << k;
      }
    }
  }
  EXPECT_LE(flips * 10, answers) << "more than one answer in ten differs from the CLI's";
  RecordProperty("answers_differing_from_the_cli", static_cast<int>(flips));
}

std::string words(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += " word" + std::to_string(i);
  return s;
}

TEST_F(ServeApi, ErrorsAre400WithTheFieldNamed) {
  struct Case {
    std::string body;
    std::string field;  // "" for null
  };
  const std::vector<Case> cases = {
      {"{\"text\": \"x\", ", ""},
      {"{\"text\": \"x\", \"types\": []}", "types"},
      {"{\"text\": \"x\", \"types\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", "types"},
      {"{\"texts\": [\"x\", 5], \"types\": [\"a\"]}", "texts[1]"},
      {"{\"text\": \"" + words(100) + "\", \"types\": [\"a\"]}", "text"},
      {"{\"text\": \"caf\xC3\", \"types\": [\"a\"]}", "text"},
      {"{\"text\": \"x\", \"types\": [\"a\"], \"max_new_tokens\": 65}", "max_new_tokens"},
      {"{\"text\": \"x\", \"types\": [\"a\"], \"parser\": 1}", "parser"},
  };
  for (const auto& c : cases) {
    const auto a = post(c.body);
    EXPECT_EQ(a.status, 400) << c.body;
    const json j = json::parse(a.body);
    EXPECT_TRUE(j["error"].is_string());
    if (c.field.empty()) {
      EXPECT_TRUE(j["field"].is_null()) << a.body;
    } else {
      EXPECT_EQ(j["field"], c.field) << a.body;
    }
  }
}

TEST_F(ServeApi, BodyOverTheLimitIs413AndUnknownRoutes404) {
  const auto big = post("{\"text\": \"" + std::string(5000, 'a') + "\", \"types\": [\"a\"]}");
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(json::parse(big.body)["error"].get<std::string>().find("4096 bytes"), std::string::npos)
      << big.body;
  const auto missing = http_call(port(), "GET", "/v2/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("no such route"), std::string::npos) << missing.body;
  EXPECT_EQ(http_call(port(), "GET", "/health").status, 200) << "the server goes on";
}

TEST_F(ServeApi, HealthModelAndPage) {
  const auto health = http_call(port(), "GET", "/health");
  ASSERT_EQ(health.status, 200);
  const json h = json::parse(health.body);
  EXPECT_EQ(h["status"], "ready");
  EXPECT_EQ(h["model"], model_);
  EXPECT_EQ(h["context"], 4096);
  EXPECT_EQ(h["version"], server_version());
  EXPECT_TRUE(h["description"].is_string());

  const auto model = http_call(port(), "GET", "/v1/model");
  ASSERT_EQ(model.status, 200);
  const json m = json::parse(model.body);
  EXPECT_EQ(m["template"]["name"], "ie_as_qa");
  EXPECT_EQ(m["template"]["separator"], "</s>");
  EXPECT_EQ(m["system"], "A virtual assistant answers questions from a user based on the provided text.");
  EXPECT_EQ(m["defaults"]["max_new_tokens"], 8);
  EXPECT_EQ(m["defaults"]["parser"], "lenient");
  EXPECT_EQ(m["limits"]["max_types"], 4);

  const auto page = http_call(port(), "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  for (const char* part : {"<textarea id=\"text\"", "<input id=\"types\"", "<button id=\"run\"",
                           "<details id=\"raw\"", "id=\"download\"", "/v1/extract"}) {
    EXPECT_NE(page.body.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(page.body.find("http://"), std::string::npos) << "no external resource";
  EXPECT_EQ(page.body.find("https://"), std::string::npos) << "no external resource";
}

TEST_F(ServeApi, MetricsCountRequestsAndShowTheEngine) {
  ASSERT_EQ(post(testing::extract_body({kTexts[1]}, kTypes, true)).status, 200);
  ASSERT_EQ(post("{}").status, 400);
  const auto a = http_call(port(), "GET", "/metrics");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "text/plain; version=0.0.4");
  for (const char* part :
       {"uniner_http_requests_total{route=\"/v1/extract\",status=\"200\"} ",
        "uniner_http_requests_total{route=\"/v1/extract\",status=\"400\"} ",
        "uniner_http_request_duration_seconds_bucket{route=\"/v1/extract\",le=\"+Inf\"} ",
        "uniner_model_ready 1\n", "uniner_queue_depth ", "uniner_sequences_in_flight ",
        "uniner_kv_cells_used ", "uniner_kv_cells_total ", "uniner_tokens_generated_total ",
        "uniner_decode_tokens_per_second "}) {
    EXPECT_NE(a.body.find(part), std::string::npos) << part << "\n" << a.body;
  }
  // The engine's counters come from ExtractionService::stats().
  EXPECT_EQ(a.body.find("uniner_passages_submitted_total 0\n"), std::string::npos) << a.body;
}

// The log callback runs on the loading thread just before the model is read: holding it there
// keeps the server loading for as long as the test needs, with no timing involved.
TEST(ServeLoading, EveryRouteAnswersWhileTheModelLoads) {
  TempDir dir;
  const std::string model = testing::make_tiny_model(dir);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ServerCallbacks callbacks;
  callbacks.log = [released](const std::string& line) {
    if (line.rfind("loading ", 0) == 0) released.wait();
  };
  ServerOptions o;
  o.model_path = model;
  o.port = 0;
  o.model.threads = 1;
  Server server(o, callbacks);
  const int port = server.port();
  const auto health = http_call(port, "GET", "/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(json::parse(health.body)["status"], "loading");
  const auto extract = http_call(port, "POST", "/v1/extract", R"({"text": "a", "types": ["b"]})");
  EXPECT_EQ(extract.status, 503);
  EXPECT_NE(extract.body.find("loading"), std::string::npos) << extract.body;
  EXPECT_EQ(http_call(port, "GET", "/v1/model").status, 503);
  EXPECT_NE(http_call(port, "GET", "/metrics").body.find("uniner_model_ready 0\n"), std::string::npos);
  EXPECT_EQ(http_call(port, "GET", "/").status, 200);
  release.set_value();
  while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(http_call(port, "GET", "/health").status, 200);
  EXPECT_EQ(http_call(port, "POST", "/v1/extract", R"({"text": "a", "types": ["b"]})").status, 200);
}

TEST(ServeLoading, AModelThatCannotLoadStopsTheServerWithItsError) {
  TempDir dir;
  ServerOptions o;
  o.model_path = dir.write("bad.gguf", "not a model");
  o.port = 0;
  Server server(o, {});
  EXPECT_THROW(server.wait(), InputError);
  EXPECT_TRUE(server.stopped());
}

TEST(ServeLoading, BadOptionsAndABusyPortAreErrors) {
  ServerOptions o;
  o.model_path = "m.gguf";
  o.port = 70000;
  EXPECT_THROW(Server(o, {}), InputError);
  o.port = 0;
  o.max_types = 0;
  EXPECT_THROW(Server(o, {}), InputError);
  // A port another socket listens on.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  o.max_types = 4;
  o.port = ntohs(addr.sin_port);
  EXPECT_THROW(Server(o, {}), Error) << "port " << o.port << " is taken";
  close(fd);
}

}  // namespace
}  // namespace uniner

// The chat client against the local fake OpenAI server (tests/support): requests, retries,
// every fault, timeouts, the key, HTTPS.
#include "uniner/teacher/chat_client.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fake_openai_server.h"
#include "support/test_support.h"
#include "uniner/error.h"
#include "uniner/teacher/teacher_prompt.h"

namespace uniner {
namespace {

using testing::FakeOpenAiOptions;
using testing::FakeOpenAiServer;

ChatOptions options_for(const FakeOpenAiServer& server) {
  ChatOptions o;
  o.base_url = server.base_url();
  o.model = "teacher-model";
  o.timeout_s = 5;
  o.max_retries = 3;
  o.backoff_s = 0.01;
  return o;
}

std::vector<ChatMessage> messages_for(const std::string& passage) {
  return {{"system", std::string(kTeacherSystemMessage)},
          {"user", teacher_user_message(passage, PromptVariant::kType)}};
}

ChatResult ask(const FakeOpenAiServer& server, const std::string& passage, ChatOptions o = {}) {
  if (o.base_url == ChatOptions{}.base_url) o = options_for(server);
  return ChatClient(o).complete(messages_for(passage));
}

TEST(TeacherPrompt, TheExactMessagesOfTheOriginal) {
  EXPECT_EQ(kTeacherSystemMessage, "You are a helpful information extraction system.");
  EXPECT_EQ(teacher_user_message("Paris is lovely.", PromptVariant::kType),
            "Given a passage, your task is to extract all entities and identify their entity "
            "types. The output should be in a list of tuples of the following format: "
            "[(\"entity 1\", \"type of entity 1\"), ... ].\n\nPassage: Paris is lovely.");
  EXPECT_EQ(teacher_user_message("Paris is lovely.", PromptVariant::kDefinition),
            "Given a paragraph, your task is to extract all entities and concepts, and define "
            "their type using a short sentence. The output should be in the following format: "
            "[(\"entity\", \"definition of entity type in a short sentence\"), ... ]\n\n"
            "Paragraph: Paris is lovely.");
  EXPECT_EQ(prompt_variant_name(PromptVariant::kDefinition), "definition");
}

TEST(ChatClient, SendsTheRequestAndReadsTheAnswer) {
  FakeOpenAiOptions so;
  so.api_key = "sk-test-0123456789";
  FakeOpenAiServer server(so);
  ChatOptions o = options_for(server);
  o.api_key = so.api_key;
  o.max_tokens = 300;
  const std::string passage = "Paris is the capital of France.";
  const auto r = ask(server, passage, o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.content, FakeOpenAiServer::default_answer(passage));
  EXPECT_EQ(r.finish_reason, "stop");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_GT(r.prompt_tokens, 0u);
  EXPECT_GT(r.completion_tokens, 0u);

  const auto body = nlohmann::json::parse(server.last_request(passage));
  EXPECT_EQ(body["model"], "teacher-model");
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["max_tokens"], 300);
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][0]["content"], std::string(kTeacherSystemMessage));
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["messages"][1]["content"], teacher_user_message(passage, PromptVariant::kType));
  EXPECT_EQ(server.authorization_headers(), std::vector<std::string>{"Bearer " + so.api_key});
}

TEST(ChatClient, RetriesARateLimitHonouringRetryAfter) {
  FakeOpenAiOptions so;
  so.retry_after = "1";
  FakeOpenAiServer server(so);
  const std::string passage = "Busy {{fault:429*1}} Tokyo.";
  const auto r = ask(server, passage);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  const auto times = server.attempt_times(passage);
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], 0.95) << "Retry-After: 1 (the backoff alone is 0.01 s)";
}

TEST(ChatClient, RetriesServerErrorsThenGivesUp) {
  FakeOpenAiServer server({});
  const auto twice = ask(server, "Flaky {{fault:500*2}} Rome.");
  EXPECT_TRUE(twice.ok) << twice.error;
  EXPECT_EQ(twice.attempts, 3);

  ChatOptions o = options_for(server);
  o.max_retries = 2;
  const std::string passage = "Down {{fault:503}} Oslo.";
  const auto r = ask(server, passage, o);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server.attempts(passage), 3u);
  EXPECT_EQ(r.http_status, 503);
  EXPECT_NE(r.error.find("HTTP 503: The server had an error"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("gave up after 3 attempts"), std::string::npos) << r.error;
}

TEST(ChatClient, ClientErrorsAreNotRetried) {
  FakeOpenAiServer server({});
  const std::string passage = "Too long {{fault:400}}.";
  const auto r = ask(server, passage);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.fatal);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server.attempts(passage), 1u);
  EXPECT_EQ(r.error, "HTTP 400: This model's maximum context length is 4097 tokens.");
  for (const char* fatal : {"Key {{fault:401}}.", "Model {{fault:404}}."}) {
    const auto f = ask(server, fatal);
    EXPECT_FALSE(f.ok);
    EXPECT_TRUE(f.fatal) << fatal;
    EXPECT_EQ(server.attempts(fatal), 1u) << fatal;
  }
}

TEST(ChatClient, EveryBrokenResponseIsRetriedWithAClearReason) {
  FakeOpenAiOptions so;
  so.slow_ms = 3000;
  FakeOpenAiServer server(so);
  const std::pair<const char*, const char*> cases[] = {
      {"drop", "the connection was dropped before a response"},
      {"truncate", "truncated response: the connection closed after"},
      {"nonjson", "the response is not a JSON object: <html>"},
      {"empty", "the response has no choices"},
      {"slow", "timed out after 0.5 s"},
  };
  for (const auto& [fault, reason] : cases) {
    ChatOptions o = options_for(server);
    o.timeout_s = 0.5;
    o.max_retries = 0;
    const std::string always = std::string("Always ") + "{{fault:" + fault + "}} Lyon.";
    const auto start = std::chrono::steady_clock::now();
    const auto r = ask(server, always, o);
    EXPECT_FALSE(r.ok) << fault;
    EXPECT_NE(r.error.find(reason), std::string::npos) << fault << ": " << r.error;
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.5)
        << fault << ": the timeout bounds every attempt";

    o.max_retries = 2;
    const std::string once = std::string("Once ") + "{{fault:" + fault + "*1}} Lyon.";
    const auto retried = ask(server, once, o);
    EXPECT_TRUE(retried.ok) << fault << ": " << retried.error;
    EXPECT_EQ(retried.attempts, 2) << fault;
    EXPECT_EQ(retried.content, FakeOpenAiServer::default_answer(once)) << fault;
  }
}

TEST(ChatClient, ConnectionRefusedIsRetriedThenReported) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);  // nobody listens there now
  ChatOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  o.model = "m";
  o.max_retries = 2;
  o.backoff_s = 0.01;
  const auto r = ChatClient(o).complete(messages_for("x"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_NE(r.error.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.error;
}

TEST(ChatClient, TheKeyNeverAppearsInErrors) {
  const std::string key = "sk-super-secret-key-42";
  httplib::Server echo;  // a server that quotes the key back, as some do
  echo.Post(".*", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 500;
    res.set_content(
        "{\"error\": {\"message\": \"bad key " + req.get_header_value("Authorization") + "\"}}",
        "application/json");
  });
  const int port = echo.bind_to_any_port("127.0.0.1");
  std::thread t([&] { echo.listen_after_bind(); });
  ChatOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.model = "m";
  o.api_key = key;
  o.max_retries = 1;
  o.backoff_s = 0.01;
  const auto r = ChatClient(o).complete(messages_for("x"));
  echo.stop();
  t.join();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.find(key), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("bad key Bearer ***"), std::string::npos) << r.error;
}

TEST(ChatClient, CancelStopsRetrying) {
  FakeOpenAiServer server({});
  std::atomic<bool> cancel{false};
  ChatOptions o = options_for(server);
  o.backoff_s = 30;
  o.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const auto r = ask(server, "Down {{fault:500}}.", o);
  canceller.join();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("cancelled"), std::string::npos) << r.error;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10);
}

TEST(ChatClient, RefusesBadOptions) {
  ChatOptions o;
  o.model = "m";
  for (const char* url : {"127.0.0.1:8000", "ftp://host", "http://", "http://host:0",
                          "http://host:99999", "http://host:8000/v1?x=1"}) {
    o.base_url = url;
    EXPECT_THROW(ChatClient{o}, InputError) << url;
  }
  o.base_url = "http://[::1]:8000/v1/";
  EXPECT_NO_THROW(ChatClient{o});
  o.model = "";
  EXPECT_THROW(ChatClient{o}, InputError);
}

// HTTPS with a certificate made here by the openssl program (skipped without it).
TEST(ChatClient, Https) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl program";
  testing::TempDir dir;
  const auto cert = dir.file("cert.pem"), key = dir.file("key.pem");
  const auto made = testing::run_command(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext "
      "subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
      key + " -out " + cert);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  httplib::SSLServer tls(cert.c_str(), key.c_str());
  ASSERT_TRUE(tls.is_valid());
  tls.Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"choices": [{"message": {"role": "assistant", "content": "[]"}}]})",
                    "application/json");
  });
  const int port = tls.bind_to_any_port("127.0.0.1");
  std::thread t([&] { tls.listen_after_bind(); });
  ChatOptions o;
  o.base_url = "https://localhost:" + std::to_string(port) + "/v1";
  o.model = "m";
  o.max_retries = 0;
  const auto untrusted = ChatClient(o).complete(messages_for("x"));
  o.ca_cert_file = cert;
  const auto trusted = ChatClient(o).complete(messages_for("x"));
  tls.stop();
  t.join();
  EXPECT_FALSE(untrusted.ok);
  EXPECT_TRUE(untrusted.fatal);
  EXPECT_NE(untrusted.error.find("TLS certificate verification failed"), std::string::npos)
      << untrusted.error;
  ASSERT_TRUE(trusted.ok) << trusted.error;
  EXPECT_EQ(trusted.content, "[]");
}

}  // namespace
}  // namespace uniner

// `uniner annotate` as a user meets it: the real binary over HTTP against the local fake
// OpenAI server (tests/support/fake_openai_server.h), with faults, kills and re-runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fake_openai_server.h"
#include "support/test_support.h"
#include "uniner/data/teacher_output.h"
#include "uniner/teacher/teacher_prompt.h"

namespace uniner {
namespace {

using nlohmann::json;
using testing::FakeOpenAiOptions;
using testing::FakeOpenAiServer;
using testing::read_file;
using testing::run_command;
using testing::shell_quote;
using testing::TempDir;

const std::string kBin = testing::uniner_bin();
const std::string kKeyEnv = "UNINER_TEST_API_KEY";
const std::string kKey = "sk-test-KEY-5f1e9a0c3b7d";

struct Passage {
  std::string id;
  std::string text;
};

std::string write_passages(const TempDir& dir, const std::string& name,
                           const std::vector<Passage>& passages,
                           const std::vector<std::string>& extra_lines = {}) {
  std::string content;
  for (const auto& p : passages) content += json{{"id", p.id}, {"text", p.text}}.dump() + "\n";
  for (const auto& l : extra_lines) content += l + "\n";
  return dir.write(name, content);
}

// The records of an output file by id; fails the test on a duplicate id or a bad line.
std::map<std::string, json> read_records(const std::string& path) {
  std::map<std::string, json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const json j = json::parse(line);
    const std::string id = j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump();
    EXPECT_TRUE(out.emplace(id, j).second) << "duplicate record for id " << id;
  }
  return out;
}

std::size_t count_lines(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

std::string annotate_command(const FakeOpenAiServer& server, const std::string& input,
                             const std::string& output, const std::string& extra = "") {
  return kBin + " annotate --input " + shell_quote(input) + " --output " + shell_quote(output) +
         " --base-url " + server.base_url() + " --model teacher --api-key-env " + kKeyEnv +
         " --backoff 0.01 " + extra;
}

std::vector<Passage> plain_passages(std::size_t n, const std::string& prefix) {
  std::vector<Passage> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({prefix + std::to_string(i), "Passage " + std::to_string(i) +
                                                   " says Ada Lovelace met Charles Babbage in "
                                                   "London, Company" +
                                                   std::to_string(i % 7) + " reported."});
  }
  return out;
}

class AnnotateCli : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv(kKeyEnv.c_str(), kKey.c_str(), 1); }
};

TEST_F(AnnotateCli, EveryPassageEndsOkOrFailedWithItsReason) {
  FakeOpenAiOptions so;
  so.api_key = kKey;
  so.retry_after = "1";
  so.slow_ms = 4000;
  so.answers["Alice met Bob."] = "Sure:\n[('Alice', 'person'), ('Carol', 'person')]";
  FakeOpenAiServer server(so);
  TempDir dir;

  auto passages = plain_passages(30, "n");
  const std::vector<std::pair<std::string, std::string>> recovering = {
      {"429*1", "rate"},       {"500*2", "e500"},     {"503*1", "e503"},    {"drop*1", "drop"},
      {"truncate*1", "trunc"}, {"nonjson*1", "html"}, {"empty*1", "empty"}, {"slow*1", "slow"}};
  for (const auto& [fault, id] : recovering) {
    passages.push_back({id, "Recovering from " + fault + " {{fault:" + fault + "}} in Vienna."});
  }
  passages.push_back({"always500", "Never {{fault:500}} answered in Oslo."});
  passages.push_back({"always-html", "Never {{fault:nonjson}} JSON in Oslo."});
  passages.push_back({"bad-request", "Too long {{fault:400}} for Oslo."});
  passages.push_back({"prose", "Chatty {{fault:prose}} teacher in Oslo."});
  passages.push_back({"fixture", "Alice met Bob."});
  const auto input =
      write_passages(dir, "passages.jsonl", passages,
                     {"not json", R"({"id": "no-text"})", R"({"id": "n0", "text": "again"})"});
  const auto output = dir.file("out.jsonl");

  const auto r = run_command(annotate_command(server, input, output,
                                              "--concurrency 4 --timeout 1 --max-retries 3 "
                                              "--max-tokens 256"));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto records = read_records(output);
  ASSERT_EQ(records.size(), passages.size()) << "every passage once, none lost";
  for (const auto& p : passages) {
    ASSERT_TRUE(records.count(p.id)) << p.id;
    const json& rec = records.at(p.id);
    EXPECT_EQ(rec["text"], p.text);
    const std::string status = rec["status"];
    if (p.id.rfind("always", 0) == 0 || p.id == "bad-request") {
      EXPECT_EQ(status, "failed") << p.id;
      EXPECT_EQ(rec["entities"], json::array()) << p.id;
      EXPECT_EQ(rec["raw"], "") << p.id;
      continue;
    }
    if (p.id == "prose") {
      EXPECT_EQ(status, "parse_error");
      EXPECT_EQ(rec["error"], "no list of (entity, type) tuples in the answer");
      EXPECT_EQ(rec["raw"], "I could not find any named entities in this passage.");
      continue;
    }
    EXPECT_EQ(status, "ok") << p.id << ": " << rec.dump();
    EXPECT_FALSE(rec.contains("error")) << p.id;
    if (p.id == "fixture") continue;
    const std::string answer = FakeOpenAiServer::default_answer(p.text);
    EXPECT_EQ(rec["raw"], answer) << p.id;
    json expected = json::array();
    for (const auto& e : parse_teacher_output(answer).entities)
      expected.push_back({e.entity, e.type});
    EXPECT_EQ(rec["entities"], expected) << p.id;
    EXPECT_EQ(rec["unfound"], json::array()) << p.id;
    EXPECT_GT(rec["usage"]["prompt_tokens"].get<int>(), 0) << p.id;
  }
  // Failures say why, with the number of attempts; 4xx is not retried.
  EXPECT_EQ(records.at("always500")["error"],
            "HTTP 500: The server had an error while processing your request. (gave up after 4 "
            "attempts)");
  EXPECT_EQ(server.attempts(passages[passages.size() - 5].text), 4u);
  EXPECT_NE(records.at("always-html")["error"].get<std::string>().find("not a JSON object"),
            std::string::npos);
  EXPECT_EQ(records.at("bad-request")["error"],
            "HTTP 400: This model's maximum context length is 4097 tokens.");
  EXPECT_EQ(server.attempts("Too long {{fault:400}} for Oslo."), 1u) << "4xx is not retried";
  EXPECT_EQ(server.attempts("Recovering from 500*2 {{fault:500*2}} in Vienna."), 3u);
  // Retry-After: 1 was honoured (the backoff alone is 0.01 s).
  const auto times = server.attempt_times("Recovering from 429*1 {{fault:429*1}} in Vienna.");
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], 0.95);
  // The fixture: prose around the list, an entity the passage does not contain.
  const json& fixture = records.at("fixture");
  EXPECT_EQ(fixture["entities"], json::parse(R"([["Alice", "person"], ["Carol", "person"]])"));
  EXPECT_EQ(fixture["unfound"], json::parse("[1]"));

  // Bad input lines are reported with file and line, and skipped.
  EXPECT_NE(r.err.find("passages.jsonl:" + std::to_string(passages.size() + 1) + ": invalid JSON"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("passages.jsonl:" + std::to_string(passages.size() + 2) +
                       ": missing string 'text'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("passages.jsonl:" + std::to_string(passages.size() + 3) +
                       ": duplicate id n0 (first on line 1)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(ok 39, parse_error 1, failed 3)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 bad input lines"), std::string::npos) << r.err;

  // The key went to the server, and nowhere else.
  EXPECT_EQ(server.authorization_headers(), std::vector<std::string>{"Bearer " + kKey});
  EXPECT_EQ(read_file(output).find(kKey), std::string::npos);
  EXPECT_EQ(r.err.find(kKey), std::string::npos);
  EXPECT_EQ(r.out.find(kKey), std::string::npos);
  // The request is the original's: exact messages, temperature 0, our max_tokens.
  const auto request = json::parse(server.last_request(passages[0].text));
  EXPECT_EQ(request["messages"][0]["content"], std::string(kTeacherSystemMessage));
  EXPECT_EQ(request["messages"][1]["content"],
            teacher_user_message(passages[0].text, PromptVariant::kType));
  EXPECT_EQ(request["temperature"], 0.0);
  EXPECT_EQ(request["max_tokens"], 256);
}

// Starts the command in the background (exec'd by the shell: its pid is uniner's).
pid_t spawn(const std::string& command, const std::string& err) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string line = "exec " + command + " 2>" + shell_quote(err);
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// What must be equal between an interrupted-and-resumed run and a clean one.
std::map<std::string, std::string> essentials(const std::map<std::string, json>& records) {
  std::map<std::string, std::string> out;
  for (const auto& [id, r] : records) {
    out[id] = json{r["text"], r["entities"], r["raw"], r["status"], r.value("error", "")}.dump();
  }
  return out;
}

TEST_F(AnnotateCli, KillNineHalfwayThenRerunGivesTheSameSetAsOneCleanRun) {
  FakeOpenAiOptions so;
  so.api_key = kKey;
  so.latency_ms = 20;
  FakeOpenAiServer server(so);
  TempDir dir;
  auto passages = plain_passages(240, "p");
  passages[17].text += " {{fault:500}}";     // fails for good
  passages[101].text += " {{fault:prose}}";  // parse error
  passages[150].text += " {{fault:400}}";    // fails at once
  const auto input = write_passages(dir, "passages.jsonl", passages);
  const std::string flags = "--concurrency 4 --max-retries 1";

  const auto clean_out = dir.file("clean.jsonl");
  const auto clean = run_command(annotate_command(server, input, clean_out, flags));
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  const auto expected = essentials(read_records(clean_out));
  ASSERT_EQ(expected.size(), passages.size());

  const auto out = dir.file("out.jsonl");
  const std::string command = annotate_command(server, input, out, flags);
  int kills = 0;
  for (std::size_t kill_at : {60u, 150u}) {
    const pid_t pid = spawn(command, dir.file("err.txt"));
    ASSERT_GT(pid, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (count_lines(out) >= kill_at) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    }
  }
  EXPECT_GE(kills, 1) << "the job was never interrupted (it finished too fast?)";
  EXPECT_LT(count_lines(out), passages.size());

  const auto resumed = run_command(command);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming after"), std::string::npos) << resumed.err;
  EXPECT_EQ(essentials(read_records(out)), expected) << "same ids, entities, raw answers";
  EXPECT_EQ(count_lines(out), passages.size()) << "nothing repeated";

  // Running it again is a no-op.
  const auto again = run_command(command);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("0 records written"), std::string::npos) << again.err;
  EXPECT_EQ(count_lines(out), passages.size());
}

TEST_F(AnnotateCli, ATornLastLineIsRepairedAndTheRunFinishes) {
  FakeOpenAiOptions so;
  so.api_key = kKey;
  FakeOpenAiServer server(so);
  TempDir dir;
  const auto passages = plain_passages(40, "t");
  const auto input = write_passages(dir, "passages.jsonl", passages);
  const auto clean_out = dir.file("clean.jsonl");
  ASSERT_EQ(run_command(annotate_command(server, input, clean_out)).exit_code, 0);
  const std::string clean = read_file(clean_out);

  // The first 25 records, then half of the 26th, as a kill during a write would leave them.
  std::size_t cut = 0;
  for (int i = 0; i < 25; ++i) cut = clean.find('\n', cut) + 1;
  const std::size_t next = clean.find('\n', cut);
  const auto out = dir.write("out.jsonl", clean.substr(0, cut + (next - cut) / 2));
  const auto r = run_command(annotate_command(server, input, out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("removed a torn last line"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("15 records written"), std::string::npos) << r.err;
  EXPECT_EQ(essentials(read_records(out)), essentials(read_records(clean_out)));
}

TEST_F(AnnotateCli, ARefusedKeyStopsTheJobAtOnceAndMarksNothingDone) {
  FakeOpenAiOptions so;
  so.api_key = "sk-the-right-key-000000";
  FakeOpenAiServer server(so);
  TempDir dir;
  const auto passages = plain_passages(20, "k");
  const auto input = write_passages(dir, "passages.jsonl", passages);
  const auto out = dir.file("out.jsonl");
  const auto r = run_command(annotate_command(server, input, out, "--concurrency 2"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("uniner: error: the server refused the request"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("HTTP 401"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kKey), std::string::npos) << "the key never appears";
  EXPECT_LE(server.requests(), 2u) << "not retried, and no new request after the refusal";
  EXPECT_EQ(count_lines(out), 0u) << "nothing is marked done";

  ::setenv(kKeyEnv.c_str(), so.api_key.c_str(), 1);
  const auto fixed = run_command(annotate_command(server, input, out, "--concurrency 2"));
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(read_records(out).size(), passages.size());
}

TEST_F(AnnotateCli, DefinitionVariantAndStdin) {
  FakeOpenAiServer server({});
  TempDir dir;
  const auto input = write_passages(dir, "passages.jsonl", {{"d1", "Marie Curie won."}});
  const auto out = dir.file("out.jsonl");
  const auto r = run_command("cat " + input + " | " +
                             annotate_command(server, "-", out, "--variant definition"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto request = json::parse(server.last_request("Marie Curie won."));
  EXPECT_EQ(request["messages"][1]["content"],
            teacher_user_message("Marie Curie won.", PromptVariant::kDefinition));
  EXPECT_EQ(read_records(out).at("d1")["status"], "ok");
}

TEST_F(AnnotateCli, BadUsageExitsTwo) {
  FakeOpenAiServer server({});
  TempDir dir;
  const auto input = write_passages(dir, "passages.jsonl", {{"a", "A."}});
  const auto to_stdout = run_command(annotate_command(server, input, "-"));
  EXPECT_EQ(to_stdout.exit_code, 2);
  EXPECT_NE(to_stdout.err.find("must be a real file"), std::string::npos) << to_stdout.err;
  EXPECT_EQ(run_command(annotate_command(server, dir.file("missing.jsonl"), dir.file("o.jsonl")))
                .exit_code,
            2);
  EXPECT_EQ(
      run_command(annotate_command(server, input, dir.file("o.jsonl"), "--variant poem")).exit_code,
      2);
  EXPECT_EQ(run_command(annotate_command(server, input, dir.file("o.jsonl"), "--concurrency 0"))
                .exit_code,
            2);
  ::unsetenv(kKeyEnv.c_str());
  const auto no_key = run_command(annotate_command(server, input, dir.file("o.jsonl")));
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find(kKeyEnv + " is not set"), std::string::npos) << no_key.err;
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(AnnotateCli, ASecondRunOnTheSameOutputIsRefusedWhileTheFirstWrites) {
  FakeOpenAiOptions so;
  so.api_key = kKey;
  so.latency_ms = 300;  // the first run takes seconds
  FakeOpenAiServer server(so);
  TempDir dir;
  const auto passages = plain_passages(20, "l");
  const auto input = write_passages(dir, "passages.jsonl", passages);
  const auto out = dir.file("out.jsonl");
  const std::string command = annotate_command(server, input, out, "--concurrency 2");
  const pid_t first = spawn(command, dir.file("first.err"));
  ASSERT_GT(first, 0);
  int status = 0;  // the first run holds the lock once its lock file names it (60 s at most)
  for (int i = 0; i < 12000 && read_file(out + ".lock").empty(); ++i) {
    ASSERT_EQ(waitpid(first, &status, WNOHANG), 0) << read_file(dir.file("first.err"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto second = run_command(command);
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find(out + ": another uniner annotate is writing it (pid " +
                            std::to_string(first)),
            std::string::npos)
      << second.err;
  ASSERT_EQ(waitpid(first, &status, 0), first);
  ASSERT_TRUE(WIFEXITED(status)) << "first run killed";
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_file(dir.file("first.err"));
  EXPECT_EQ(read_records(out).size(), passages.size()) << "no duplicated ids (read_records)";
  EXPECT_EQ(count_lines(out), passages.size());
  EXPECT_EQ(server.requests(), passages.size()) << "the refused run asked nothing";
  EXPECT_FALSE(std::filesystem::exists(out + ".lock")) << "the lock file goes with its run";
}

TEST_F(AnnotateCli, RefusedOutputsAreLeftUntouchedAndNothingIsAsked) {
  FakeOpenAiOptions so;
  so.api_key = kKey;
  FakeOpenAiServer server(so);
  TempDir dir;
  const auto passages = plain_passages(6, "d");
  const auto input = write_passages(dir, "passages.jsonl", passages);
  ASSERT_EQ(run_command(annotate_command(server, input, dir.file("good.jsonl"))).exit_code, 0);
  const std::string records = read_file(dir.file("good.jsonl"));
  // A complete last line (it ends in a newline) is never a torn write, and neither is an
  // unterminated one that does not start like a record; nor is another JSONL file.
  dir.write("notes.jsonl", records + "my notes: keep this\n");
  dir.write("notes2.jsonl", records + "# keep this too");
  write_passages(dir, "other.jsonl", plain_passages(3, "x"));
  std::filesystem::create_symlink(input, dir.file("link.jsonl"));
  std::filesystem::create_directory(dir.file("folder"));
  const std::string damaged = ": not an annotation record";
  for (const auto& [in, out, message] : std::vector<std::array<std::string, 3>>{
           {input, dir.file("notes.jsonl"), "notes.jsonl:7" + damaged},
           {input, dir.file("notes2.jsonl"), "notes2.jsonl:7" + damaged},
           {input, dir.file("other.jsonl"), "other.jsonl:1" + damaged},
           {input, input, "is also the input"},
           {input, dir.file("link.jsonl"), "is also the input"},
           {input, dir.file("folder"), "folder: is a directory"},
           {dir.file("folder"), dir.file("o.jsonl"), "folder: is a directory"},
           {input, "/dev/full", "/dev/full: not a regular file"}}) {
    const bool regular = std::filesystem::is_regular_file(out);  // (/dev/full reads forever)
    const std::string before = regular ? read_file(out) : "";
    const auto r = run_command(annotate_command(server, in, out));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(regular ? read_file(out) : "", before) << out << " untouched";
  }
  EXPECT_EQ(server.requests(), passages.size()) << "only the first run asked";
}

TEST_F(AnnotateCli, AFailedWriteExitsOneAndTheRerunFinishes) {
  // A full disk, as the file size limit makes it: write(2) fails (EFBIG) once the output
  // reaches 1 KiB (SIGXFSZ ignored, so the write returns the error instead of killing).
  FakeOpenAiOptions so;
  so.api_key = kKey;
  FakeOpenAiServer server(so);
  TempDir dir;
  const auto passages = plain_passages(30, "w");
  const auto input = write_passages(dir, "passages.jsonl", passages);
  const auto out = dir.file("out.jsonl");
  const auto full =
      run_command("trap '' XFSZ; ulimit -f 2; " + annotate_command(server, input, out));
  EXPECT_EQ(full.exit_code, 1) << full.err;
  EXPECT_NE(full.err.find("uniner: error: " + out + ": write failed: File too large"),
            std::string::npos)
      << full.err;
  EXPECT_LT(count_lines(out), passages.size());
  const auto rerun = run_command(annotate_command(server, input, out));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(read_records(out).size(), passages.size());
  EXPECT_EQ(count_lines(out), passages.size());
}

TEST_F(AnnotateCli, ShardsTogetherAnnotateEveryPassageOnce) {
  FakeOpenAiOptions so;
  so.api_key = kKey;
  FakeOpenAiServer server(so);
  TempDir dir;
  const auto passages = plain_passages(60, "s");
  const auto input = write_passages(dir, "passages.jsonl", passages,
                                    {R"({"id": 12345, "text": "A numeric id in Rome."})"});
  const auto whole_out = dir.file("whole.jsonl");
  ASSERT_EQ(run_command(annotate_command(server, input, whole_out)).exit_code, 0);
  const auto whole = read_records(whole_out);
  ASSERT_EQ(whole.size(), passages.size() + 1);

  std::map<std::string, int> seen;
  for (int k = 0; k < 3; ++k) {
    const auto out = dir.file("shard" + std::to_string(k) + ".jsonl");
    const std::string shard = "--shard " + std::to_string(k) + "/3";
    const auto r = run_command(annotate_command(server, input, out, shard));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto records = read_records(out);
    EXPECT_NE(r.err.find(std::to_string(whole.size() - records.size()) +
                         " passages left to the other shards"),
              std::string::npos)
        << r.err;
    for (const auto& [id, rec] : records) {
      ++seen[id];
      EXPECT_EQ(rec, whole.at(id)) << "the same record as the unsharded run";
    }
    // Each shard resumes on its own output.
    const auto again = run_command(annotate_command(server, input, out, shard));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.err.find("0 records written"), std::string::npos) << again.err;
    EXPECT_EQ(read_records(out).size(), records.size());
  }
  ASSERT_EQ(seen.size(), whole.size()) << "together the shards cover every passage";
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id << " in more than one shard";

  EXPECT_EQ(run_command(annotate_command(server, input, dir.file("x"), "--shard 3/3")).exit_code,
            2);
}

}  // namespace
}  // namespace uniner

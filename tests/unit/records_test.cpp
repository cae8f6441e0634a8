#include "uniner/format/records.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

const char* kTwoRecords = R"([
{"id": "d_0", "conversations": [{"from": "human", "value": "Text: Ann met Bob."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes person in the text?"}, {"from": "gpt", "value": "[\"Ann\", \"Bob\"]"}]},
{"id": 7, "conversations": [{"from": "human", "value": "Text: Caf\u00e9."}, {"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": "What describes city in the text?"}, {"from": "gpt", "value": "[]"}]}
])";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(Records, ReadsBenchmarkRecordsInOrder) {
  TempDir dir;
  const auto recs = read_benchmark(dir.write("b.json", kTwoRecords));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].id, "d_0");
  EXPECT_EQ(recs[0].text, "Ann met Bob.");
  EXPECT_EQ(recs[0].type, "person");
  EXPECT_EQ(recs[0].gold, "[\"Ann\", \"Bob\"]");
  EXPECT_EQ(recs[1].id, "7");
  EXPECT_EQ(recs[1].text, "Caf\xC3\xA9.");
}

TEST(Records, WriterOutputReadsBack) {
  TempDir dir;
  std::ostringstream out;
  {
    ConversationWriter w(out);
    w.write({"x", {{"human", "Text: a \"b\"\n"}, {"gpt", "I've read this text."}}});
    w.write({"y", {}});
  }
  std::vector<ConversationRecord> back;
  read_conversations(dir.write("w.json", out.str()),
                     [&](ConversationRecord&& r, std::size_t) { back.push_back(std::move(r)); });
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].conversations[0].value, "Text: a \"b\"\n");
  EXPECT_TRUE(back[1].conversations.empty());
  std::ostringstream empty;
  ConversationWriter(empty).finish();
  EXPECT_EQ(empty.str(), "[]\n");
}

TEST(Records, MalformedFilesNameTheFileAndPlace) {
  TempDir dir;
  const auto not_json = dir.write("bad.json", "[\n{\"id\": 1,\n oops}\n]");
  EXPECT_NE(error_of([&] { read_benchmark(not_json); }).find("bad.json:3: invalid JSON"),
            std::string::npos);

  // Not a JSON array: read as JSON Lines of conversations (detect_json_layout), line by line.
  const auto object = dir.write("obj.json", "\n{\"id\": 1}");
  EXPECT_NE(error_of([&] { read_benchmark(object); }).find("obj.json:2: record 0 (id 1): missing"),
            std::string::npos);

  const auto shape = dir.write("shape.json", "[{\"id\": \"a\", \"conversations\": 3}]");
  EXPECT_NE(error_of([&] { read_benchmark(shape); }).find("missing 'conversations' array"),
            std::string::npos);

  const auto turns = dir.write("turns.json",
                               "[{\"id\": \"a\", \"conversations\": [{\"from\": \"human\", "
                               "\"value\": \"hi\"}]}]");
  EXPECT_NE(error_of([&] { read_benchmark(turns); }).find("record id a: expected 4 turns"),
            std::string::npos);

  const auto utf8 = dir.write("utf8.json", "[{\"id\": \"a\xFF\", \"conversations\": []}]");
  const auto msg = error_of([&] { read_benchmark(utf8); });
  EXPECT_NE(msg.find("utf8.json:1: invalid JSON"), std::string::npos) << msg;
  EXPECT_NE(msg.find("UTF-8"), std::string::npos) << msg;

  EXPECT_NE(error_of([&] { read_benchmark(dir.file("absent.json")); }).find("cannot open"),
            std::string::npos);
}

TEST(Records, PredictionsJsonl) {
  TempDir dir;
  const auto path = dir.write("p.jsonl",
                              "{\"id\": \"a\", \"prediction\": \"[\\\"x\\\"]\"}\n\n{\"id\": 3, "
                              "\"prediction\": \"[]\"}\n");
  const auto preds = read_predictions(path);
  ASSERT_EQ(preds.size(), 2u);
  EXPECT_EQ(preds[0].prediction, "[\"x\"]");
  EXPECT_EQ(preds[1].id, "3");
  EXPECT_EQ(preds[1].line, 3u);

  const auto bad =
      dir.write("bad.jsonl", "{\"id\": \"a\", \"prediction\": \"[]\"}\n{\"id\": \"b\"}\n");
  EXPECT_NE(
      error_of([&] { read_predictions(bad); }).find("bad.jsonl:2: missing string 'prediction'"),
      std::string::npos);
  const auto utf8 = dir.write("u.jsonl", "{\"id\": \"a\", \"prediction\": \"\xC3\"}\n");
  EXPECT_NE(error_of([&] { read_predictions(utf8); }).find("u.jsonl:1: invalid UTF-8 at byte 27"),
            std::string::npos);

  std::ostringstream out;
  write_prediction(out, "id1", "[\"a\"]");
  EXPECT_EQ(out.str(), "{\"id\":\"id1\",\"prediction\":\"[\\\"a\\\"]\"}\n");
}

}  // namespace
}  // namespace uniner

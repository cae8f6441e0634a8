#include "uniner/format/records.h"

#include <gtest/gtest.h>

#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "format/json_records.h"
#include "support/test_support.h"
#include "uniner/error.h"
#include "uniner/format/passage_reader.h"

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

std::string conversation(const std::string& id) {
  return "{\"id\": \"" + id +
         "\", \"conversations\": [{\"from\": \"human\", \"value\": \"Text: a\"}, {\"from\": "
         "\"gpt\", \"value\": \"I've read this text.\"}, {\"from\": \"human\", \"value\": "
         "\"What describes t in the text?\"}, {\"from\": \"gpt\", \"value\": \"[]\"}]}";
}

struct Streamed {
  std::vector<std::string> ids;
  std::vector<std::string> warnings;
  std::size_t bad = 0;
};

Streamed stream(const std::string& text, bool strict) {
  std::istringstream in(text);
  Streamed s;
  s.bad = for_each_conversation(
      in, "f.json", strict,
      [&](ConversationRecord&& r, std::size_t, std::size_t) { s.ids.push_back(r.id); },
      [&](const std::string& w) { s.warnings.push_back(w); });
  return s;
}

// Issue 11: records that are JSON arrays were neither read nor reported.
TEST(Records, ArrayAndScalarRecordsAreBadRecords) {
  const std::string text =
      "[\n[[\"x\"], [1, 2]],\n" + conversation("a") + ",\n7,\n" + conversation("b") + "\n]";
  const Streamed s = stream(text, /*strict=*/false);
  EXPECT_EQ(s.ids, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(s.bad, 2u);
  EXPECT_NE(s.warnings[0].find("f.json:2: record 0: expected an object"), std::string::npos)
      << s.warnings[0];
  EXPECT_NE(s.warnings[1].find("f.json:4: record 2: expected an object"), std::string::npos)
      << s.warnings[1];
  EXPECT_THROW(stream(text, /*strict=*/true), InputError);
  TempDir dir;
  const auto path = dir.write("arrays.json", "[[[\"a\"], [1, 2]]]");
  EXPECT_NE(error_of([&] { read_benchmark(path); }).find("arrays.json:1: record 0: expected"),
            std::string::npos);
}

// Issue 11: a number overflowing a double threw json::out_of_range past the readers.
TEST(Records, NumberOverflowIsABadRecordWithFileAndLine) {
  std::istringstream lines("{\"id\": 1}\n{\"id\": 1e999}\n{\"id\": 2}\n");
  std::vector<std::size_t> read;
  std::vector<std::string> warnings;
  const std::size_t bad = for_each_jsonl_record(
      lines, "p.jsonl", /*strict=*/false,
      [&](nlohmann::json&, std::size_t line) { read.push_back(line); },
      [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(read, (std::vector<std::size_t>{1, 3}));
  ASSERT_EQ(bad, 1u);
  EXPECT_NE(warnings[0].find("p.jsonl:2: invalid JSON"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("number overflow"), std::string::npos) << warnings[0];

  const std::string array = "[\n" + conversation("a") + ",\n{\"id\": 1e999}\n]";
  try {
    stream(array, /*strict=*/false);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("f.json:3: invalid JSON"), std::string::npos) << e.what();
  }
}

// Issue 11: nesting is bounded in every JSON reader (copying or printing a value recurses).
TEST(Records, DeepNestingIsABadRecordNotACrash) {
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_TRUE(json_nesting_exceeds(deep));
  EXPECT_FALSE(json_nesting_exceeds("[[\"[[[[\"]]"));
  EXPECT_TRUE(json_nesting_exceeds("[[[", 2));
  std::istringstream lines(deep + "\n{\"id\": 2}\n");
  std::size_t good = 0;
  std::vector<std::string> warnings;
  EXPECT_EQ(for_each_jsonl_record(
                lines, "d.jsonl", false, [&](nlohmann::json&, std::size_t) { ++good; },
                [&](const std::string& w) { warnings.push_back(w); }),
            1u);
  EXPECT_EQ(good, 1u);
  EXPECT_NE(warnings.at(0).find("d.jsonl:1: invalid JSON: nested deeper"), std::string::npos);

  const std::string record = "{\"id\": \"deep\", \"conversations\": [], \"x\": " + deep + "}";
  const Streamed s = stream("[" + record + ",\n" + conversation("a") + "]", /*strict=*/false);
  EXPECT_EQ(s.ids, std::vector<std::string>{"a"});
  ASSERT_EQ(s.bad, 1u);
  EXPECT_NE(s.warnings[0].find("nested deeper than"), std::string::npos) << s.warnings[0];
}

// Issue 11: one way to tell a JSON array from JSON Lines, skipping a UTF-8 BOM; line numbers
// count the blank lines before the first record.
TEST(Records, LayoutDetectionSkipsTheBomAndCountsLines) {
  std::size_t lines = 0;
  std::istringstream bom_array("\xEF\xBB\xBF\n\n [1]");
  EXPECT_EQ(detect_json_layout(bom_array, lines), JsonLayout::kArray);
  EXPECT_EQ(lines, 2u);
  std::istringstream jsonl("\xEF\xBB\xBF{\"a\": 1}");
  EXPECT_EQ(detect_json_layout(jsonl, lines), JsonLayout::kLines);
  EXPECT_EQ(lines, 0u);
  std::istringstream empty(" \n");
  EXPECT_EQ(detect_json_layout(empty, lines), JsonLayout::kEmpty);
  std::istringstream text("\xEF\xBBx");  // not a BOM: nothing is lost
  EXPECT_EQ(detect_json_layout(text, lines), JsonLayout::kOther);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(text), {}), "\xEF\xBBx");

  const Streamed s = stream("\xEF\xBB\xBF\n\n[\n" + conversation("a") + ",\n[1]]", false);
  EXPECT_EQ(s.ids, std::vector<std::string>{"a"});
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("f.json:5:"), std::string::npos) << s.warnings[0];
  const Streamed l = stream("\xEF\xBB\xBF\n\n" + conversation("a") + "\n[1]\n", false);
  EXPECT_EQ(l.ids, std::vector<std::string>{"a"});
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_NE(l.warnings[0].find("f.json:4: expected a JSON object"), std::string::npos)
      << l.warnings[0];
}

// Issue 11: --format auto did not count the blank lines before the first passage (ids are line
// numbers); a BOM is skipped; a number overflow is a reported bad record.
TEST(PassageReaderTest, AutoFormatCountsLeadingBlankLinesAndSkipsTheBom) {
  TempDir dir;
  const auto read_all = [](const std::string& path) {
    PassageReader reader(path, PassageFormat::kAuto, {"person"});
    std::vector<std::string> got;  // "id:text" or the problem
    PassageInput p;
    std::string problem;
    while (reader.next(p, problem)) got.push_back(problem.empty() ? p.id + ":" + p.text : problem);
    return got;
  };
  EXPECT_EQ(read_all(dir.write("a.txt", "\xEF\xBB\xBF\n\n \nAnn met Bob.\n\nBye\n")),
            (std::vector<std::string>{"4:Ann met Bob.", "6:Bye"}));
  const auto jsonl =
      dir.write("b.txt", "\xEF\xBB\xBF\n{\"text\": \"a\"}\n{\"text\": \"b\", \"id\": 1e999}\n");
  const auto got = read_all(jsonl);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], "2:a");
  EXPECT_NE(got[1].find("b.txt:3: invalid JSON"), std::string::npos) << got[1];
}

}  // namespace
}  // namespace uniner

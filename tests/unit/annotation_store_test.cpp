#include "teacher/annotation_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "support/test_support.h"
#include "uniner/error.h"
#include "uniner/format/annotated_passage.h"

namespace uniner::teacher {
namespace {

using uniner::testing::read_file;
using uniner::testing::TempDir;

AnnotationRecord record(const std::string& id, const std::string& status, bool number = false) {
  AnnotationRecord r;
  r.id = id;
  r.id_is_number = number;
  r.text = "Ada met Bob in " + id + ".";
  r.status = status;
  if (status == "failed") {
    r.error = "HTTP 500";
  } else {
    r.entities = {{"Ada", "person"}, {"Carl", "person"}};
    r.raw = R"([("Ada", "person"), ("Carl", "person")])";
    r.unfound = {1};
  }
  return r;
}

const std::string kA = to_json_line(record("a", "ok"));
const std::string kB = to_json_line(record("2", "failed", /*number=*/true));
const std::string kC = to_json_line(record("c", "parse_error"));

std::set<std::string> files_in(const TempDir& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("")))
    out.insert(e.path().filename().string());
  return out;
}

// --- the record: one writer, one reader ------------------------------------------------------

TEST(AnnotationRecord, WritesTheKeysInTheirOrder) {
  AnnotationRecord r = record("p_0", "ok");
  r.prompt_tokens = 12;
  r.completion_tokens = 7;
  r.skipped = 1;
  r.finish_reason = "stop";
  EXPECT_EQ(to_json_line(r),
            R"({"id":"p_0","text":"Ada met Bob in p_0.","entities":[["Ada","person"],)"
            R"(["Carl","person"]],"raw":"[(\"Ada\", \"person\"), (\"Carl\", \"person\")]",)"
            R"("status":"ok","usage":{"prompt_tokens":12,"completion_tokens":7},"unfound":[1],)"
            R"("skipped":1,"finish_reason":"stop"})");
  EXPECT_EQ(kB, R"({"id":2,"text":"Ada met Bob in 2.","entities":[],"raw":"","status":"failed",)"
                R"("error":"HTTP 500","usage":{"prompt_tokens":0,"completion_tokens":0},)"
                R"("unfound":[],"skipped":0})")
      << "a numeric id stays a number; error only when set, finish_reason only when known";
  AnnotationRecord bad = record("x", "ok");
  bad.raw = "caf\xc3";
  EXPECT_NE(to_json_line(bad).find("caf\xef\xbf\xbd"), std::string::npos)
      << "invalid UTF-8 is written as U+FFFD";
  bad.id_is_number = true;
  EXPECT_THROW(to_json_line(bad), InputError);
}

TEST(AnnotationRecord, ReadsBackWhatItWrites) {
  AnnotationRecord r = record("7", "parse_error", /*number=*/true);
  r.error = "no list";
  r.prompt_tokens = 3;
  r.completion_tokens = 4;
  r.skipped = 2;
  r.finish_reason = "length";
  const std::string line = to_json_line(r);
  const AnnotationRecord back = parse_annotation_record(line, "out.jsonl", 1);
  EXPECT_EQ(back.id, "7");
  EXPECT_TRUE(back.id_is_number);
  EXPECT_EQ(back.text, r.text);
  ASSERT_EQ(back.entities.size(), 2u);
  EXPECT_EQ(back.entities[1].text, "Carl");
  EXPECT_EQ(back.entities[1].type, "person");
  EXPECT_EQ(back.raw, r.raw);
  EXPECT_EQ(back.status, "parse_error");
  EXPECT_EQ(back.error, "no list");
  EXPECT_EQ(back.prompt_tokens, 3u);
  EXPECT_EQ(back.completion_tokens, 4u);
  EXPECT_EQ(back.unfound, std::vector<std::size_t>{1});
  EXPECT_EQ(back.skipped, 2u);
  EXPECT_EQ(back.finish_reason, "length");
  EXPECT_EQ(to_json_line(back), line);
  EXPECT_EQ(back.passage().entities.size(), 2u);
}

TEST(AnnotationRecord, RejectsFieldsOfTheWrongShape) {
  // Minimal records (by hand or by other tools) are fine; absent or null fields keep defaults.
  EXPECT_EQ(
      parse_annotation_record(R"({"id":"a","text":"t","entities":[],"raw":null})", "f", 1).status,
      "ok");
  EXPECT_EQ(parse_annotation_record(R"({"id":"a","text":"t","status":"failed"})", "f", 1).status,
            "failed");
  for (const std::string& bad : {
           std::string("not json"),
           std::string(R"(["id"])"),
           std::string(R"({"text":"t","entities":[]})"),
           std::string(R"({"id":"a","entities":[]})"),
           std::string(R"({"id":"a","text":"t"})"),
           std::string(R"({"id":"a","text":"t","entities":[["x"]]})"),
           std::string(R"({"id":"a","text":"t","entities":[],"raw":5})"),
           std::string(R"({"id":"a","text":"t","entities":[],"usage":{"prompt_tokens":-1}})"),
           std::string(R"({"id":"a","text":"t","entities":[],"unfound":["0"]})"),
           std::string(R"({"id":"a","text":"t","entities":[],"skipped":"2"})"),
       }) {
    try {
      parse_annotation_record(bad, "out.jsonl", 4);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("out.jsonl:4:", 0), 0u) << e.what();
    }
  }
}

// --- the store -------------------------------------------------------------------------------

TEST(AnnotationStore, AppendsAndReadsBack) {
  TempDir dir;
  const auto path = dir.file("out.jsonl");
  {
    AnnotationStore store(path, /*retry_failed=*/false, /*sync_every=*/2);
    EXPECT_EQ(store.scan().records, 0u);
    store.append(kA);
    store.append(kB);
    store.append(kC);
  }
  EXPECT_EQ(read_file(path), kA + "\n" + kB + "\n" + kC + "\n");
  EXPECT_EQ(files_in(dir), std::set<std::string>{"out.jsonl"}) << "the lock file is removed";
  AnnotationStore again(path, false, 64);
  EXPECT_EQ(again.scan().records, 3u);
  EXPECT_EQ(again.scan().done_ids, (std::unordered_set<std::string>{"a", "2", "c"}))
      << "a numeric id counts as its JSON text";
  EXPECT_EQ(again.scan().torn_bytes, 0u);
}

TEST(AnnotationStore, TruncatesATornLastLine) {
  TempDir dir;
  const std::string intact = kA + "\n" + kB + "\n";
  for (const std::string& torn : {kC.substr(0, 15), std::string(R"({"i)"),
                                  std::string("\0\0\0\0\0\0", 6), std::string("  ")}) {
    const auto path = dir.write("out.jsonl", intact + torn);
    AnnotationStore store(path, false, 64);
    EXPECT_EQ(store.scan().records, 2u);
    EXPECT_EQ(store.scan().torn_bytes, torn.size());
    EXPECT_EQ(read_file(path), intact);
    store.append(kC);
    EXPECT_EQ(read_file(path), intact + kC + "\n");
  }
}

TEST(AnnotationStore, KeepsAWholeLastRecordThatLostItsNewline) {
  TempDir dir;
  const auto path = dir.write("out.jsonl", kA + "\n" + kB);
  AnnotationStore store(path, false, 64);
  EXPECT_EQ(store.scan().records, 2u);
  EXPECT_EQ(store.scan().torn_bytes, 0u);
  EXPECT_TRUE(store.scan().added_newline);
  store.append(kC);
  EXPECT_EQ(read_file(path), kA + "\n" + kB + "\n" + kC + "\n");
}

TEST(AnnotationStore, ALineThatIsNotARecordIsAnErrorAndTheFileIsLeftAlone) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {kA + "\nnot json\n" + kC + "\n", "out.jsonl:2:"},
      // A complete last line is never torn (a torn write cannot end in a newline).
      {kA + "\n" + kC + "\nmy notes\n", "out.jsonl:3:"},
      {kA + "\n" + R"({"id":"x","text":"t"})" + "\n", "out.jsonl:2:"},
      {R"({"id":"p1","text":"a passage, not a record"})"
       "\n",
       "out.jsonl:1:"},
      // Unterminated, but not the start of a record: someone's file, not a torn write.
      {kA + "\nmy notes", "out.jsonl:2:"},
  };
  for (const auto& [content, place] : cases) {
    const auto path = dir.write("out.jsonl", content);
    try {
      AnnotationStore store(path, false, 64);
      ADD_FAILURE() << "expected an InputError for: " << content;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(place + " not an annotation record ("),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(path), content) << "left untouched";
    EXPECT_EQ(files_in(dir), std::set<std::string>{"out.jsonl"}) << "no lock file left";
  }
}

TEST(AnnotationStore, RetryFailedRemovesFailedRecords) {
  TempDir dir;
  const auto path = dir.write("out.jsonl", kA + "\n" + kB + "\n" + kC);
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  {
    AnnotationStore store(path, /*retry_failed=*/true, 64);
    EXPECT_EQ(store.scan().dropped_failed, 1u);
    EXPECT_EQ(store.scan().done_ids, (std::unordered_set<std::string>{"a", "c"}));
    EXPECT_EQ(read_file(path), kA + "\n" + kC + "\n");
    EXPECT_EQ(files_in(dir), (std::set<std::string>{"out.jsonl", "out.jsonl.lock"}))
        << "no temporary file left";
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "the rewrite keeps the file's mode";
  EXPECT_EQ(files_in(dir), std::set<std::string>{"out.jsonl"});
}

TEST(AnnotationStore, NeedsARegularFile) {
  TempDir dir;
  EXPECT_THROW(AnnotationStore("-", false, 64), InputError);
  try {
    AnnotationStore store(dir.file(""), false, 64);
    ADD_FAILURE() << "a directory was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
  EXPECT_THROW(AnnotationStore(dir.file("missing/out.jsonl"), false, 64), Error);
}

TEST(AnnotationStore, OneWriterAtATime) {
  TempDir dir;
  const auto path = dir.file("out.jsonl");
  {
    AnnotationStore first(path, false, 64);
    first.append(kA);
    try {
      AnnotationStore second(path, false, 64);
      ADD_FAILURE() << "two stores on one file";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path + ": another uniner annotate is writing it (pid " +
                                           std::to_string(::getpid())),
                std::string::npos)
          << e.what();
    }
    first.append(kC);
  }
  EXPECT_EQ(read_file(path), kA + "\n" + kC + "\n");
  AnnotationStore later(path, false, 64);  // free again once the first is closed
  EXPECT_EQ(later.scan().records, 2u);
}

TEST(AnnotationStore, AStaleLockFileFromAKilledJobIsNoObstacle) {
  TempDir dir;
  const auto path = dir.write("out.jsonl", kA + "\n");
  dir.write("out.jsonl.lock", "999999 elsewhere\n");  // no process holds it
  AnnotationStore store(path, false, 64);
  EXPECT_EQ(store.scan().records, 1u);
}

}  // namespace
}  // namespace uniner::teacher

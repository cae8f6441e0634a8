#include "teacher/annotation_store.h"

#include <gtest/gtest.h>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner::teacher {
namespace {

using uniner::testing::read_file;
using uniner::testing::TempDir;

const std::string kA = R"({"id":"a","status":"ok"})";
const std::string kB = R"({"id":2,"status":"failed","error":"HTTP 500"})";
const std::string kC = R"({"id":"c","status":"parse_error"})";

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
  AnnotationStore again(path, false, 64);
  EXPECT_EQ(again.scan().records, 3u);
  EXPECT_EQ(again.scan().done_ids, (std::unordered_set<std::string>{"a", "2", "c"}))
      << "a numeric id counts as its JSON text";
  EXPECT_EQ(again.scan().torn_bytes, 0u);
}

TEST(AnnotationStore, TruncatesATornLastLine) {
  TempDir dir;
  const std::string intact = kA + "\n" + kB + "\n";
  for (const std::string& torn :
       {std::string(R"({"id":"c","sta)"), std::string("{\"id\":\"c\"\x00\x00\n", 12)}) {
    const auto path = dir.write("out.jsonl", intact + torn);
    AnnotationStore store(path, false, 64);
    EXPECT_EQ(store.scan().records, 2u);
    EXPECT_EQ(store.scan().torn_bytes, torn.size());
    EXPECT_EQ(read_file(path), intact);
    store.append(kC);
    EXPECT_EQ(read_file(path), intact + kC + "\n");
  }
}

TEST(AnnotationStore, ADamagedLineBeforeTheEndIsAnError) {
  TempDir dir;
  const auto path = dir.write("out.jsonl", kA + "\nnot json\n" + kC + "\n");
  try {
    AnnotationStore store(path, false, 64);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out.jsonl:2:"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), kA + "\nnot json\n" + kC + "\n") << "left untouched";
}

TEST(AnnotationStore, RetryFailedRemovesFailedRecords) {
  TempDir dir;
  const auto path = dir.write("out.jsonl", kA + "\n" + kB + "\n" + kC + "\n");
  AnnotationStore store(path, /*retry_failed=*/true, 64);
  EXPECT_EQ(store.scan().dropped_failed, 1u);
  EXPECT_EQ(store.scan().done_ids, (std::unordered_set<std::string>{"a", "c"}));
  EXPECT_EQ(read_file(path), kA + "\n" + kC + "\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(AnnotationStore, NeedsARegularFile) {
  TempDir dir;
  EXPECT_THROW(AnnotationStore("-", false, 64), InputError);
  EXPECT_THROW(AnnotationStore(dir.file(""), false, 64), InputError);
  EXPECT_THROW(AnnotationStore(dir.file("missing/out.jsonl"), false, 64), Error);
}

}  // namespace
}  // namespace uniner::teacher

// Merging shard outputs (format/record_merge.h).
#include "uniner/format/record_merge.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

std::string rec(const std::string& id, const std::string& v = "x") {
  return "{\"id\":\"" + id + "\",\"v\":\"" + v + "\"}\n";
}

std::string merge(const std::vector<std::string>& inputs, const MergeOptions& o = {},
                  MergeReport* report = nullptr) {
  std::ostringstream out;
  const auto r = merge_records(inputs, out, o);
  if (report) *report = r;
  return out.str();
}

std::string error_of(const std::vector<std::string>& inputs, const MergeOptions& o = {}) {
  std::ostringstream out;
  try {
    merge_records(inputs, out, o);
  } catch (const InputError& e) {
    EXPECT_EQ(out.str(), "") << "nothing is written when refused";
    return e.what();
  }
  return "";
}

TEST(RecordMerge, InputsInTheOrderGivenAndIdenticalDuplicatesOnce) {
  TempDir dir;
  const auto a = dir.write("a.jsonl", rec("3") + "\n" + rec("1"));
  const auto b = dir.write("b.jsonl", rec("2"));
  EXPECT_EQ(merge({a, b}), rec("3") + rec("1") + rec("2"));
  MergeReport report;
  EXPECT_EQ(merge({a, b, a}, {}, &report), rec("3") + rec("1") + rec("2"));
  EXPECT_EQ(report.duplicates, 2u);
  EXPECT_EQ(report.written, 3u);
}

TEST(RecordMerge, OrderByRestoresTheInputOrderWithRepeatedIds) {
  TempDir dir;
  // Shards of a JSONL input whose id "b" appears twice (both occurrences in one shard).
  const auto input = dir.write("in.jsonl",
                               "{\"id\":\"a\",\"text\":\"1\"}\n{\"id\":\"b\",\"text\":\"2\"}\n"
                               "{\"id\":\"c\",\"text\":\"3\"}\n{\"id\":\"b\",\"text\":\"4\"}\n");
  const auto s0 = dir.write("s0.jsonl", rec("b", "first") + rec("b", "second"));
  const auto s1 = dir.write("s1.jsonl", rec("c") + rec("a"));
  MergeOptions o;
  o.order_by = input;
  EXPECT_EQ(merge({s1, s0}, o), rec("a") + rec("b", "first") + rec("c") + rec("b", "second"));
  // Plain text: ids are the numbers of non-blank lines.
  const auto text = dir.write("in.txt", "one\n\nthree\ntwo\n");
  const auto t = dir.write("t.jsonl", rec("4") + rec("1") + rec("3"));
  o.order_by = text;
  EXPECT_EQ(merge({t}, o), rec("1") + rec("3") + rec("4"));
  MergeReport report;
  const auto part = dir.write("part.jsonl", rec("3"));
  EXPECT_EQ(merge({part}, o, &report), rec("3"));
  EXPECT_EQ(report.missing, 2u);
  EXPECT_EQ(report.first_missing, "1");
}

TEST(RecordMerge, RefusesConflictsTornLinesStrangersAndNonRecords) {
  TempDir dir;
  const auto a = dir.write("a.jsonl", rec("1", "old"));
  const auto b = dir.write("b.jsonl", rec("2") + rec("1", "new"));
  auto m = error_of({a, b});
  EXPECT_NE(m.find("b.jsonl:2: id '1' is also in"), std::string::npos) << m;
  EXPECT_NE(m.find("a.jsonl:1"), std::string::npos) << m;

  const auto torn = dir.write("t.jsonl", rec("5") + "{\"id\":\"6\"");
  m = error_of({torn});
  EXPECT_NE(m.find("t.jsonl:2: the last line is incomplete"), std::string::npos) << m;

  EXPECT_NE(error_of({dir.write("n.jsonl", "{\"v\": 1}\n")}).find("n.jsonl:1: record without"),
            std::string::npos);
  EXPECT_NE(error_of({dir.write("j.jsonl", "oops\n")}).find("j.jsonl:1: invalid JSON"),
            std::string::npos);
  // A number that overflows a double is bad input with its place, not an uncaught exception.
  EXPECT_NE(error_of({dir.write("o.jsonl", "{\"id\": \"1\", \"n\": 1e999}\n")})
                .find("o.jsonl:1: invalid JSON"),
            std::string::npos);

  MergeOptions o;
  o.order_by = dir.write("in.txt", "one\n");
  m = error_of({dir.write("s.jsonl", rec("1") + rec("9"))}, o);
  EXPECT_NE(m.find("s.jsonl:2: id '9' is not in"), std::string::npos) << m;
  EXPECT_THROW(merge({dir.file("absent.jsonl")}), InputError);
}

}  // namespace
}  // namespace uniner

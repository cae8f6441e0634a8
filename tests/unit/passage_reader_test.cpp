// Reading passages to extract (format/passage_reader.h).
#include "uniner/format/passage_reader.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace uniner {
namespace {

using testing::TempDir;

std::vector<std::string> ids(const std::string& path, PassageFormat format) {
  PassageReader reader(path, format, {"thing"});
  std::vector<std::string> out;
  PassageInput p;
  std::string problem;
  while (reader.next(p, problem)) {
    if (problem.empty()) out.push_back(p.id);
  }
  return out;
}

TEST(PassageReader, PlainTextIdsAreLineNumbersEvenAfterLeadingBlankLines) {
  TempDir dir;
  const auto path = dir.write("in.txt", "\n \nfirst\n\nsecond\n");
  EXPECT_EQ(ids(path, PassageFormat::kAuto), (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(ids(path, PassageFormat::kText), (std::vector<std::string>{"3", "5"}));
}

TEST(PassageReader, JsonLinesIdsAndLineNumbersWhenAbsent) {
  TempDir dir;
  const auto path = dir.write("in.txt", "\n{\"id\": \"a\", \"text\": \"x\"}\n{\"text\": \"y\"}\n");
  PassageReader reader(path, PassageFormat::kAuto, {"thing"});
  EXPECT_TRUE(reader.jsonl());
  EXPECT_EQ(ids(path, PassageFormat::kAuto), (std::vector<std::string>{"a", "3"}));
}

}  // namespace
}  // namespace uniner

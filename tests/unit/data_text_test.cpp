// Type-name cleaning and the Python json.dumps answer serialization.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/answer_json.h"
#include "support/test_support.h"
#include "uniner/data/name_cleaning.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

TEST(TypeCleaning, TrimsCollapsesAndLowers) {
  EXPECT_EQ(clean_type("  Medical\t\n Condition ", TypeCase::kLower), "medical condition");
  EXPECT_EQ(clean_type("  Medical\t\n Condition ", TypeCase::kKeep), "Medical Condition");
  // Unicode whitespace (no-break space, ideographic space) and Unicode case
  EXPECT_EQ(clean_type("\xC2\xA0\xC3\x89"
                       "cole\xE3\x80\x80Normale\xE2\x80\x83",
                       TypeCase::kLower),
            "\xC3\xA9"
            "cole normale");
  EXPECT_EQ(clean_type("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91\xCE\xA3", TypeCase::kLower),
            "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1\xCF\x82");  // final sigma
  EXPECT_EQ(clean_type(" \t ", TypeCase::kLower), "");
  EXPECT_EQ(clean_entity("  Paris\xE2\x80\x83"), "Paris");
  EXPECT_EQ(clean_entity("New  York"), "New  York");
}

TEST(AnswerJson, PythonJsonDumpsForm) {
  EXPECT_EQ(answer_json({}), "[]");
  const std::vector<std::string> items = {
      "Paris",         "Z\xC3\xBCrich", "say \"hi\"",      "a\\b",
      "tab\there\nnl", "\x7F\x01",      "\xF0\x9F\x98\x80"};
  EXPECT_EQ(answer_json(items),
            "[\"Paris\", \"Z\\u00fcrich\", \"say \\\"hi\\\"\", \"a\\\\b\", \"tab\\there\\nnl\", "
            "\"\\u007f\\u0001\", \"\\ud83d\\ude00\"]");
  EXPECT_EQ(python_json_string("\xE2\x82\xAC/"), "\"\\u20ac/\"");
}

TEST(AnswerJson, SameBytesAsPythonOnTheBenchmarkAnswers) {
  // Every gold answer of the released benchmark is json.dumps(list): re-serializing its parsed
  // items must give the same bytes.
  if (!testing::have_shared_benchmark()) GTEST_SKIP() << "shared benchmark data absent";
  std::size_t checked = 0;
  for (const auto& name : {"CrossNER_AI.json", "CrossNER_music.json", "mit-restaurant.json"}) {
    for (const auto& r :
         read_benchmark(testing::shared_data(std::string("universal-ner-benchmark/") + name))) {
      const auto items = nlohmann::json::parse(r.gold).get<std::vector<std::string>>();
      ASSERT_EQ(answer_json(items), r.gold) << r.id;
      ++checked;
    }
  }
  EXPECT_GT(checked, 20000u);
}

TEST(AnswerJson, SameBytesAsPython3WhenAvailable) {
  if (std::system("python3 -c 'import json' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  testing::TempDir dir;
  std::vector<std::vector<std::string>> lists = {
      {},
      {"a"},
      {"\xC3\xA9t\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC"},
      {"\x1F\x7F\"\\/"},
      {"\xF4\x8F\xBF\xBF", "\xEF\xBB\xBF", "\xE2\x80\xA8"}};
  std::ofstream(dir.file("in.json")) << nlohmann::json(lists).dump();
  const auto r = testing::run_command(
      "python3 -c 'import json,sys; [print(json.dumps(l)) for l in "
      "json.load(open(sys.argv[1]))]' " +
      dir.file("in.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (const auto& l : lists) expected += answer_json(l) + "\n";
  EXPECT_EQ(r.out, expected);
}

}  // namespace
}  // namespace uniner

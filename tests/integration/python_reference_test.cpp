// The official normalization and parser agree with an independent Python 3 reference
// (tests/support/reference_metric.py) on crafted edge cases and on every gold answer of the shared
// benchmark files. Skips, visibly, where /usr/bin/python3 is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "uniner/format/answer_parser.h"
#include "uniner/format/records.h"
#include "uniner/text/normalize.h"

namespace uniner {
namespace {

using nlohmann::json;

const char* kPython = "/usr/bin/python3";

std::vector<std::string> crafted_strings() {
  std::vector<std::string> s = {
      "The Eiffel Tower",
      "  A.I.  ",
      "an apple a day",
      "the-end",
      "O'Brien",
      "rock_and_roll",
      "CAF\xC3\x89",
      "\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3",
      "\xC4\xB0stanbul",
      "x\xE3\x80\x80y\xC2\xA0z",
      "x\xC2\x85y",
      "\xC3\xA9"
      "a",
      "a\xC2\xB2",
      "a\xC2\xBD",
      "a\xCC\x81",
      "the \xE6\x9D\xB1\xE4\xBA\xAC",
      "\xE2\x80\x9C"
      "the"
      "\xE2\x80\x9D",
      "STRASSE Stra\xC3\x9F"
      "e",
      "\xEF\xAC\x81"
      "sh",
      "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
      "a\xE2\x80\x8B"
      "b",
      "A\xE2\x80\xA8the\xE2\x80\xA9"
      "B",
      "x\x1Fy\x1Cz",
      "\xE1\x9A\x80"
      "a",
      "\xD9\xA3"
      "a \xD9\xA3",
      "a\xF0\x9D\x9F\x8E",
      "\xF0\x9F\x98\x80 the \xF0\x9F\x98\x80",
      "I\xCC\x87",
      "\xC7\x85"
      "A",
      "\xE2\x85\xA0 the",
      "\xCE\x86\xCE\xA3",
      "a\xD9\x8B"};
  return s;
}

std::vector<std::string> crafted_answers() {
  return {"[\"Paris\", \"Lyon\"]",
          "[]",
          "",
          " [\"Paris\"]",
          "Sure: [\"Paris\"]",
          "[\"a]b\", \"c\"]",
          "[\"Paris\",\n\"Lyon\"]",
          "[[\"a\", \"b\"]]",
          "[1, 2]",
          "[\"x\", 1]",
          "[\"x\", null]",
          "['Paris']",
          "[\"Paris\"",
          "[\"Z\\u00fcrich\", \"Z\xC3\xBCRICH\"]",
          "[\"The U.S.\", \"US\", \"us\"]",
          "[\"the\"]",
          "[\"a\", \"b\",]",
          "[\"a\"]]",
          "[\"\\t tab\"]",
          "[ \"spaced\" ]",
          "[\"x\"] trailing",
          "[\"\xCE\x9F\xCE\xA3\"]",
          "[\"a\\\"b\"]",
          "[\"\\/slash\"]",
          "[true]",
          "[{}]",
          "[\"\\u0041\"]",
          "[\"x\"]\r\n",
          "[\"x\r\"]",
          "[NaN]",
          "[\"x\",\"X\",\"x.\"]"};
}

TEST(PythonReference, NormalizationAndParserAgree) {
  if (!std::filesystem::exists(kPython)) GTEST_SKIP() << "no " << kPython << ": reference skipped";
  testing::TempDir dir;
  std::vector<json> requests;
  for (const auto& s : crafted_strings()) requests.push_back({{"op", "normalize"}, {"s", s}});
  for (const auto& s : crafted_answers()) requests.push_back({{"op", "parse"}, {"s", s}});
  for (const auto& s : crafted_strings())
    requests.push_back({{"op", "strip"}, {"s", " \u3000" + s + "\u0085\n "}});
  if (testing::have_shared_benchmark()) {
    for (const auto& entry :
         std::filesystem::directory_iterator(testing::shared_data("universal-ner-benchmark"))) {
      for (const auto& r : read_benchmark(entry.path().string())) {
        requests.push_back({{"op", "parse"}, {"s", r.gold}});
      }
    }
  } else {
    std::cerr << "[ SKIPPED  ] shared benchmark data absent: crafted cases only\n";
  }
  {
    std::ofstream in(dir.file("in.jsonl"));
    for (const auto& r : requests) in << r.dump() << '\n';
  }
  const auto res =
      testing::run_command(std::string(kPython) + " " + UNINER_SOURCE_DIR +
                           "/tests/support/reference_metric.py < " + dir.file("in.jsonl"));
  ASSERT_EQ(res.exit_code, 0) << res.err;
  std::istringstream lines(res.out);
  std::string line;
  std::size_t i = 0, checked = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(i, requests.size());
    const auto& req = requests[i++];
    const json expected = json::parse(line);
    const std::string s = req["s"];
    if (req["op"] == "normalize") {
      EXPECT_EQ(normalize_answer(s), expected.get<std::string>()) << "normalize: " << s;
    } else if (req["op"] == "strip") {
      EXPECT_EQ(python_strip(s), expected.get<std::string>()) << "strip: " << s;
    } else {
      EXPECT_EQ(json(parse_answer_normalized(s, ParserMode::kOfficial)), expected)
          << "parse: " << s;
    }
    ++checked;
  }
  EXPECT_EQ(checked, requests.size());
}

}  // namespace
}  // namespace uniner

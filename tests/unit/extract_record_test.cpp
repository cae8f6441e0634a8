// The extract output record (format/extract_record.h): JSON line shape, round trip, the reader's
// refusals, and scanning an output to resume it.
#include "uniner/format/extract_record.h"

#include <gtest/gtest.h>

#include <string>

#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

ExtractRecord sample() {
  ExtractRecord r;
  r.id = "d1";
  r.text = "Aspirin is made by Bayer.";
  r.entities.push_back({"Aspirin", "drug", 0, 7, true});
  r.entities.push_back({"Bayern", "company", std::nullopt, std::nullopt, false});
  r.raw = {{"drug", {"[\"Aspirin\"]"}}, {"company", {"[\"Bayern\"]"}}};
  return r;
}

TEST(ExtractRecord, JsonLineHasTheDocumentedShape) {
  EXPECT_EQ(to_json_line(sample()),
            R"({"id":"d1","text":"Aspirin is made by Bayer.","entities":[)"
            R"({"text":"Aspirin","type":"drug","start":0,"end":7,"found":true},)"
            R"({"text":"Bayern","type":"company","start":null,"end":null,"found":false}],)"
            R"("raw":{"drug":"[\"Aspirin\"]","company":"[\"Bayern\"]"}})");
  ExtractRecord w = sample();
  w.windows = 2;
  w.raw.assign(1, {std::string("drug"), std::vector<std::string>{"[]", "[\"Aspirin\"]"}});
  w.error = "x";
  EXPECT_NE(
      to_json_line(w).find(R"("raw":{"drug":["[]","[\"Aspirin\"]"]},"windows":2,"error":"x"})"),
      std::string::npos)
      << to_json_line(w);
}

TEST(ExtractRecord, RoundTripsThroughTheReader) {
  ExtractRecord w = sample();
  EXPECT_EQ(parse_extract_record(to_json_line(w), "o.jsonl", 1), w);
  w.windows = 3;
  w.raw = {{"b", {"1", "2", "3"}}, {"a", {"x", "y", "z"}}};  // order of types kept
  w.error = "too long";
  EXPECT_EQ(parse_extract_record(to_json_line(w), "o.jsonl", 1), w);
}

TEST(ExtractRecord, OtherLinesAreRefusedWithFileLineAndReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "invalid JSON"},
      {R"({"id": "1", "text": "t", "n": 1e999})", "invalid JSON"},  // overflows a double
      {"[1]", "not a JSON object"},
      {R"({"id": "1", "prediction": "[]"})", "missing string 'text'"},
      {R"({"id": "1", "text": "t", "entities": []})", "missing 'raw' object"},
      {R"({"id": 1, "text": "t", "entities": [], "raw": {}})", "missing string 'id'"},
      {R"({"id": "1", "text": "t", "entities": [{"text": "a", "type": "b"}], "raw": {}})",
       "entity without 'start'"},
      // Found by fuzz_output_records: a passage has at least one window.
      {R"({"id": "1", "text": "t", "entities": [], "raw": {}, "windows": 0})", "'windows'"},
  };
  for (const auto& [line, why] : cases) {
    try {
      parse_extract_record(line, "o.jsonl", 4);
      ADD_FAILURE() << "accepted " << line;
    } catch (const InputError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("o.jsonl:4: not an extract record"), std::string::npos) << m;
      EXPECT_NE(m.find(why), std::string::npos) << m;
    }
  }
  // Nesting that would make copying the value recurse too deep is refused the same way.
  try {
    parse_extract_record(std::string(600, '['), "o.jsonl", 5);
    ADD_FAILURE() << "accepted 600 nested arrays";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("o.jsonl:5: not an extract record: "), std::string::npos);
  }
}

TEST(ExtractRecord, ScanFindsCompleteRecordsAndATornTail) {
  TempDir dir;
  ExtractRecord a = sample(), b = sample();
  b.id = "d2";
  const std::string lines = to_json_line(a) + "\n" + to_json_line(b) + "\n";
  const auto whole = scan_extract_output(dir.write("o.jsonl", lines));
  EXPECT_EQ(whole.ids, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(whole.complete_bytes, lines.size());
  EXPECT_EQ(whole.torn_bytes, 0u);

  // An unterminated last line that is not the start of a record is someone else's: kept.
  EXPECT_THROW(scan_extract_output(dir.write("n.jsonl", lines + "my notes")), InputError);
  const auto torn = scan_extract_output(dir.write("t.jsonl", lines + "{\"id\": \"d3\", \"te"));
  EXPECT_EQ(torn.ids.size(), 2u);
  EXPECT_EQ(torn.complete_bytes, lines.size());
  EXPECT_EQ(torn.torn_bytes, 16u);

  const auto other = dir.write("p.jsonl", lines + "{\"id\": \"x\", \"prediction\": \"[]\"}\n");
  EXPECT_THROW(scan_extract_output(other), InputError);
  EXPECT_EQ(scan_extract_output(dir.write("e.jsonl", "")).ids.size(), 0u);
}

}  // namespace
}  // namespace uniner

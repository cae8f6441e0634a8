#include <algorithm>
#include <nlohmann/json.hpp>

#include "format/json_records.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/labeled_data.h"
#include "uniner/format/records.h"

namespace uniner {

std::vector<LabeledSentence> read_spans_jsonl(const std::string& path, bool strict,
                                              const LabeledDataWarning& warning, std::size_t* bad) {
  auto in = open_input(path);
  std::vector<LabeledSentence> out;
  const std::size_t skipped = for_each_jsonl_record(
      *in, path, strict,
      [&](nlohmann::json& record, std::size_t line) {
        const auto fail = [&](const std::string& why) {
          return InputError(where(path, line, why));
        };
        LabeledSentence s;
        s.line = line;
        if (record.contains("id")) s.id = id_of(record, path, line);
        auto text = record.find("text");
        if (text == record.end() || !text->is_string()) throw fail("missing string 'text'");
        s.text = text->get<std::string>();
        auto entities = record.find("entities");
        if (entities == record.end() || !entities->is_array()) {
          throw fail("missing 'entities' array");
        }
        const std::u32string cps = utf8_to_u32(s.text);
        std::size_t i = 0;
        for (const auto& e : *entities) {
          const std::string at = std::string("entities[") + std::to_string(i++) + "]";
          if (!e.is_object() || !e.contains("start") || !e.contains("end") || !e.contains("type") ||
              !e["start"].is_number_unsigned() || !e["end"].is_number_unsigned() ||
              !e["type"].is_string()) {
            throw fail(at + ": expected {\"start\", \"end\", \"type\"} with non-negative integers");
          }
          LabeledEntity le;
          le.start = e["start"].get<std::size_t>();
          le.end = e["end"].get<std::size_t>();
          le.type = e["type"].get<std::string>();
          if (le.start >= le.end || le.end > cps.size()) {
            throw fail(at + ": span [" + std::to_string(le.start) + ", " + std::to_string(le.end) +
                       ") is empty or outside the text (" + std::to_string(cps.size()) +
                       " code points)");
          }
          le.text = u32_to_utf8(std::u32string_view(cps).substr(le.start, le.end - le.start));
          s.entities.push_back(std::move(le));
        }
        std::stable_sort(s.entities.begin(), s.entities.end(), [](const auto& a, const auto& b) {
          return a.start != b.start ? a.start < b.start : a.end < b.end;
        });
        out.push_back(std::move(s));
      },
      warning);
  if (bad) *bad = skipped;
  return out;
}

}  // namespace uniner

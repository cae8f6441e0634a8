#include "uniner/data/dataset_stats.h"

#include <algorithm>
#include <cstdio>
#include <istream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "format/annotated_passage_json.h"
#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/annotated_passage.h"
#include "uniner/format/conversation.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

constexpr std::size_t kProgressEvery = 10000;

class StatsCollector {
 public:
  StatsCollector(const StatsOptions& o, const DataCallbacks& cb) : o_(o), cb_(cb) {}

  void annotation(const nlohmann::json& record, const std::string& source, std::size_t line) {
    const AnnotatedPassage p = annotated_passage_from_json(record, source, line);
    note_kind("annotations");
    ++stats_.records;
    if (!status_has_entities(p.status)) {
      ++stats_.skipped_by_status[p.status];
      return;
    }
    ++stats_.passages;
    for (const auto& e : p.entities) {
      std::string type = clean_type(e.type, o_.type_case);
      if (type.empty() || clean_entity(e.text).empty()) continue;
      ++counts_[std::move(type)];
      ++stats_.mentions;
    }
  }

  // `where_prefix` names the record in messages ("file:line" or "file: record N").
  void conversation(const std::string& id, const std::vector<Turn>& turns,
                    const std::string& where_prefix) {
    const auto bad = [&](const std::string& why) {
      return InputError(where_prefix + ": id " + id + ": " + why);
    };
    std::string text, type;
    if (turns.empty() || turns[0].from != "human" || !parse_text_turn(turns[0].value, text)) {
      throw bad("turn 0 is not a human 'Text: ...' turn");
    }
    if (turns.size() % 2 != 0) throw bad("expected question/answer pairs after the first turn");
    std::vector<std::pair<std::string, std::size_t>> found;
    for (std::size_t i = 2; i + 1 < turns.size(); i += 2) {
      if (!parse_type_question(turns[i].value, type)) {
        throw bad(std::string("turn ") + std::to_string(i) +
                  " is not 'What describes <type> in the text?'");
      }
      nlohmann::json answer;
      try {
        answer = parse_json_value(turns[i + 1].value, "", 0);
      } catch (const InputError&) {
        throw bad(std::string("turn ") + std::to_string(i + 1) + " is not a JSON list");
      }
      if (!answer.is_array())
        throw bad(std::string("turn ") + std::to_string(i + 1) + " is not a JSON list");
      found.emplace_back(clean_type(type, o_.type_case), answer.size());
    }
    note_kind("instructions");
    ++stats_.records;
    ++stats_.passages;
    for (auto& [t, n] : found) {
      ++stats_.queries;
      if (n == 0) {
        ++stats_.negative_queries;
        continue;
      }
      counts_[t] += n;
      stats_.mentions += n;
    }
  }

  void progress() {
    if (cb_.progress && stats_.records % kProgressEvery == 0 && stats_.records) {
      cb_.progress({"records", stats_.records, 0});
    }
  }

  DatasetStats finish() {
    stats_.types.reserve(counts_.size());
    for (auto& [t, n] : counts_) stats_.types.push_back({t, n});
    std::sort(stats_.types.begin(), stats_.types.end(), [](const auto& a, const auto& b) {
      return a.mentions != b.mentions ? a.mentions > b.mentions : a.type < b.type;
    });
    stats_.tiers = frequency_tiers(stats_.types, o_.examples);
    if (stats_.kind.empty()) stats_.kind = "annotations";
    if (cb_.progress) cb_.progress({"records", stats_.records, stats_.records});
    return std::move(stats_);
  }

  DatasetStats stats_;

 private:
  void note_kind(const char* kind) {
    if (stats_.kind.empty()) {
      stats_.kind = kind;
    } else if (stats_.kind != kind) {
      stats_.kind = "mixed";
    }
  }
  const StatsOptions& o_;
  const DataCallbacks& cb_;
  std::unordered_map<std::string, std::uint64_t> counts_;
};

std::vector<Turn> turns_from_json(const nlohmann::json& conv, const std::string& source,
                                  std::size_t line) {
  if (!conv.is_array()) throw InputError(where(source, line, "'conversations' must be an array"));
  std::vector<Turn> turns;
  for (const auto& t : conv) {
    if (!t.is_object() || !t.contains("from") || !t.contains("value") || !t["from"].is_string() ||
        !t["value"].is_string()) {
      throw InputError(where(source, line, "each turn needs string 'from' and 'value'"));
    }
    turns.push_back({t["from"].get<std::string>(), t["value"].get<std::string>()});
  }
  return turns;
}

}  // namespace

std::vector<FrequencyTier> frequency_tiers(const std::vector<TypeCount>& types,
                                           std::size_t examples) {
  const std::size_t n = types.size();
  const std::size_t top = n == 0 ? 0 : std::max<std::size_t>(1, n / 100);
  const std::size_t head = std::max(top, n / 10);
  std::uint64_t total = 0;
  for (const auto& t : types) total += t.mentions;
  std::vector<FrequencyTier> tiers;
  const std::pair<const char*, std::pair<std::size_t, std::size_t>> ranges[] = {
      {"top 1%", {0, top}}, {"1-10%", {top, head}}, {"rest", {head, n}}};
  for (const auto& [name, range] : ranges) {
    FrequencyTier tier;
    tier.name = name;
    tier.types = range.second - range.first;
    for (std::size_t i = range.first; i < range.second; ++i) {
      tier.mentions += types[i].mentions;
      if (tier.examples.size() < examples) tier.examples.push_back(types[i].type);
    }
    tier.share = total ? static_cast<double>(tier.mentions) / static_cast<double>(total) : 0.0;
    tiers.push_back(std::move(tier));
  }
  return tiers;
}

DatasetStats compute_stats(const std::string& path, const StatsOptions& options,
                           const DataCallbacks& callbacks) {
  StatsCollector collector(options, callbacks);
  auto in = open_input(path);
  std::size_t lines_consumed = 0;
  if (detect_json_layout(*in, lines_consumed) == JsonLayout::kArray) {
    collector.stats_.bad_records = for_each_conversation(
        *in, path, options.strict,
        [&](ConversationRecord&& r, std::size_t index, std::size_t) {
          collector.conversation(r.id, r.conversations, path + ": record " + std::to_string(index));
          collector.progress();
        },
        callbacks.warning);
    collector.stats_.kind = collector.stats_.kind.empty() ? "instructions" : collector.stats_.kind;
    return collector.finish();
  }
  collector.stats_.bad_records = for_each_jsonl_record(
      *in, path, options.strict,
      [&](nlohmann::json& record, std::size_t line) {
        if (record.contains("conversations")) {
          collector.conversation(id_of(record, path, line),
                                 turns_from_json(record["conversations"], path, line),
                                 path + ":" + std::to_string(line));
        } else {
          collector.annotation(record, path, line);
        }
        collector.progress();
      },
      callbacks.warning, lines_consumed);
  return collector.finish();
}

static nlohmann::json stats_object(const DatasetStats& s) {
  nlohmann::json tiers = nlohmann::json::array();
  for (const auto& t : s.tiers) {
    tiers.push_back({{"name", t.name},
                     {"types", t.types},
                     {"mentions", t.mentions},
                     {"share", t.share},
                     {"examples", t.examples}});
  }
  nlohmann::json top = nlohmann::json::array();
  for (std::size_t i = 0; i < s.types.size() && i < 20; ++i) {
    top.push_back({{"type", s.types[i].type}, {"mentions", s.types[i].mentions}});
  }
  return {{"kind", s.kind},
          {"records", s.records},
          {"passages", s.passages},
          {"mentions", s.mentions},
          {"distinct_types", s.types.size()},
          {"queries", s.queries},
          {"negative_queries", s.negative_queries},
          {"bad_records", s.bad_records},
          {"skipped", s.skipped_by_status},
          {"tiers", std::move(tiers)},
          {"top_types", std::move(top)}};
}

std::string stats_table(const DatasetStats& s) {
  std::string out;
  char buf[256];
  const auto line = [&](const char* label, unsigned long long v) {
    std::snprintf(buf, sizeof buf, "%-17s %12llu\n", label, v);
    out += buf;
  };
  std::snprintf(buf, sizeof buf, "%-17s %12s\n", "kind", s.kind.c_str());
  out += buf;
  line("records", s.records);
  line("passages", s.passages);
  line("entity mentions", s.mentions);
  line("distinct types", s.types.size());
  if (s.queries) {
    line("queries", s.queries);
    line("negative queries", s.negative_queries);
  }
  for (const auto& [status, n] : s.skipped_by_status) {
    line((std::string("skipped: ") + status).c_str(), n);
  }
  if (s.bad_records) line("bad records", s.bad_records);
  out += "\n";
  std::snprintf(buf, sizeof buf, "%-8s %7s %8s %10s  %s\n", "tier", "share", "types", "mentions",
                "example types");
  out += buf;
  for (const auto& t : s.tiers) {
    std::string examples;
    for (const auto& e : t.examples) examples += (examples.empty() ? "" : ", ") + e;
    std::snprintf(buf, sizeof buf, "%-8s %6.1f%% %8zu %10llu  ", t.name.c_str(), 100.0 * t.share,
                  t.types, static_cast<unsigned long long>(t.mentions));
    out += buf + examples + "\n";
  }
  return out;
}

std::string stats_json(const DatasetStats& stats, int indent) {
  return stats_object(stats).dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace uniner

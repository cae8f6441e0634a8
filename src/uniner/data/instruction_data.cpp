#include "uniner/data/instruction_data.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "data/answer_json.h"
#include "data/conversation_sink.h"
#include "data/rng.h"
#include "data/temp_file.h"
#include "format/annotated_passage_json.h"
#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/records.h"
#include "uniner/text/locate.h"
#include "uniner/text/normalize.h"

namespace uniner {
namespace {

constexpr std::size_t kProgressEvery = 1000;
constexpr std::uint64_t kDevStream = 0;  // per-passage streams are 1 + 2i and 2 + 2i

// A parse_error record counts when entities were recovered from the answer; one without any
// carries no annotation (the passage may well hold entities), so it must not become a
// negative-only conversation.
bool has_annotation(const AnnotatedPassage& p) {
  return status_has_entities(p.status) && (p.status == "ok" || !p.entities.empty());
}

}  // namespace

GroupedPassage group_entities(const AnnotatedPassage& passage, TypeCase type_case,
                              bool drop_unfound) {
  GroupedPassage g;
  // Hash indexes beside the vectors, and one pass over the text for all the entities, keep the
  // grouping linear in the number of entities.
  std::vector<std::pair<std::string, std::string>> cleaned;  // (type, entity)
  cleaned.reserve(passage.entities.size());
  for (const auto& e : passage.entities)
    cleaned.emplace_back(clean_type(e.type, type_case), clean_entity(e.text));
  std::vector<bool> found;
  if (drop_unfound) {
    std::vector<std::string_view> needles;
    needles.reserve(cleaned.size());
    for (const auto& c : cleaned) needles.push_back(c.second);
    found = locatable(passage.text, needles);  // what locate_all finds, exactly or ignoring case
  }
  std::unordered_set<std::string> all_types;
  std::unordered_map<std::string, std::size_t> type_index;
  std::vector<std::unordered_set<std::string>> seen;  // per type of g.types
  for (std::size_t k = 0; k < cleaned.size(); ++k) {
    auto& [type, entity] = cleaned[k];
    if (type.empty() || entity.empty()) {
      ++g.empty;
      continue;
    }
    if (all_types.insert(type).second) g.all_types.push_back(type);
    // An entity of characters Python calls spaces (U+001C...) locates nowhere, but an exact byte
    // match still counts as found.
    if (drop_unfound && !found[k] &&
        (!python_strip(entity).empty() || passage.text.find(entity) == std::string::npos)) {
      ++g.unfound;
      continue;
    }
    const auto [it, fresh] = type_index.try_emplace(type, g.types.size());
    const std::size_t t = it->second;
    if (fresh) {
      g.types.push_back(std::move(type));
      g.entities.emplace_back();
      seen.emplace_back();
    }
    if (!seen[t].insert(entity).second) {
      ++g.duplicates;
      continue;
    }
    g.entities[t].push_back(std::move(entity));
  }
  return g;
}

ConversationRecord instruction_conversation(const std::string& id, const std::string& text,
                                            std::span<const TypeAnswer> pairs) {
  ConversationRecord r;
  r.id = id;
  r.conversations.reserve(2 + 2 * pairs.size());
  r.conversations.push_back({"human", std::string("Text: ") + text});
  r.conversations.push_back({"gpt", std::string(kReadReply)});
  for (const auto& p : pairs) {
    r.conversations.push_back({"human", type_question(p.type)});
    r.conversations.push_back({"gpt", p.answer});
  }
  return r;
}

BuildDataReport build_instruction_data(const std::string& input, std::ostream& train,
                                       std::ostream* dev, const BuildDataOptions& options,
                                       const DataCallbacks& callbacks) {
  if (options.dev_fraction < 0 || options.dev_fraction > 1 || std::isnan(options.dev_fraction)) {
    throw InputError("dev fraction must be in [0, 1], got " + std::to_string(options.dev_fraction));
  }
  if (options.dev_fraction > 0 && dev == nullptr) {
    throw InputError("a dev fraction of " + std::to_string(options.dev_fraction) +
                     " needs a dev output stream");
  }
  const TypeCase type_case = options.definition ? TypeCase::kKeep : options.type_case;
  const bool may_sample =
      options.negatives != NegativeMode::kNone && options.negatives_per_passage > 0;
  const std::string source = input == "-" ? "<stdin>" : input;
  std::optional<TempFile> spool;  // only stdin needs a copy to be read twice
  if (input == "-") spool.emplace();
  const std::string path = spool ? rereadable_path(input, *spool) : input;

  // Pass 1: validate, count the types over the whole dataset, count the passages to write.
  BuildDataReport report;
  std::unordered_map<std::string, std::uint64_t> counts;
  std::size_t usable = 0;
  {
    auto in = open_input(path);
    report.bad_records = for_each_jsonl_record(
        *in, source, options.strict,
        [&](nlohmann::json& record, std::size_t line) {
          const AnnotatedPassage p = annotated_passage_from_json(record, source, line);
          ++report.records;
          if (!has_annotation(p)) {
            ++report.skipped_by_status[p.status];
            return;
          }
          const GroupedPassage g = group_entities(p, type_case, options.drop_unfound);
          for (std::size_t i = 0; i < g.types.size(); ++i)
            counts[g.types[i]] += g.entities[i].size();
          if (!g.types.empty() || may_sample) ++usable;
        },
        callbacks.warning);
  }
  std::vector<std::pair<std::string, std::uint64_t>> table(counts.begin(), counts.end());
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  report.types = table.size();
  std::vector<std::string> type_names;
  std::vector<std::uint64_t> type_counts;
  for (auto& [t, n] : table) {
    type_names.push_back(std::move(t));
    type_counts.push_back(n);
  }
  const NegativeSampler sampler(std::move(type_names), std::move(type_counts), options.negatives);

  // Pass 2: write. Dev passages are chosen by selection sampling: exactly round(f * usable).
  ConversationSink train_sink(train, options.jsonl);
  std::optional<ConversationSink> dev_sink;
  if (dev) dev_sink.emplace(*dev, options.jsonl);
  std::size_t dev_left =
      static_cast<std::size_t>(std::llround(options.dev_fraction * static_cast<double>(usable)));
  Rng dev_rng(mix_seed(options.seed, kDevStream));
  std::size_t index = 0;  // among usable passages
  auto in = open_input(path);
  for_each_jsonl_record(
      *in, source, /*strict=*/false,
      [&](nlohmann::json& record, std::size_t line) {
        const AnnotatedPassage p = annotated_passage_from_json(record, source, line);
        if (!has_annotation(p)) return;
        const GroupedPassage g = group_entities(p, type_case, options.drop_unfound);
        if (g.types.empty() && !may_sample) return;
        const std::size_t i = index++;
        if (i >= usable) throw Error(source + ": the input changed while it was being read");
        const bool to_dev = dev_left > 0 && dev_rng.below(usable - i) < dev_left;
        if (to_dev) --dev_left;
        report.duplicates += g.duplicates;
        report.empty += g.empty;
        report.unfound += g.unfound;

        std::vector<TypeAnswer> pairs;
        for (std::size_t t = 0; t < g.types.size(); ++t) {
          pairs.push_back({g.types[t], answer_json(g.entities[t])});
          report.entities += g.entities[t].size();
        }
        report.positive_queries += pairs.size();
        for (auto& neg : sampler.sample(g.all_types, options.negatives_per_passage,
                                        mix_seed(options.seed, 1 + 2 * std::uint64_t{i}))) {
          pairs.push_back({std::move(neg), "[]"});
          ++report.negative_queries;
        }
        if (pairs.empty()) {
          ++report.without_queries;
          return;
        }
        if (options.shuffle_pairs) {
          Rng rng(mix_seed(options.seed, 2 + 2 * std::uint64_t{i}));
          for (std::size_t k = pairs.size(); k > 1; --k) {
            std::swap(pairs[k - 1], pairs[rng.below(k)]);
          }
        }
        const ConversationRecord r = instruction_conversation(p.id, p.text, pairs);
        if (to_dev) {
          dev_sink->write(r);
          ++report.dev;
        } else {
          train_sink.write(r);
          ++report.train;
        }
        if (index % kProgressEvery == 0 && callbacks.progress) {
          callbacks.progress({"passages", index, usable});
        }
      },
      nullptr);
  train_sink.finish();
  if (dev_sink) dev_sink->finish();
  if (callbacks.progress) callbacks.progress({"passages", index, usable});
  return report;
}

}  // namespace uniner

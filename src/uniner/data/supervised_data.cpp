#include "uniner/data/supervised_data.h"

#include <algorithm>
#include <filesystem>

#include "data/answer_json.h"
#include "data/conversation_sink.h"
#include "data/rng.h"
#include "uniner/data/instruction_data.h"
#include "uniner/error.h"
#include "uniner/format/conversation.h"

namespace uniner {
namespace {

constexpr std::size_t kProgressEvery = 1000;

bool is_jsonl_name(const std::string& path) {
  const auto ext = std::filesystem::path(path).extension().string();
  return ext == ".jsonl" || ext == ".ndjson";
}

// The indices of `keep` sentences out of `n`, uniformly at random, in increasing order.
std::vector<std::size_t> sample_indices(std::size_t n, std::size_t keep, std::uint64_t seed) {
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  if (keep == 0 || keep >= n) return all;
  Rng rng(mix_seed(seed, 0));
  for (std::size_t i = 0; i < keep; ++i) std::swap(all[i], all[i + rng.below(n - i)]);
  all.resize(keep);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

ConvertReport convert_supervised(const std::string& input, std::ostream& train,
                                 std::ostream* benchmark, const ConvertOptions& options,
                                 const DataCallbacks& callbacks) {
  const bool spans = options.format == SupervisedFormat::kSpans ||
                     (options.format == SupervisedFormat::kAuto && is_jsonl_name(input));
  ConvertReport report;
  std::vector<LabeledSentence> sentences =
      spans ? read_spans_jsonl(input, options.strict, callbacks.warning, &report.bad_records)
            : read_conll(input, {options.column, options.strict}, callbacks.warning,
                         &report.bad_records);

  // Map and clean the labels; the dataset's types in order of first appearance.
  for (auto& s : sentences) {
    std::vector<LabeledEntity> kept;
    for (auto& e : s.entities) {
      auto mapped = options.label_map.map(e.type);
      std::string type = mapped ? clean_type(*mapped, options.type_case) : std::string();
      if (type.empty()) {
        ++report.dropped;
        continue;
      }
      if (std::find(report.types.begin(), report.types.end(), type) == report.types.end()) {
        report.types.push_back(type);
      }
      e.type = std::move(type);
      kept.push_back(std::move(e));
    }
    s.entities = std::move(kept);
  }

  std::string name = options.name;
  if (name.empty()) name = input == "-" ? "stdin" : std::filesystem::path(input).stem().string();

  ConversationSink train_sink(train, options.jsonl);
  std::optional<ConversationSink> bench_sink;
  if (benchmark) bench_sink.emplace(*benchmark, options.jsonl);
  const auto keep = sample_indices(sentences.size(), options.max_sentences, options.seed);
  std::vector<TypeAnswer> pairs;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    const LabeledSentence& s = sentences[keep[k]];
    report.entities += s.entities.size();
    pairs.clear();
    for (const auto& type : report.types) {
      std::vector<std::string> mentions, distinct;
      for (const auto& e : s.entities) {
        if (e.type != type) continue;
        mentions.push_back(e.text);
        if (std::find(distinct.begin(), distinct.end(), e.text) == distinct.end()) {
          distinct.push_back(e.text);
        }
      }
      pairs.push_back({type, answer_json(distinct)});
      if (bench_sink) {
        const TypeAnswer one{type, answer_json(mentions)};
        bench_sink->write(instruction_conversation(
            name + "_" + std::to_string(report.benchmark_records++), s.text, {&one, 1}));
      }
    }
    const std::string id = s.id.empty() ? name + "_" + std::to_string(k) : s.id;
    train_sink.write(instruction_conversation(id, s.text, pairs));
    ++report.conversations;
    if ((k + 1) % kProgressEvery == 0 && callbacks.progress) {
      callbacks.progress({"sentences", k + 1, keep.size()});
    }
  }
  report.sentences = keep.size();
  train_sink.finish();
  if (bench_sink) bench_sink->finish();
  if (callbacks.progress) callbacks.progress({"sentences", keep.size(), keep.size()});
  return report;
}

}  // namespace uniner

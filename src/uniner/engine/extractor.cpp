#include "uniner/engine/extractor.h"

#include <map>

#include "engine/passage_engine.h"
#include "text/utf8.h"

namespace uniner {

std::string validate_passage(const PassageInput& p) {
  if (auto bad = find_invalid_utf8(p.text)) {
    return "text: invalid UTF-8 at byte " + std::to_string(bad->byte_offset) + ": " + bad->reason;
  }
  if (p.text.find_first_not_of(" \t\r\n") == std::string::npos) return "empty text";
  if (p.types.empty()) return "no entity types";
  for (const auto& t : p.types) {
    if (t.find_first_not_of(" \t") == std::string::npos) return "an entity type is empty";
    if (t.find_first_of("\r\n") != std::string::npos) {
      return "entity type '" + t + "' contains a newline (the prompt is one line)";
    }
    if (auto bad = find_invalid_utf8(t)) return "entity type: invalid UTF-8";
  }
  return {};
}

struct Extractor::Impl {
  engine::PassageEngine engine;
  Impl(const Model& m, ExtractOptions o) : engine(m, std::move(o)) {}
};

Extractor::Extractor(const Model& model, ExtractOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(options))) {}
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;
Extractor::~Extractor() = default;

std::string Extractor::answer_text(const std::vector<TokenId>& tokens) const {
  return impl_->engine.answer_text(tokens);
}

// The engine delivers passages as they complete; results wait here for the ones read before them.
void Extractor::run(const std::function<bool(PassageInput&)>& next,
                    const std::function<void(PassageResult&&)>& emit,
                    const std::function<void(const ExtractProgress&)>& progress) {
  engine::PassageEngine& engine = impl_->engine;
  std::uint64_t read = 0, emitted = 0;
  std::map<std::uint64_t, PassageResult> waiting;
  const auto report = [&] {
    if (!progress) return;
    ExtractProgress p = engine.progress();
    p.passages_done = emitted;
    progress(p);
  };
  engine.run(
      [&](engine::PassageTask& task, bool) {
        if (!next(task.input)) return engine::Pull::kEnd;
        task.tag = read++;
        return engine::Pull::kJob;
      },
      [&](std::uint64_t tag, PassageResult&& r) {
        waiting.emplace(tag, std::move(r));
        while (!waiting.empty() && waiting.begin()->first == emitted) {
          emit(std::move(waiting.begin()->second));
          waiting.erase(waiting.begin());
          ++emitted;
          report();
        }
      },
      {.on_step = {}, .on_answers = report});
}

ExtractRecord to_extract_record(const PassageResult& r, bool byte_offsets) {
  ExtractRecord out;
  out.id = r.id;
  out.text = r.text;
  for (const auto& e : r.entities) {
    ExtractRecord::Entity x{e.text, e.type, std::nullopt, std::nullopt, e.found};
    if (e.found) {
      x.start = byte_offsets ? e.span.byte_start : e.span.start;
      x.end = byte_offsets ? e.span.byte_end : e.span.end;
    }
    out.entities.push_back(std::move(x));
  }
  out.raw = r.raw;
  out.windows = r.windows;
  out.error = r.error;
  return out;
}

PassageResult Extractor::extract(const PassageInput& passage) {
  bool given = false;
  PassageResult out;
  run([&](PassageInput& p) { return given ? false : (p = passage, given = true); },
      [&](PassageResult&& r) { out = std::move(r); });
  return out;
}

}  // namespace uniner

#include "uniner/data/passages.h"

#include <algorithm>
#include <filesystem>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "data/hash_set.h"
#include "data/rng.h"
#include "format/json_records.h"
#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kProgressEvery = 1000;

// De-duplication, sampling and writing of the passages, in corpus order.
class PassageSink {
 public:
  PassageSink(std::ostream& out, const PassagesOptions& o, PassagesReport& report)
      : out_(out), o_(o), report_(report), rng_(mix_seed(o.seed, 0)) {}

  void add(std::string&& passage) {
    if (passage.empty()) return;
    if (!seen_.insert(hash64(passage.data(), passage.size()))) {
      ++report_.duplicates;
      return;
    }
    const std::uint64_t index = report_.passages++;
    if (o_.sample == 0) {
      write(index, passage);
      return;
    }
    // Reservoir sampling (algorithm R): every passage ends up kept with probability N / total.
    if (reservoir_.size() < o_.sample) {
      reservoir_.emplace_back(index, std::move(passage));
    } else if (const std::uint64_t j = rng_.below(index + 1); j < o_.sample) {
      reservoir_[j] = {index, std::move(passage)};
    }
  }

  void finish() {
    std::sort(reservoir_.begin(), reservoir_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [index, text] : reservoir_) write(index, text);
    reservoir_.clear();
    out_.flush();
    if (!out_) throw Error("cannot write the passages (disk full?)");
  }

 private:
  void write(std::uint64_t index, const std::string& text) {
    const nlohmann::json j{{"id", o_.id_prefix + std::to_string(index)}, {"text", text}};
    out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    ++report_.written;
  }

  std::ostream& out_;
  const PassagesOptions& o_;
  PassagesReport& report_;
  Rng rng_;
  HashSet64 seen_;
  std::vector<std::pair<std::uint64_t, std::string>> reservoir_;
};

bool is_jsonl_name(const std::string& path) {
  const auto ext = std::filesystem::path(path).extension().string();
  return ext == ".jsonl" || ext == ".ndjson";
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (in != "-" && std::filesystem::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::recursive_directory_iterator(in)) {
        if (e.is_regular_file()) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  return files;
}

class CorpusReader {
 public:
  CorpusReader(const PassagesOptions& o, const TokenCounter& count, const DataCallbacks& cb,
               PassageSink& sink, PassagesReport& report)
      : o_(o),
        cb_(cb),
        report_(report),
        splitter_(o.max_tokens, count, [&sink](std::string&& p) { sink.add(std::move(p)); }) {}

  void read(const std::string& path) {
    const bool jsonl = o_.format == CorpusFormat::kJsonl ||
                       (o_.format == CorpusFormat::kAuto && path != "-" && is_jsonl_name(path));
    auto in = open_input(path);
    skip_utf8_bom(*in);  // never part of the first passage
    if (jsonl) {
      read_jsonl_corpus(*in, path);
    } else {
      read_text(*in, path);
    }
  }

 private:
  void document_done() {
    splitter_.finish();
    if (++report_.documents % kProgressEvery == 0 && cb_.progress) {
      cb_.progress({"documents", report_.documents, 0});
    }
  }

  void read_jsonl_corpus(std::istream& in, const std::string& path) {
    report_.bad_records += for_each_jsonl_record(
        in, path, o_.strict,
        [&](nlohmann::json& record, std::size_t line) {
          auto field = record.find(o_.field);
          if (field == record.end() || !field->is_string()) {
            throw InputError(
                where(path, line, std::string("missing string field '") + o_.field + "'"));
          }
          splitter_.feed(field->get_ref<const std::string&>());
          document_done();
        },
        cb_.warning);
  }

  void read_text(std::istream& in, const std::string& path) {
    std::string raw, text;
    std::vector<char> chunk(kChunkBytes);
    std::size_t line = 1, bad_in_file = 0;
    for (;;) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<std::size_t>(in.gcount());
      const bool last = got < chunk.size();
      raw.append(chunk.data(), got);
      text.clear();
      std::size_t first_bad = 0;
      const std::size_t replaced = append_valid_utf8(raw, last, text, first_bad);
      if (replaced) {
        const std::size_t at = line + std::count(text.begin(), text.begin() + first_bad, '\n');
        if (o_.strict) throw InputError(where(path, at, "invalid UTF-8"));
        if (bad_in_file == 0 && cb_.warning) {
          cb_.warning(where(path, at, "invalid UTF-8 replaced by U+FFFD (reported once per file)"));
        }
        bad_in_file += replaced;
      }
      line += std::count(text.begin(), text.end(), '\n');
      splitter_.feed(text);
      if (last) break;
    }
    if (in.bad()) throw Error(path + ": read error");
    report_.invalid_utf8 += bad_in_file;
    document_done();
  }

  const PassagesOptions& o_;
  const DataCallbacks& cb_;
  PassagesReport& report_;
  PassageSplitter splitter_;
};

}  // namespace

PassagesReport make_passages(const std::vector<std::string>& inputs, std::ostream& out,
                             const PassagesOptions& options, const TokenCounter& count_tokens,
                             const DataCallbacks& callbacks) {
  if (inputs.empty()) throw InputError("passages: no input given");
  PassagesReport report;
  PassageSink sink(out, options, report);
  CorpusReader reader(options, count_tokens, callbacks, sink, report);
  for (const auto& path : expand_inputs(inputs)) reader.read(path);
  if (callbacks.progress) callbacks.progress({"documents", report.documents, report.documents});
  sink.finish();
  return report;
}

}  // namespace uniner

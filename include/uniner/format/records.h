// Record formats: the original's instruction/benchmark JSON (a JSON array of
// {"id", "conversations": [{"from", "value"}, ...]}) and predictions JSON Lines
// ({"id", "prediction"}), and opening files ("-" = stdin/stdout). Readers stream: a 1 GB file is
// read one record at a time.
//
// Ownership: records are plain values. open_input/open_output return the stream's owner (for
// "-": std::cin/std::cout, borrowed, never closed). ConversationWriter and write_prediction
// borrow `out`, which must outlive the writer; they do not check it: flush and test the stream.
// Errors: readers throw InputError naming the file, the line (or the record id) and the reason:
// invalid JSON, a record of the wrong shape, a path that cannot be opened or is a directory.
// Error for a read error, or when open_output cannot create the file.
//
//   for (const uniner::BenchmarkRecord& r : uniner::read_benchmark("CrossNER_AI.json"))
//     ask(r.id, r.text, r.type);  // r.gold: the gold answer, a JSON list
//   auto out = uniner::open_output("pred.jsonl");
//   uniner::write_prediction(*out, "CrossNER_AI_0", R"(["BERT"])");
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace uniner {

struct Turn {
  std::string from;  // "human" or "gpt"
  std::string value;
};

struct ConversationRecord {
  std::string id;
  std::vector<Turn> conversations;
};

// One evaluation query of a benchmark file: the passage, the type asked, the gold answer.
struct BenchmarkRecord {
  std::string id;
  std::string text;
  std::string type;
  std::string gold;  // raw gold answer, a JSON list
};

// Opens `path` for reading; "-" is stdin. Throws InputError when it cannot be opened or is a
// directory.
std::shared_ptr<std::istream> open_input(const std::string& path);
// Opens `path` for writing (truncating, or appending); "-" is stdout. Throws InputError for a
// directory, Error when the file cannot be created.
std::shared_ptr<std::ostream> open_output(const std::string& path, bool append = false);

// Streams the records of a JSON array of conversations (or JSON Lines of them; a UTF-8 BOM is
// skipped). `fn(record, index)` is called per record; the first bad record throws InputError.
void read_conversations(const std::string& path,
                        const std::function<void(ConversationRecord&&, std::size_t)>& fn);

// The benchmark view of one conversation record: turns 0 and 2 are human "Text: ..." and
// "What describes T in the text?", turn 3 is the gold answer. Throws InputError otherwise.
BenchmarkRecord to_benchmark_record(const ConversationRecord& record, const std::string& source);

// Reads a whole benchmark file (records in file order).
std::vector<BenchmarkRecord> read_benchmark(const std::string& path);

// Writes a JSON array of conversation records, one record per line, as it goes.
class ConversationWriter {
 public:
  explicit ConversationWriter(std::ostream& out);
  ~ConversationWriter();  // closes the array if finish() was not called
  void write(const ConversationRecord& record);
  void finish();

 private:
  std::ostream& out_;
  bool first_ = true;
  bool finished_ = false;
};

// Predictions: {"id": ..., "prediction": "<raw answer>"}. Numeric ids are read as their text.
struct Prediction {
  std::string id;
  std::string prediction;
  std::size_t line = 0;
};
std::vector<Prediction> read_predictions(const std::string& path);
void write_prediction(std::ostream& out, const std::string& id, const std::string& prediction);

}  // namespace uniner

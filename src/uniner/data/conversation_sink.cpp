#include "data/conversation_sink.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "format/json_records.h"
#include "uniner/error.h"

namespace uniner {

ConversationSink::ConversationSink(std::ostream& out, bool jsonl) : out_(out) {
  if (!jsonl) array_.emplace(out);
}

void ConversationSink::write(const ConversationRecord& record) {
  if (array_) {
    array_->write(record);
  } else {
    out_ << to_json(record).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
         << '\n';
  }
}

void ConversationSink::finish() {
  if (array_) array_->finish();
  out_.flush();
  if (!out_) throw Error("cannot write the output (disk full?)");
}

}  // namespace uniner

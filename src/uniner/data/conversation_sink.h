// Writes conversation records as the original's JSON array (uniner::ConversationWriter) or as
// JSON Lines (one {"id", "conversations"} object per line). Private to the data layer.
#pragma once

#include <iosfwd>
#include <optional>

#include "uniner/format/records.h"

namespace uniner {

class ConversationSink {
 public:
  ConversationSink(std::ostream& out, bool jsonl);
  void write(const ConversationRecord& record);
  // Closes the array (JSON) and flushes; throws Error when the stream failed.
  void finish();

 private:
  std::ostream& out_;
  std::optional<ConversationWriter> array_;
};

}  // namespace uniner

// A label map for supervised data: lines "FROM -> TO" renaming the dataset's labels, e.g.
//   PER -> person
//   LOC -> location
//   MISC ->            (an empty right side drops the label's entities)
// Blank lines and lines starting with '#' are ignored. Labels not in the map are kept.
//
// Ownership: LabelMap is a copyable value. Errors: load and parse throw InputError ("file:line:
// reason"; load also when the file cannot be opened); map() does not throw.
//
//   auto map = uniner::LabelMap::parse("PER -> person\nMISC ->\n", "inline");
//   map.map("PER");   // "person"
//   map.map("MISC");  // std::nullopt: the label's entities are dropped
//   map.map("LOC");   // "LOC": not in the map, kept
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

namespace uniner {

class LabelMap {
 public:
  LabelMap() = default;
  // Throws InputError("file:line: reason") for a line without "->", an empty left side, or a
  // label mapped twice.
  static LabelMap load(const std::string& path);
  static LabelMap parse(const std::string& text, const std::string& source);

  // The new name of `label` (itself when not mapped); nullopt when the label is dropped.
  std::optional<std::string> map(const std::string& label) const;
  std::size_t size() const { return map_.size(); }

 private:
  std::unordered_map<std::string, std::string> map_;
};

}  // namespace uniner

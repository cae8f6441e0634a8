#include "uniner/data/label_map.h"

#include <sstream>

#include "text/utf8.h"
#include "uniner/error.h"
#include "uniner/format/records.h"

namespace uniner {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

}  // namespace

LabelMap LabelMap::load(const std::string& path) {
  auto in = open_input(path);
  std::stringstream ss;
  ss << in->rdbuf();
  return parse(ss.str(), path);
}

LabelMap LabelMap::parse(const std::string& text, const std::string& source) {
  LabelMap m;
  std::istringstream in(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    require_utf8(t, where(source, n, "label map"));
    const auto arrow = t.find("->");
    if (arrow == std::string::npos) throw InputError(where(source, n, "expected 'LABEL -> type'"));
    std::string from = trim(std::string_view(t).substr(0, arrow));
    std::string to = trim(std::string_view(t).substr(arrow + 2));
    if (from.empty()) throw InputError(where(source, n, "empty label before '->'"));
    if (!m.map_.emplace(from, to).second) {
      throw InputError(where(source, n, std::string("label '") + from + "' is mapped twice"));
    }
  }
  return m;
}

std::optional<std::string> LabelMap::map(const std::string& label) const {
  auto it = map_.find(label);
  if (it == map_.end()) return label;
  if (it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace uniner

#include "uniner/format/shard.h"

#include <charconv>

#include "uniner/error.h"

namespace uniner {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool Shard::contains(std::string_view record_id) const {
  return count <= 1 || fnv1a64(record_id) % count == index;
}

std::string Shard::to_string() const {
  return std::to_string(index) + "/" + std::to_string(count);
}

Shard parse_shard(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return InputError("shard '" + std::string(text) + "': " + why);
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) throw bad("expected K/N, e.g. 0/4");
  const auto number = [&](std::string_view s, std::uint32_t& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  Shard shard;
  if (!number(text.substr(0, slash), shard.index) || !number(text.substr(slash + 1), shard.count))
    throw bad("K and N must be whole numbers, e.g. 0/4");
  if (shard.count < 1) throw bad("N must be at least 1");
  if (shard.index >= shard.count) throw bad("K must be less than N (K counts from 0)");
  return shard;
}

}  // namespace uniner

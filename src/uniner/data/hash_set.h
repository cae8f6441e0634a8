// A compact set of 64-bit hashes (open addressing, 8 bytes a slot, at most half full), for exact
// de-duplication of many passages in little memory. Private to the data layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace uniner {

class HashSet64 {
 public:
  // Inserts `h`; false when it was already there.
  bool insert(std::uint64_t h) {
    if (h == 0) h = 1;  // 0 marks an empty slot
    if ((size_ + 1) * 2 > slots_.size()) grow();
    if (place(slots_, h)) {
      ++size_;
      return true;
    }
    return false;
  }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.size() * sizeof(std::uint64_t); }

 private:
  static bool place(std::vector<std::uint64_t>& slots, std::uint64_t h) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      if (slots[i] == h) return false;
      if (slots[i] == 0) {
        slots[i] = h;
        return true;
      }
    }
  }
  void grow() {
    std::vector<std::uint64_t> bigger(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    for (std::uint64_t h : slots_)
      if (h) place(bigger, h);
    slots_.swap(bigger);
  }
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace uniner

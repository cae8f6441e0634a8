// The central directory of a zip archive, for PyTorch's .bin files (torch.save's zip format
// writes every member uncompressed: "stored"). Reads zip64 records (shards over 4 GB).
// Private to engine/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uniner::engine {

struct ZipMember {
  std::string name;
  std::uint64_t data_offset = 0;  // of the member's first byte in the archive
  std::uint64_t size = 0;
};

// Whether the file starts as a zip archive does ("PK\3\4").
bool is_zip_file(const std::string& path);

// The members of the archive. InputError naming the file when it is not a zip archive, is
// truncated, or holds a compressed member (torch.save never compresses).
std::vector<ZipMember> read_zip_members(const std::string& path);

}  // namespace uniner::engine

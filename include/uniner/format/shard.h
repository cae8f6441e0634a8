// Splitting a corpus into N independent shards by record id, so that a cluster scheduler (a Slurm
// job array, a Kubernetes indexed job) runs `--shard K/N` jobs that together cover every record
// exactly once, whatever order the records come in and however the file is split or concatenated.
//
// A record belongs to shard hash(id) mod N, with 64-bit FNV-1a over the id's bytes: the split is
// the same on every machine and in every version of uniner.
//
// Ownership: Shard is a plain value; nothing is owned. Errors: parse_shard throws InputError
// naming the value and the reason; nothing else throws. All are pure and thread-safe.
//
//   auto shard = uniner::parse_shard("2/8");  // the third of eight shards (K counts from 0)
//   if (shard.contains(record_id)) process(record);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace uniner {

struct Shard {
  std::uint32_t index = 0;  // K, 0 <= K < N
  std::uint32_t count = 1;  // N; 1 = the whole corpus

  bool whole() const { return count == 1; }
  bool contains(std::string_view record_id) const;
  std::string to_string() const;  // "K/N"
};

// Parses "K/N" with 0 <= K < N, N >= 1. Throws InputError naming the value and the reason.
Shard parse_shard(std::string_view text);

// The 64-bit FNV-1a hash of `bytes` (offset basis 14695981039346656037, prime 1099511628211).
std::uint64_t fnv1a64(std::string_view bytes);

}  // namespace uniner

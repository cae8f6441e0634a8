// A zip central-directory reader (hf_zip.h): the end-of-central-directory record (and its zip64
// form), then one central header per member, then each member's local header for where its data
// starts (the local extra field may differ from the central one: torch pads it for alignment).
#include "engine/hf_zip.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "uniner/error.h"

namespace uniner::engine {
namespace {

std::uint64_t le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw InputError(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": cannot stat");
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  std::uint64_t size() const { return size_; }
  std::vector<unsigned char> read(std::uint64_t at, std::uint64_t n) {
    if (at > size_ || n > size_ - at) bad("truncated (a record runs past the end of the file)");
    std::vector<unsigned char> buf(n);
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    if (!in_.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(n))) {
      bad("read failed");
    }
    return buf;
  }
  [[noreturn]] void bad(const std::string& why) const {
    throw InputError(path_ + ": not a readable zip archive: " + why);
  }

 private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

}  // namespace

bool is_zip_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

std::vector<ZipMember> read_zip_members(const std::string& path) {
  Reader r(path);
  constexpr std::uint64_t kEocd = 22;
  if (r.size() < kEocd) r.bad("too short");
  // The end record is the last 22 bytes plus a comment of up to 64 KiB: search backwards.
  const std::uint64_t tail_len = std::min<std::uint64_t>(r.size(), kEocd + 65535);
  const auto tail = r.read(r.size() - tail_len, tail_len);
  std::int64_t eocd = -1;
  for (std::int64_t i = static_cast<std::int64_t>(tail_len - kEocd); i >= 0; --i) {
    if (le(&tail[i], 4) == 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) r.bad("no end-of-central-directory record (truncated?)");
  const unsigned char* e = &tail[eocd];
  std::uint64_t count = le(e + 10, 2), dir_size = le(e + 12, 4), dir_offset = le(e + 16, 4);
  const std::uint64_t eocd_at = r.size() - tail_len + static_cast<std::uint64_t>(eocd);
  if (count == 0xffff || dir_size == 0xffffffff || dir_offset == 0xffffffff) {
    // zip64: a locator just before the end record points at the zip64 end record.
    if (eocd_at < 20) r.bad("zip64 locator missing");
    const auto loc = r.read(eocd_at - 20, 20);
    if (le(loc.data(), 4) != 0x07064b50) r.bad("zip64 locator missing");
    const auto z = r.read(le(&loc[8], 8), 56);
    if (le(z.data(), 4) != 0x06064b50) r.bad("zip64 end record missing");
    count = le(&z[32], 8), dir_size = le(&z[40], 8), dir_offset = le(&z[48], 8);
  }
  const auto dir = r.read(dir_offset, dir_size);
  std::vector<ZipMember> members;
  std::size_t p = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (p + 46 > dir.size() || le(&dir[p], 4) != 0x02014b50) r.bad("damaged central directory");
    const unsigned char* h = &dir[p];
    const auto method = le(h + 10, 2);
    std::uint64_t csize = le(h + 20, 4), usize = le(h + 24, 4), local = le(h + 42, 4);
    const std::size_t name_len = le(h + 28, 2), extra_len = le(h + 30, 2), comment_len = le(h + 32, 2);
    if (p + 46 + name_len + extra_len + comment_len > dir.size()) r.bad("damaged central directory");
    ZipMember m;
    m.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
    // zip64 extra field: the 64-bit values, in this order, of those that are 0xffffffff above.
    for (std::size_t x = 0; x + 4 <= extra_len;) {
      const unsigned char* f = h + 46 + name_len + x;
      const std::size_t id = le(f, 2), len = le(f + 2, 2);
      if (x + 4 + len > extra_len) break;
      if (id == 0x0001) {
        std::size_t at = 4;
        const auto take = [&](std::uint64_t& v) {
          if (v == 0xffffffff && at + 8 <= 4 + len) v = le(f + at, 8), at += 8;
        };
        take(usize), take(csize), take(local);
      }
      x += 4 + len;
    }
    if (method != 0 || csize != usize) {
      r.bad("member " + m.name + " is compressed (torch.save stores members uncompressed)");
    }
    const auto lh = r.read(local, 30);
    if (le(lh.data(), 4) != 0x04034b50) r.bad("damaged local header of " + m.name);
    m.data_offset = local + 30 + le(&lh[26], 2) + le(&lh[28], 2);
    m.size = usize;
    if (m.data_offset > r.size() || m.size > r.size() - m.data_offset) {
      throw InputError(path + ": truncated (member " + m.name + " runs past the end of the file)");
    }
    members.push_back(std::move(m));
    p += 46 + name_len + extra_len + comment_len;
  }
  return members;
}

}  // namespace uniner::engine

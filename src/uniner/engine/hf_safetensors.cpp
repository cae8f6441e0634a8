// Reading and writing .safetensors files (hf_safetensors.h).
#include "engine/hf_safetensors.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/llama_handles.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

// A real header is a few hundred bytes per tensor; anything near this is not one.
constexpr std::uint64_t kMaxHeader = 100ull << 20;

std::uint64_t read_le64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

HfDtype dtype_of(const std::string& path, const std::string& name, const std::string& dtype) {
  if (dtype == "F32") return HfDtype::kF32;
  if (dtype == "F16") return HfDtype::kF16;
  if (dtype == "BF16") return HfDtype::kBF16;
  throw InputError(path + ": tensor " + name + " has dtype " + dtype +
                   " (this version reads F32, F16 and BF16 weights)");
}

}  // namespace

HfTensorMap read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error(path + ": cannot stat: " + std::strerror(errno));
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  unsigned char len_bytes[8];
  if (!in.read(reinterpret_cast<char*>(len_bytes), 8)) {
    throw InputError(path + ": not a safetensors file (shorter than its 8-byte header length)");
  }
  const std::uint64_t header_len = read_le64(len_bytes);
  if (header_len > kMaxHeader || 8 + header_len > file_size) {
    throw InputError(path + ": not a safetensors file or truncated (header of " +
                     std::to_string(header_len) + " bytes in a file of " +
                     std::to_string(file_size) + ")");
  }
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len))) {
    throw InputError(path + ": truncated in the header");
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": the safetensors header is not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw InputError(path + ": the safetensors header is not a JSON object");

  const std::uint64_t data_start = 8 + header_len;
  const std::uint64_t data_size = file_size - data_start;
  HfTensorMap out;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& item : j.items()) {
    // Named copies: clang before 16 cannot capture structured bindings in the lambda below.
    const std::string name = item.key();
    const nlohmann::json& v = item.value();
    if (name == "__metadata__") continue;
    const auto bad = [&](const std::string& why) {
      return InputError(path + ": tensor " + name + ": " + why);
    };
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets") || !v["dtype"].is_string() || !v["shape"].is_array() ||
        !v["data_offsets"].is_array() || v["data_offsets"].size() != 2) {
      throw bad("expected {\"dtype\", \"shape\", \"data_offsets\": [begin, end]}");
    }
    HfTensor t;
    t.file = path;
    t.dtype = dtype_of(path, name, v["dtype"].get<std::string>());
    // Dimensions bounded so that the byte count below cannot overflow: no tensor is larger
    // than the file that holds it.
    std::uint64_t numel = 1;
    for (const auto& d : v["shape"]) {
      if (!d.is_number_unsigned()) throw bad("a dimension is not a whole number");
      const auto n = d.get<std::uint64_t>();
      if (n != 0 && numel > file_size / n) throw bad("a shape larger than the file");
      numel *= n;
      t.shape.push_back(static_cast<std::int64_t>(n));
    }
    const auto& offs = v["data_offsets"];
    if (!offs[0].is_number_unsigned() || !offs[1].is_number_unsigned()) {
      throw bad("data offsets are not whole numbers");
    }
    const auto begin = offs[0].get<std::uint64_t>(), end = offs[1].get<std::uint64_t>();
    if (end < begin || end - begin != t.bytes()) {
      throw bad("data offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                "] do not hold a " + hf_dtype_name(t.dtype) + " tensor of shape " +
                dims_text(t.shape));
    }
    if (end > data_size) {
      throw InputError(path + ": truncated: tensor " + name + " ends at byte " +
                       std::to_string(data_start + end) + " of a file of " +
                       std::to_string(file_size) + " bytes");
    }
    t.offset = data_start + begin;
    ranges.emplace_back(begin, end);
    out.emplace(name, std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) {
      throw InputError(path + ": tensors overlap in the data section");
    }
  }
  return out;
}

void write_safetensors(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                       HfDtype dtype, const SafetensorsFill& fill) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  std::uint64_t at = 0;
  for (const auto& e : entries) {
    HfTensor t;
    t.dtype = dtype;
    t.shape = e.shape;
    header[e.name] = {{"dtype", hf_dtype_name(dtype)}, {"shape", e.shape},
                      {"data_offsets", {at, at + t.bytes()}}};
    at += t.bytes();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned

  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  bool done = false;
  struct Guard {
    FILE*& f;
    const std::string& tmp;
    bool& done;
    ~Guard() {
      if (f != nullptr) std::fclose(f);
      if (!done) std::remove(tmp.c_str());
    }
  } guard{f, tmp, done};
  const auto fail = [&](int err) {
    return Error(path + ": write failed: " + (err ? std::strerror(err) : "I/O error"));
  };
  const auto write = [&](const void* p, std::size_t n) {
    if (n > 0 && std::fwrite(p, 1, n, f) != n) throw fail(errno);
  };
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(text.size() >> (8 * i));
  write(len, 8);
  write(text.data(), text.size());
  std::vector<float> values;
  std::vector<std::uint16_t> half;
  for (const auto& e : entries) {
    HfTensor t;
    t.shape = e.shape;
    values.assign(static_cast<std::size_t>(t.numel()), 0.0f);
    fill(e, values.data());
    const auto n = static_cast<std::int64_t>(values.size());
    if (dtype == HfDtype::kF32) {
      write(values.data(), values.size() * sizeof(float));
      continue;
    }
    half.resize(values.size());
    if (dtype == HfDtype::kF16) {
      ggml_fp32_to_fp16_row(values.data(), reinterpret_cast<ggml_fp16_t*>(half.data()), n);
    } else {
      ggml_fp32_to_bf16_row(values.data(), reinterpret_cast<ggml_bf16_t*>(half.data()), n);
    }
    write(half.data(), half.size() * 2);
  }
  errno = 0;
  if (std::fflush(f) != 0 || std::ferror(f)) throw fail(errno);
  if (::fsync(fileno(f)) != 0) throw fail(errno);
  FILE* closing = f;
  f = nullptr;
  if (std::fclose(closing) != 0) throw fail(errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot rename " + tmp + " to it: " + std::strerror(errno));
  }
  done = true;
}

}  // namespace uniner::engine

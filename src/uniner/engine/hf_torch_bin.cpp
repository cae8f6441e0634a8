// Reading a torch.save zip archive as an HfTensorMap (hf_torch_bin.h).
#include "engine/hf_torch_bin.h"

#include <fstream>
#include <map>

#include "engine/hf_pickle.h"
#include "engine/hf_zip.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

// Row-major contiguity, where dimensions of size 1 may have any stride (torch gives them 1).
bool contiguous(const PickleValue& t) {
  std::int64_t expected = 1;
  for (std::size_t i = t.shape.size(); i-- > 0;) {
    if (t.shape[i] != 1 && t.stride[i] != expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

}  // namespace

HfTensorMap read_torch_bin(const std::string& path) {
  if (!is_zip_file(path)) {
    throw InputError(path + ": not a zip archive: PyTorch's legacy (pre-1.6) format is not read; "
                     "re-save it with a recent torch.save, or convert it to safetensors");
  }
  std::map<std::string, ZipMember> members;
  std::string prefix;  // the archive's folder: "archive/" or the file's stem
  for (auto& m : read_zip_members(path)) {
    const auto slash = m.name.find('/');
    if (slash != std::string::npos && m.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      prefix = m.name.substr(0, slash + 1);
    }
    members.emplace(m.name, m);
  }
  const auto pkl = members.find(prefix + "data.pkl");
  if (prefix.empty() || pkl == members.end()) {
    throw InputError(path + ": a zip archive without data.pkl (not a torch.save file)");
  }
  std::string data(pkl->second.size, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(pkl->second.data_offset));
    if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) {
      throw InputError(path + ": truncated in data.pkl");
    }
  }
  const PickleRef root = unpickle_state_dict(data, path + ": data.pkl");
  if (root->kind != PickleValue::Kind::kDict) {
    throw InputError(path + ": the pickle holds no dict of tensors (a state dict was expected)");
  }
  HfTensorMap out;
  for (std::size_t i = 0; i + 1 < root->items.size(); i += 2) {
    const auto& key = root->items[i];
    const auto& value = root->items[i + 1];
    if (key->kind != PickleValue::Kind::kString || value->kind != PickleValue::Kind::kTensor) {
      throw InputError(path + ": entry " + std::to_string(i / 2) + " of the dict is not a named "
                       "tensor (a flat state dict, as save_pretrained writes, was expected)");
    }
    const std::string& name = key->text;
    const PickleValue& t = *value;
    if (!contiguous(t)) {
      throw InputError(path + ": tensor " + name + " is not contiguous (shape " +
                       dims_text(t.shape) + ", stride " + dims_text(t.stride) + ")");
    }
    HfTensor h;
    h.file = path;
    h.dtype = t.dtype;
    h.shape = t.shape;
    const auto member = members.find(prefix + "data/" + t.storage->text);
    if (member == members.end()) {
      throw InputError(path + ": tensor " + name + ": its storage data/" + t.storage->text +
                       " is missing from the archive");
    }
    // Sizes checked against the member before any product that could overflow.
    const std::uint64_t elem = hf_dtype_size(h.dtype);
    const std::uint64_t limit = member->second.size / elem;  // elements the member holds
    const auto storage_elems = static_cast<std::uint64_t>(t.storage->storage_numel);
    std::uint64_t numel = 1;
    bool fits = t.storage->storage_numel >= 0 && storage_elems <= limit;
    for (const auto d : h.shape) {
      const auto n = static_cast<std::uint64_t>(d);
      fits = fits && (n == 0 || numel <= limit / n);
      if (fits) numel *= n;
    }
    const auto offset = static_cast<std::uint64_t>(t.storage_offset);
    if (!fits || offset > storage_elems || numel > storage_elems - offset) {
      throw InputError(path + ": tensor " + name + " runs past the end of its storage data/" +
                       t.storage->text + " (truncated or damaged)");
    }
    h.offset = member->second.data_offset + static_cast<std::uint64_t>(t.storage_offset) * elem;
    out.emplace(name, std::move(h));
  }
  return out;
}

}  // namespace uniner::engine

// The weight files of a Hugging Face folder (hf_checkpoint.h): safetensors first, as
// transformers prefers them, then PyTorch .bin; shards through their index.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/hf_checkpoint.h"
#include "engine/hf_safetensors.h"
#include "engine/hf_torch_bin.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

namespace fs = std::filesystem;

// The shard files an index names, and which tensor each holds.
struct Index {
  std::set<std::string> files;
  std::map<std::string, std::string> file_of;
};

Index read_index(const std::string& path) {
  std::ifstream in(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
    throw InputError(path + ": missing key 'weight_map'");
  }
  Index index;
  for (const auto& [name, file] : j["weight_map"].items()) {
    if (!file.is_string()) throw InputError(path + ": weight_map['" + name + "'] is not a file name");
    const auto f = file.get<std::string>();
    if (f.find('/') != std::string::npos || f == "..") {
      throw InputError(path + ": weight_map['" + name + "'] names a file outside the folder: " + f);
    }
    index.files.insert(f);
    index.file_of.emplace(name, f);
  }
  return index;
}

// Files of `dir` whose name starts with `stem` and ends with `ext`, sorted.
std::vector<std::string> matching(const std::string& dir, const std::string& stem, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (e.is_regular_file() && n.rfind(stem, 0) == 0 && n.size() > ext.size() &&
        n.compare(n.size() - ext.size(), ext.size(), ext) == 0) {
      out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

HfWeights read_hf_weights(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir + ": not a folder");
  HfWeights w;
  std::vector<std::string> files;
  std::optional<Index> index;
  const auto exists = [&](const std::string& f) { return fs::exists(dir + "/" + f); };
  if (exists("model.safetensors.index.json")) {
    index = read_index(dir + "/model.safetensors.index.json");
    w.format = "safetensors";
  } else if (!matching(dir, "", ".safetensors").empty()) {
    files = matching(dir, "", ".safetensors");
    w.format = "safetensors";
  } else if (exists("pytorch_model.bin.index.json")) {
    index = read_index(dir + "/pytorch_model.bin.index.json");
    w.format = "PyTorch .bin";
  } else if (!matching(dir, "pytorch_model", ".bin").empty()) {
    files = matching(dir, "pytorch_model", ".bin");
    w.format = "PyTorch .bin";
  } else {
    throw InputError(dir + ": no weights (model.safetensors, shards with "
                     "model.safetensors.index.json, pytorch_model.bin, or shards with "
                     "pytorch_model.bin.index.json)");
  }
  if (index) files.assign(index->files.begin(), index->files.end());
  for (const auto& f : files) {
    const std::string path = dir + "/" + f;
    if (!fs::exists(path)) throw InputError(path + ": missing (the index lists it)");
    HfTensorMap part = w.format == "safetensors" ? read_safetensors(path) : read_torch_bin(path);
    for (auto& [name, t] : part) {
      if (index && index->file_of.count(name) && index->file_of[name] != f) continue;
      if (w.tensors.count(name)) {
        throw InputError(path + ": tensor " + name + " is also in " + w.tensors[name].file);
      }
      w.tensors.emplace(name, std::move(t));
    }
  }
  if (index) {
    for (const auto& [name, f] : index->file_of) {
      if (!w.tensors.count(name)) {
        throw InputError(dir + "/" + f + ": no tensor " + name + " (its index says it is there)");
      }
    }
  }
  w.files = files.size();
  return w;
}

}  // namespace uniner::engine

// A restricted unpickler for the data.pkl of a PyTorch state dict (torch.save, pickle protocol 2;
// the protocol 4 framing opcodes are read too). It builds values, never runs code: the only
// globals it accepts are the few a state dict names (collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch.{Float,Half,BFloat16}Storage), each
// interpreted here, and any other global or opcode is refused with InputError before anything
// is built from it. Private to engine/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hf_tensor.h"

namespace uniner::engine {

struct PickleValue;
using PickleRef = std::shared_ptr<PickleValue>;

struct PickleValue {
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kTuple, kList, kDict, kGlobal, kStorage, kTensor };
  Kind kind = Kind::kNone;
  std::int64_t integer = 0;        // kBool, kInt
  double real = 0;                 // kFloat
  std::string text;                // kString; kGlobal: "module.name"; kStorage: the storage key
  std::vector<PickleRef> items;    // kTuple, kList; kDict: key, value, key, value...
  // kStorage and kTensor: the element type; kTensor: where it lies in its storage.
  HfDtype dtype = HfDtype::kF32;
  std::int64_t storage_numel = 0;  // kStorage
  PickleRef storage;               // kTensor
  std::int64_t storage_offset = 0;  // kTensor, in elements
  std::vector<std::int64_t> shape, stride;  // kTensor
};

// Unpickles `data`; `source` names the file in messages ("pytorch_model.bin: data.pkl: ...").
PickleRef unpickle_state_dict(std::string_view data, const std::string& source);

}  // namespace uniner::engine

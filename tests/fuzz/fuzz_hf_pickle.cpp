// The restricted unpickler of PyTorch .bin files (engine/hf_pickle): any bytes either build a
// value or are refused with InputError; every tensor it builds has a storage and a size and
// stride of the same rank.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/hf_pickle.h"
#include "fuzz_util.h"
#include "uniner/error.h"

using namespace uniner;

namespace {

void check(const engine::PickleRef& v, int depth) {
  FUZZ_CHECK(v != nullptr);
  if (depth > 64) return;  // shared values can make deep graphs; their shape was checked once
  if (v->kind == engine::PickleValue::Kind::kTensor) {
    FUZZ_CHECK(v->storage != nullptr && v->storage->kind == engine::PickleValue::Kind::kStorage);
    FUZZ_CHECK(v->shape.size() == v->stride.size());
  }
  if (v->kind == engine::PickleValue::Kind::kDict) FUZZ_CHECK(v->items.size() % 2 == 0);
  for (const auto& item : v->items) check(item, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  try {
    check(engine::unpickle_state_dict(s, "fuzz"), 0);
  } catch (const InputError&) {
  }
  return 0;
}

// Greedy generation internals against a real llama.cpp context: missing logits are an Error.
#include "engine/generator.h"

#include <gtest/gtest.h>

#include "engine/model_impl.h"
#include "support/engine_fixture.h"
#include "uniner/error.h"

namespace uniner {
namespace {

class Generator : public testing::TinyModelTest {};

TEST_F(Generator, MissingLogitsAreAnErrorNotACrash) {
#ifndef NDEBUG
  GTEST_SKIP() << "llama.cpp aborts on a bad logits index in debug builds";
#else
  auto ctx = engine::model_impl(model()).new_context();
  const int n_vocab = static_cast<int>(model().vocab().size());
  // Nothing decoded yet, then a batch that asks for no logits: no row to read either way.
  EXPECT_THROW(engine::greedy_token(ctx.get(), 0, n_vocab), Error);
  engine::Batch batch(8, 1);
  batch.add(model().vocab().bos(), 0, 0, /*want_logits=*/false);
  engine::decode_or_throw(ctx.get(), batch.get());
  try {
    engine::greedy_token(ctx.get(), 0, n_vocab);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no logits for batch index 0"), std::string::npos)
        << e.what();
  }
#endif
}

}  // namespace
}  // namespace uniner

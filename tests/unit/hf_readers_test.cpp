// The Hugging Face readers on hand-made input, without Python: the restricted unpickler (what it
// builds, what it refuses, that no damaged pickle gets past it other than as an InputError),
// safetensors (written then read, truncation), SentencePiece's tokenizer.model (written then
// read, damaged).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "engine/hf_pickle.h"
#include "engine/hf_safetensors.h"
#include "engine/hf_tokenizer.h"
#include "support/test_support.h"
#include "uniner/error.h"

namespace uniner {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

// {"w": _rebuild_tensor_v2(('storage', torch.HalfStorage, '0', 'cpu', 6), 0, (2, 3), (3, 1),
//  False, OrderedDict())} as torch.save pickles it (protocol 2).
const std::string kStateDict(
    "\x80\x02}q\x00X\x01\x00\x00\x00wq\x01" "ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00"
    "\x00storageq\x03" "ctorch\nHalfStorage\nq\x04X\x01\x00\x00\x00" "0q\x05X\x03\x00\x00\x00" "cpuq\x06K\x06tq\x07"
    "QK\x00K\x02K\x03\x86q\x08K\x03K\x01\x86q\x09\x89" "ccollections\nOrderedDict\nq\x0a)Rq\x0btq\x0cRq\x0ds.",
    165);

TEST(HfPickle, RefusesGlobalsAStateDictDoesNotUse) {
  // pickle.dumps of os.system("touch x") reduced, protocol 2: GLOBAL 'posix system', REDUCE.
  const std::string evil("\x80\x02" "cposix\nsystem\nq\x00X\x07\x00\x00\x00touch xq\x01\x85q\x02Rq\x03.", 39);
  const auto m = message_of([&] { engine::unpickle_state_dict(evil, "evil.bin: data.pkl"); });
  EXPECT_NE(m.find("evil.bin: data.pkl"), std::string::npos) << m;
  EXPECT_NE(m.find("'posix.system'"), std::string::npos) << m;
  EXPECT_NE(m.find("nothing in it was executed"), std::string::npos) << m;
  // builtins.eval through STACK_GLOBAL (protocol 4) too.
  const std::string eval("\x80\x04\x8c\x08" "builtins\x8c\x04" "eval\x93.", 20);
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict(eval, "x"); }).find("'builtins.eval'"),
            std::string::npos);
  // Opcodes a state dict never has (INST, OBJ, NEWOBJ) are refused by name.
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict(std::string("\x80\x02\x81", 3), "x"); })
                .find("opcode 0x81"),
            std::string::npos);
  // Truncated input is an error, not a read past the end.
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict("\x80\x02X\xff\x00\x00\x00ab", "x"); })
                .find("truncated"),
            std::string::npos);
}

TEST(HfPickle, BuildsAStateDictOfTensors) {
  const auto root = engine::unpickle_state_dict(kStateDict, "x");
  ASSERT_EQ(root->kind, engine::PickleValue::Kind::kDict);
  ASSERT_EQ(root->items.size(), 2u);
  EXPECT_EQ(root->items[0]->text, "w");
  const auto& t = *root->items[1];
  ASSERT_EQ(t.kind, engine::PickleValue::Kind::kTensor);
  EXPECT_EQ(t.dtype, engine::HfDtype::kF16);
  EXPECT_EQ(t.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(t.stride, (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(t.storage->text, "0");
  EXPECT_EQ(t.storage->storage_numel, 6);
}

TEST(HfSafetensors, ReadsWhatItWritesAndRefusesTruncation) {
  TempDir tmp;
  const std::string path = tmp.file("m.safetensors");
  engine::write_safetensors(path, {{"a", {2, 3}}, {"b", {4}}}, engine::HfDtype::kBF16,
                            [](const engine::SafetensorsEntry& e, float* dst) {
                              for (int i = 0; i < (e.name == "a" ? 6 : 4); ++i) dst[i] = i * 0.5f;
                            });
  const auto map = engine::read_safetensors(path);
  ASSERT_EQ(map.size(), 2u);
  std::vector<float> a(6);
  engine::read_hf_tensor("a", map.at("a"), a.data());
  EXPECT_EQ(a, (std::vector<float>{0, 0.5f, 1, 1.5f, 2, 2.5f}));
  fs::resize_file(path, fs::file_size(path) - 3);
  const auto m = message_of([&] { engine::read_safetensors(path); });
  EXPECT_NE(m.find(path + ": truncated: tensor b"), std::string::npos) << m;
  tmp.write("bad.safetensors", std::string("\xff\xff\xff\xff\xff\xff\x00\x00{}", 10));
  EXPECT_NE(message_of([&] { engine::read_safetensors(tmp.file("bad.safetensors")); })
                .find("not a safetensors file"),
            std::string::npos);
}

TEST(HfPickle, RefusesSelfReferenceAndDeepNesting) {
  // A list appended to itself (memo 0 fetched back): a cycle no state dict has.
  const std::string cycle("\x80\x02]q\x00h\x00" "a.", 9);
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict(cycle, "x"); }).find("contains itself"),
            std::string::npos);
  // 200 nested lists: refused before freeing them could exhaust the stack.
  const std::string deep = "\x80\x02" + std::string(200, ']') + std::string(199, 'a') + ".";
  EXPECT_NE(message_of([&] { engine::unpickle_state_dict(deep, "x"); }).find("nested more than 100"),
            std::string::npos);
}

TEST(HfPickle, EveryDamagedVariantIsAnInputErrorOrAValue) {
  // Each byte replaced by a few values, and every truncation: the unpickler either builds a
  // value or throws InputError; it never reads out of bounds or throws anything else (the
  // sanitizer pass runs this test under ASan and UBSan).
  std::size_t refused = 0, built = 0;
  for (std::size_t i = 0; i < kStateDict.size(); ++i) {
    const int flipped = static_cast<unsigned char>(kStateDict[i]) ^ 0x20;
    for (const int b : {0x00, 0x01, 0x7f, 0x80, 0xff, flipped}) {
      std::string damaged = kStateDict;
      damaged[i] = static_cast<char>(b);
      try {
        engine::unpickle_state_dict(damaged, "x");
        ++built;
      } catch (const InputError&) {
        ++refused;
      }
    }
    EXPECT_THROW(engine::unpickle_state_dict(kStateDict.substr(0, i), "x"), InputError) << i;
  }
  EXPECT_GT(refused, kStateDict.size());
  EXPECT_GT(built, 0u);
}

TEST(HfSentencePiece, ReadsWhatItWritesAndNothingElse) {
  engine::TokenizerKeys k;
  k.tokens = {"<unk>", "<s>", "</s>", "\xE2\x96\x81the", "<0x0A>", "x"};
  k.scores = {0, 0, 0, -1.5f, 0, -7.25f};
  k.types = {2, 3, 3, 1, 6, 4};
  k.unk = 0, k.bos = 1, k.eos = 2;
  const std::string proto = engine::sentencepiece_model_proto(k);
  const auto m = engine::parse_sentencepiece_model(proto, "t.model");
  EXPECT_EQ(m.pieces, k.tokens);
  EXPECT_EQ(m.scores, k.scores);
  EXPECT_EQ(m.types, k.types);
  EXPECT_EQ(m.unk_id, 0);
  EXPECT_EQ(m.bos_id, 1);
  EXPECT_EQ(m.eos_id, 2);
  EXPECT_EQ(m.pad_id, -1);  // written as a ten-byte varint, read back negative

  EXPECT_NE(message_of([] { engine::parse_sentencepiece_model("", "t.model"); }).find("t.model: not a SentencePiece model: no pieces"),
            std::string::npos);
  EXPECT_NE(message_of([] { engine::parse_sentencepiece_model("{\"model\": 1}", "t.model"); })
                .find("not a SentencePiece model"),
            std::string::npos);
  std::size_t refused = 0;
  for (std::size_t i = 0; i < proto.size(); ++i) {
    for (const int b : {0x00, 0x7f, 0x80, 0xff}) {
      std::string damaged = proto;
      damaged[i] = static_cast<char>(b);
      try {
        engine::parse_sentencepiece_model(damaged, "t.model");
      } catch (const InputError&) {
        ++refused;
      }
    }
    if (i > 0) {
      try {
        engine::parse_sentencepiece_model(proto.substr(0, i), "t.model");
      } catch (const InputError&) {
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 0u);
}

}  // namespace
}  // namespace uniner

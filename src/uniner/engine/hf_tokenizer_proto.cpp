// A SentencePiece tokenizer.model from GGUF tokenizer metadata (hf_tokenizer.h). The protobuf
// is written by hand (Debian's libsentencepiece-dev ships no sentencepiece_model.pb.h): the few
// fields of sentencepiece_model.proto that a BPE vocabulary with byte fallback needs.
#include <cstring>

#include "engine/hf_tokenizer.h"
#include "uniner/error.h"

namespace uniner::engine {
namespace {

// Field numbers of sentencepiece_model.proto.
enum : int {
  kModelPieces = 1, kModelTrainerSpec = 2, kModelNormalizerSpec = 3,
  kPieceText = 1, kPieceScore = 2, kPieceType = 3,
  kTrainerModelType = 3, kTrainerVocabSize = 4, kTrainerByteFallback = 35,
  kTrainerUnkId = 40, kTrainerBosId = 41, kTrainerEosId = 42, kTrainerPadId = 43,
  kNormName = 1, kNormAddDummyPrefix = 3, kNormRemoveExtraWhitespaces = 4, kNormEscapeWhitespaces = 5,
};
constexpr int kBpe = 2;  // TrainerSpec.ModelType

class Proto {
 public:
  void varint_field(int field, std::int64_t v) {
    key(field, 0);
    varint(static_cast<std::uint64_t>(v));  // negative int32: ten bytes, as protobuf does
  }
  void float_field(int field, float v) {
    key(field, 5);
    char b[4];
    std::memcpy(b, &v, 4);  // little-endian, as every target of this code
    out_.append(b, 4);
  }
  void bytes_field(int field, const std::string& v) {
    key(field, 2);
    varint(v.size());
    out_ += v;
  }
  const std::string& str() const { return out_; }

 private:
  void key(int field, int wire) { varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

}  // namespace

std::string sentencepiece_model_proto(const TokenizerKeys& k) {
  if (k.model != "llama") {
    throw InputError("the vocabulary is '" + k.model +
                     "', not SentencePiece ('llama'): no tokenizer.model can be written for it");
  }
  Proto model;
  int byte_pieces = 0;
  for (std::size_t i = 0; i < k.tokens.size(); ++i) {
    Proto piece;
    piece.bytes_field(kPieceText, k.tokens[i]);
    piece.float_field(kPieceScore, k.scores[i]);
    piece.varint_field(kPieceType, k.types[i]);  // the same numbers as gguf-py's TokenType
    model.bytes_field(kModelPieces, piece.str());
    byte_pieces += k.types[i] == 6;
  }
  Proto trainer;
  trainer.varint_field(kTrainerModelType, kBpe);
  trainer.varint_field(kTrainerVocabSize, static_cast<std::int64_t>(k.tokens.size()));
  // SentencePiece refuses byte fallback unless all 256 byte pieces exist.
  trainer.varint_field(kTrainerByteFallback, byte_pieces == 256);
  trainer.varint_field(kTrainerUnkId, k.unk.value_or(0));
  trainer.varint_field(kTrainerBosId, k.bos.value_or(-1));
  trainer.varint_field(kTrainerEosId, k.eos.value_or(-1));
  trainer.varint_field(kTrainerPadId, k.pad.value_or(-1));
  model.bytes_field(kModelTrainerSpec, trainer.str());
  Proto norm;
  norm.bytes_field(kNormName, "identity");
  norm.varint_field(kNormAddDummyPrefix, k.add_space_prefix.value_or(true));
  norm.varint_field(kNormRemoveExtraWhitespaces, false);
  norm.varint_field(kNormEscapeWhitespaces, true);
  model.bytes_field(kModelNormalizerSpec, norm.str());
  return model.str();
}

}  // namespace uniner::engine

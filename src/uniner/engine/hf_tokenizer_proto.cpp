// SentencePiece's tokenizer.model (a protobuf ModelProto) read and written by hand
// (hf_tokenizer.h): the few fields of sentencepiece_model.proto a vocabulary needs. No protobuf
// library: libsentencepiece's bundled one clashes with libtorch's (see parse_sentencepiece_model).
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

// A bounds-checked reader of protobuf's wire format.
class Wire {
 public:
  Wire(std::string_view data, const std::string& source) : d_(data), source_(source) {}
  bool done() const { return pos_ >= d_.size(); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= d_.size()) bad("a number runs past the end");
      const auto b = static_cast<unsigned char>(d_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    bad("a number longer than 10 bytes");
  }
  std::string_view bytes(std::uint64_t n) {
    if (n > d_.size() - pos_) bad("a field runs past the end");
    const auto s = d_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  float fixed32_float() {
    const auto b = bytes(4);
    float f;
    std::memcpy(&f, b.data(), 4);
    return f;
  }
  // The next field's number and wire type; false at the end.
  bool field(int& number, int& wire) {
    if (done()) return false;
    const std::uint64_t key = varint();
    number = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
    if (number == 0) bad("a field numbered 0");
    return true;
  }
  void skip(int wire) {
    switch (wire) {
      case 0: varint(); return;
      case 1: bytes(8); return;
      case 2: bytes(varint()); return;
      case 5: bytes(4); return;
      default: bad("wire type " + std::to_string(wire) + " (not in a SentencePiece model)");
    }
  }
  [[noreturn]] void bad(const std::string& why) const {
    throw InputError(source_ + ": not a SentencePiece model: " + why);
  }

 private:
  std::string_view d_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

}  // namespace

SentencePieceModel parse_sentencepiece_model(std::string_view bytes, const std::string& source) {
  SentencePieceModel m;
  Wire w(bytes, source);
  int number = 0, wire = 0;
  while (w.field(number, wire)) {
    if (number == kModelPieces && wire == 2) {
      Wire p(w.bytes(w.varint()), source);
      std::string text;
      float score = 0;
      std::int32_t type = 1;  // NORMAL, the proto's default
      while (p.field(number, wire)) {
        if (number == kPieceText && wire == 2) {
          text = std::string(p.bytes(p.varint()));
        } else if (number == kPieceScore && wire == 5) {
          score = p.fixed32_float();
        } else if (number == kPieceType && wire == 0) {
          type = static_cast<std::int32_t>(p.varint());
        } else {
          p.skip(wire);
        }
      }
      m.pieces.push_back(std::move(text));
      m.scores.push_back(score);
      m.types.push_back(type);
    } else if (number == kModelTrainerSpec && wire == 2) {
      Wire t(w.bytes(w.varint()), source);
      while (t.field(number, wire)) {
        // int32 fields: a negative id is a ten-byte varint of its 64-bit two's complement.
        const auto id = [&] { return static_cast<std::int64_t>(static_cast<std::int32_t>(t.varint())); };
        if (wire == 0 && number == kTrainerUnkId) m.unk_id = id();
        else if (wire == 0 && number == kTrainerBosId) m.bos_id = id();
        else if (wire == 0 && number == kTrainerEosId) m.eos_id = id();
        else if (wire == 0 && number == kTrainerPadId) m.pad_id = id();
        else t.skip(wire);
      }
    } else {
      w.skip(wire);
    }
  }
  if (m.pieces.empty()) w.bad("no pieces");
  return m;
}

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

// The tokenizer of a Hugging Face LLaMA folder as GGUF metadata, the way llama.cpp's
// convert_hf_to_gguf.py writes it (_set_vocab_sentencepiece, then gguf-py's SpecialVocab), and
// back: a SentencePiece tokenizer.model made from GGUF metadata, for export to the HF layout.
// Private to engine/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hf_checkpoint.h"
#include "engine/model_file.h"

namespace uniner::engine {

// The parts of a SentencePiece ModelProto (tokenizer.model) a GGUF vocabulary needs.
struct SentencePieceModel {
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<std::int32_t> types;  // SentencePiece's: 1 normal, 2 unknown, 3 control,
                                    // 4 user-defined, 5 unused, 6 byte
  std::int64_t unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;  // TrainerSpec, its defaults
};

// Reads the protobuf by hand: Debian's libsentencepiece bundles and exports its own protobuf,
// whose symbols take the place of libtorch's libprotobuf and crash a process that loads both
// at start-up (a uniner built with the trainer). InputError naming `source` for bytes that are
// not a ModelProto with pieces.
SentencePieceModel parse_sentencepiece_model(std::string_view bytes, const std::string& source);

// tokenizer.model (SentencePiece, parse_sentencepiece_model), with added_tokens.json and
// tokenizer_config.json's added_tokens_decoder, add_bos_token, add_eos_token, add_prefix_space
// and chat_template where present; config.json's <type>_token_id for the special ids (else
// tokenizer_config.json's bos/eos/unk token texts, else the SentencePiece model's own ids).
// The token list has config.vocab_size entries ("[PAD<i>]" fills the ids the tokenizer lacks).
// InputError naming the file for a folder without tokenizer.model (the message says what to do
// with a tokenizer.json-only, BPE, folder) or a tokenizer.model SentencePiece cannot load.
TokenizerKeys read_hf_tokenizer(const std::string& dir, const HfConfig& config);

// A SentencePiece ModelProto (tokenizer.model bytes) holding these pieces, scores and types,
// model type BPE with byte fallback and LLaMA's normalizer (add a dummy prefix, escape spaces as
// U+2581, keep extra spaces), the special ids of `keys`. InputError when keys.model is not
// "llama" (only SentencePiece vocabularies are written this way).
std::string sentencepiece_model_proto(const TokenizerKeys& keys);

}  // namespace uniner::engine

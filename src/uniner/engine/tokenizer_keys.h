// Writing a TokenizerKeys (model_file.h) as GGUF metadata, as llama.cpp's convert_hf_to_gguf.py
// writes a SentencePiece vocabulary (_set_vocab_sentencepiece + SpecialVocab.add_to_gguf).
// Private to engine/.
#pragma once

#include <gguf.h>

#include "engine/model_file.h"

namespace uniner::engine {

// Sets tokenizer.ggml.* on `g`; InputError when the arrays differ in length or a special id is
// outside the vocabulary.
void set_tokenizer_keys(gguf_context* g, const TokenizerKeys& keys);

}  // namespace uniner::engine

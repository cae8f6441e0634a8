// train_vocab (vocab_training.h): read the corpus, count its words, learn the merges
// (bpe_merges.h), write a tokenizer-only GGUF like llama.cpp's ggml-vocab-*.gguf files.
#include "uniner/engine/vocab_training.h"

#include <gguf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "engine/bpe_merges.h"
#include "engine/gguf_keys.h"
#include "engine/model_file.h"
#include "engine/tokenizer_keys.h"
#include "format/json_records.h"
#include "uniner/error.h"
#include "uniner/format/conversation.h"

namespace uniner {
namespace {

constexpr std::size_t kSpecialTokens = 3;  // <unk>, <s>, </s>
constexpr std::size_t kByteTokens = 256;
const std::string kSpace = "\xE2\x96\x81";  // "▁", SentencePiece's visible space
constexpr std::size_t kMaxWordBytes = 256;

// Counts the words of one text as llama.cpp's SentencePiece tokenizer sees them: a space prefix,
// then every space becomes "▁" and starts a word. Control characters (newline, tab) stand alone:
// the tokenizer reaches them through the byte pieces or single characters, never merged.
void count_words(const std::string& text, std::unordered_map<std::string, std::int64_t>& words,
                 std::size_t& total) {
  std::string word = kSpace;  // add_space_prefix
  const auto flush = [&] {
    // A "word" longer than this (a URL, a base64 blob, a table without spaces) teaches no
    // piece worth having, and merging inside it would cost its length at every merge.
    if (word.empty() || word == kSpace || word.size() > kMaxWordBytes) return;
    ++words[word];
    ++total;
  };
  for (const char ch : text) {
    if (ch == ' ') {
      flush();
      word = kSpace;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      flush();
      ++words[std::string(1, ch)];
      word.clear();
    } else {
      word += ch;
    }
  }
  flush();
}

struct Corpus {
  std::unordered_map<std::string, std::int64_t> words;
  std::size_t texts = 0, total_words = 0;
  void add(const std::string& text) {
    ++texts;
    count_words(text, words, total_words);
  }
  void add_conversation(const ConversationRecord& r) {
    // The template's own words, as every prompt of this conversation carries them.
    add(prompt_prefix(""));
    std::string type;
    for (const auto& turn : r.conversations) {
      add(turn.value);
      if (turn.from == "human" && parse_type_question(turn.value, type)) add("USER: ASSISTANT:");
    }
  }
};

void read_input(const std::string& path, const VocabTrainingOptions& o, Corpus& corpus) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw InputError(path + ": cannot open: " + std::strerror(errno));
  std::size_t lines = 0;
  const JsonLayout layout = detect_json_layout(probe, lines);
  if (layout == JsonLayout::kArray) {
    std::ifstream in(path, std::ios::binary);
    for_each_conversation(in, path, o.strict,
                          [&](ConversationRecord&& r, std::size_t, std::size_t) {
                            corpus.add_conversation(r);
                          },
                          o.warning);
    return;
  }
  if (layout == JsonLayout::kEmpty) return;
  for_each_jsonl_record(
      probe, path, o.strict,
      [&](nlohmann::json& record, std::size_t line) {
        const auto text = record.find("text");
        const auto turns = record.find("conversations");
        if (text != record.end() && text->is_string()) {
          corpus.add(text->get<std::string>());
        } else if (turns != record.end() && turns->is_array()) {
          ConversationRecord r;
          for (const auto& t : *turns) {
            if (!t.is_object() || !t.contains("value") || !t["value"].is_string()) {
              throw InputError(where(path, line, "a turn without a string 'value'"));
            }
            r.conversations.push_back({t.value("from", ""), t["value"].get<std::string>()});
          }
          corpus.add_conversation(r);
        } else {
          throw InputError(where(path, line, "neither a string 'text' nor a 'conversations' list"));
        }
      },
      o.warning, lines);
}

std::string byte_piece(int b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "<0x%02X>", b);
  return buf;
}

engine::TokenizerKeys tokenizer_of(const engine::BpePieces& pieces) {
  engine::TokenizerKeys k;
  const auto add = [&](const std::string& text, float score, std::int32_t type) {
    k.tokens.push_back(text);
    k.scores.push_back(score);
    k.types.push_back(type);
  };
  add("<unk>", 0.0f, 2);
  add("<s>", 0.0f, 3);
  add("</s>", 0.0f, 3);
  for (int b = 0; b < 256; ++b) add(byte_piece(b), 0.0f, 6);
  std::unordered_set<std::string> taken(k.tokens.begin(), k.tokens.end());
  // llama.cpp merges the adjacent pair whose concatenation has the highest score first: scores
  // falling with the learning order replay the merges in that order.
  float score = 0.0f;
  for (const auto* list : {&pieces.characters, &pieces.merges}) {
    for (const auto& p : *list) {
      if (taken.insert(p).second) add(p, score, 1);
      score -= 1.0f;
    }
  }
  k.unk = 0, k.bos = 1, k.eos = 2;
  k.add_bos = true, k.add_eos = false, k.add_space_prefix = true;
  return k;
}

void write_vocab_file(const std::string& path, const engine::TokenizerKeys& tokenizer) {
  engine::GgufPtr g(gguf_init_empty());
  set_tokenizer_keys(g.get(), tokenizer);
  // The hyper-parameters a vocabulary-only load expects (as in llama.cpp's ggml-vocab files);
  // init-model drops them and writes the student's own.
  gguf_set_val_str(g.get(), "general.architecture", "llama");
  gguf_set_val_str(g.get(), "general.name", "uniner-vocab");
  const auto u32 = [&](const char* k, std::uint32_t v) { gguf_set_val_u32(g.get(), k, v); };
  u32("llama.vocab_size", static_cast<std::uint32_t>(tokenizer.tokens.size()));
  u32("llama.context_length", 2048), u32("llama.embedding_length", 64);
  u32("llama.block_count", 1), u32("llama.feed_forward_length", 172);
  u32("llama.attention.head_count", 4), u32("llama.rope.dimension_count", 16);
  gguf_set_val_f32(g.get(), "llama.attention.layer_norm_rms_epsilon", 1e-6f);
  const std::string tmp = path + ".tmp";
  if (!gguf_write_to_file(g.get(), tmp.c_str(), /*only_meta=*/false)) {
    std::remove(tmp.c_str());
    throw Error(path + ": write failed (disk full or no permission?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot rename " + tmp + " to it: " + std::strerror(errno));
  }
}

}  // namespace

VocabTrainingReport train_vocab(const VocabTrainingOptions& o) {
  const std::size_t reserved = kSpecialTokens + kByteTokens;
  if (o.size <= reserved) {
    throw InputError("vocabulary size " + std::to_string(o.size) + " leaves no room for pieces: " +
                     std::to_string(reserved) + " tokens are the special and byte pieces");
  }
  if (o.inputs.empty()) throw InputError("no input files");
  Corpus corpus;
  for (const auto& path : o.inputs) read_input(path, o, corpus);
  if (corpus.words.empty()) throw InputError("the inputs hold no text to learn pieces from");

  const engine::BpePieces pieces = engine::learn_bpe(corpus.words, o.size - reserved, o.min_count, o.separate_space);
  const engine::TokenizerKeys tokenizer = tokenizer_of(pieces);
  write_vocab_file(o.out_path, tokenizer);

  VocabTrainingReport r;
  r.texts = corpus.texts;
  r.words = corpus.total_words;
  r.distinct_words = corpus.words.size();
  r.characters = pieces.characters.size();
  r.merges = pieces.merges.size();
  r.tokens = tokenizer.tokens.size();
  r.corpus_pieces = pieces.corpus_pieces;
  return r;
}

}  // namespace uniner

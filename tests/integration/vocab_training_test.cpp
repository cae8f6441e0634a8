// train_vocab (uniner/engine/vocab_training.h) and `uniner train-vocab`: a vocabulary learnt from
// a synthetic corpus loads in llama.cpp, spells every text back exactly (the byte pieces cover
// what the pieces do not), keeps the merge rules, and makes a student init-model and extract use.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/engine_fixture.h"
#include "uniner/data/synthetic_world.h"
#include "uniner/engine/model.h"
#include "uniner/engine/model_init.h"
#include "uniner/engine/vocab.h"
#include "uniner/engine/vocab_training.h"
#include "uniner/error.h"

namespace uniner::testing {
namespace {

using nlohmann::json;

// Passages of a synthetic world as JSON Lines, and the same passages as conversations.
struct Corpus {
  std::string passages, conversations;
  std::vector<std::string> heldout;
};

Corpus write_corpus(const TempDir& dir) {
  const SyntheticWorld world(3);
  std::string lines;
  json convs = json::array();
  for (std::size_t i = 0; i < 150; ++i) {
    const auto p = world.passage(SynthSplit::kTrain, i);
    lines += json{{"id", p.id}, {"text", p.text}}.dump() + "\n";
    convs.push_back({{"id", p.id},
                     {"conversations",
                      {{{"from", "human"}, {"value", "Text: " + p.text}},
                       {{"from", "gpt"}, {"value", "I've read this text."}},
                       {{"from", "human"}, {"value", "What describes person in the text?"}},
                       {{"from", "gpt"}, {"value", "[\"Ann Lee\"]"}}}}});
  }
  Corpus c{dir.write("passages.jsonl", lines), dir.write("train.json", convs.dump()), {}};
  for (std::size_t i = 0; i < 20; ++i) c.heldout.push_back(world.passage(SynthSplit::kHeldOut, i).text);
  return c;
}

// The text the tokens spell, as a detokenizer does it (the space prefix dropped once).
std::string spell(const Vocab& v, const std::vector<TokenId>& ids) {
  std::string out;
  for (const auto id : ids) out += v.piece(id, /*render_special=*/false);
  if (!out.empty() && out[0] == ' ') out.erase(0, 1);
  return out;
}

bool mixes_letters_and_punctuation(std::string piece) {
  if (!piece.empty() && piece[0] == ' ') piece.erase(0, 1);
  bool letter = false, punct = false;
  for (const char ch : piece) {
    const auto c = static_cast<unsigned char>(ch);
    letter |= c >= 0x80 || std::isalpha(c);
    punct |= c < 0x80 && std::ispunct(c);
  }
  return letter && punct;
}

TEST(VocabTraining, LearntVocabularyLoadsAndSpellsEveryTextBack) {
  TempDir dir;
  const auto corpus = write_corpus(dir);
  VocabTrainingOptions o;
  o.inputs = {corpus.passages, corpus.conversations};
  o.out_path = dir.file("vocab.gguf");
  o.size = 800;
  const auto report = train_vocab(o);
  EXPECT_EQ(report.tokens, 800u);
  // The passages, then per conversation: the template's words, 4 turns, the question's skeleton.
  EXPECT_EQ(report.texts, 150u + 150u * 6u);
  EXPECT_GT(report.merges, 400u);
  EXPECT_LT(report.corpus_pieces, report.words * 3);

  const Vocab v = Vocab::load(o.out_path);
  EXPECT_EQ(v.size(), 800u);
  EXPECT_EQ(v.piece(v.eos()), "</s>");
  EXPECT_EQ(v.prompt_template().separator, "</s>");
  // Frequent template words are single pieces.
  EXPECT_EQ(v.count_tokens("describes"), 1u);
  // Held-out passages (names never in the corpus), and characters the corpus never had.
  std::vector<std::string> texts = corpus.heldout;
  texts.push_back("Zoë's café — 東京 🙂 \t tab\nnew line, \"quoted\" [\"list\"] 12,345.6");
  for (const auto& t : texts) {
    EXPECT_EQ(spell(v, v.tokenize(t, false, false)), t);
  }
  // The merge rule: no piece joins letters with punctuation (as SentencePiece splits scripts).
  for (std::size_t id = 3; id < v.size(); ++id) {
    EXPECT_FALSE(mixes_letters_and_punctuation(v.piece(static_cast<TokenId>(id)))) << id;
  }
  // The same corpus gives the same file.
  o.out_path = dir.file("again.gguf");
  train_vocab(o);
  EXPECT_EQ(read_file(dir.file("vocab.gguf")), read_file(o.out_path));
}

TEST(VocabTraining, SeparateSpaceKeepsTheSpaceAPieceOfItsOwn) {
  TempDir dir;
  const auto corpus = write_corpus(dir);
  VocabTrainingOptions o;
  o.inputs = {corpus.passages};
  o.out_path = dir.file("vocab.gguf");
  o.size = 600;
  o.separate_space = true;
  train_vocab(o);
  const Vocab v = Vocab::load(o.out_path);
  for (std::size_t id = 259; id < v.size(); ++id) {
    const auto p = v.piece(static_cast<TokenId>(id));
    EXPECT_TRUE(p == " " || p[0] != ' ') << "piece " << id << ": '" << p << "'";
  }
  // A word is the same pieces after a space and after a quote (as an answer item starts).
  auto word = v.tokenize("Candpaimkri", false, false);  // "▁" (the space prefix), then the word
  ASSERT_GE(word.size(), 3u);
  EXPECT_EQ(v.piece(word[0]), " ");
  word.erase(word.begin());
  const auto ends_with_word = [&](const std::vector<TokenId>& ids) {
    return ids.size() > word.size() &&
           std::equal(word.begin(), word.end(), ids.end() - static_cast<std::ptrdiff_t>(word.size()));
  };
  EXPECT_TRUE(ends_with_word(v.tokenize("It was Candpaimkri", false, false)));
  EXPECT_TRUE(ends_with_word(v.tokenize("[\"Candpaimkri", false, false)));
}

// A hostile corpus finishes at once: a 200,000-character "word" teaches no piece (words over 256
// bytes are left out of the merges) and still round-trips.
TEST(VocabTraining, AHugeWordIsLeftOutOfTheMergesAndStillSpelt) {
  TempDir dir;
  std::string blob(200000, 'a');
  for (std::size_t i = 0; i < blob.size(); i += 7) blob[i] = 'b';
  std::string lines = json{{"text", blob}}.dump() + "\n";
  for (int i = 0; i < 300; ++i) lines += json{{"text", "the cat sat"}}.dump() + "\n";
  VocabTrainingOptions o;
  o.inputs = {dir.write("odd.jsonl", lines)};
  o.out_path = dir.file("vocab.gguf");
  o.size = 600;
  const auto report = train_vocab(o);
  EXPECT_LT(report.merges, 20u);  // the pieces of "▁the", "▁cat", "▁sat" only
  const Vocab v = Vocab::load(o.out_path);
  EXPECT_EQ(v.count_tokens("the cat sat"), 3u);
  EXPECT_EQ(spell(v, v.tokenize(blob.substr(0, 5000), false, false)), blob.substr(0, 5000));
}

TEST(VocabTraining, StudentOnALearntVocabularyLoadsAndExtracts) {
  TempDir dir;
  const auto corpus = write_corpus(dir);
  VocabTrainingOptions o;
  o.inputs = {corpus.passages};
  o.out_path = dir.file("vocab.gguf");
  o.size = 500;
  train_vocab(o);
  InitModelOptions m;
  m.vocab_path = o.out_path;
  m.out_path = dir.file("student.gguf");
  m.dim = 32, m.layers = 1, m.heads = 2, m.ff = 64;
  init_model(m);
  const auto r = run_command(uniner_bin() + " extract -m " + shell_quote(m.out_path) +
                             " --text 'Ann Lee visited Paris.' --types person --max-new-tokens 8 --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"entities\""), std::string::npos) << r.out;
}

TEST(VocabTraining, BadInputIsExplained) {
  TempDir dir;
  const auto corpus = write_corpus(dir);
  VocabTrainingOptions o;
  o.inputs = {corpus.passages};
  o.out_path = dir.file("vocab.gguf");
  o.size = 200;  // fewer than the special and byte pieces
  EXPECT_THROW(train_vocab(o), InputError);
  o.size = 500;
  o.inputs = {dir.file("missing.jsonl")};
  EXPECT_THROW(train_vocab(o), InputError);
  o.inputs = {dir.write("empty.jsonl", "")};
  EXPECT_THROW(train_vocab(o), InputError);
  // A record with neither text nor conversations: skipped with a warning, or fatal when strict.
  o.inputs = {dir.write("mixed.jsonl", "{\"id\": 1, \"title\": \"no text\"}\n" +
                                           read_file(corpus.passages))};
  std::vector<std::string> warnings;
  o.warning = [&](const std::string& m) { warnings.push_back(m); };
  EXPECT_NO_THROW(train_vocab(o));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("mixed.jsonl:1"), std::string::npos) << warnings[0];
  o.strict = true;
  EXPECT_THROW(train_vocab(o), InputError);
  // The CLI refuses to write over its input.
  const auto r = run_command(uniner_bin() + " train-vocab -i " + shell_quote(corpus.passages) +
                             " -o " + shell_quote(corpus.passages));
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace uniner::testing

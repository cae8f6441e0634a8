// uniner train-vocab: a small SentencePiece-style vocabulary learnt from a corpus (a GGUF that
// init-model takes as --vocab), for students trained from scratch on one domain.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "flags.h"
#include "format/file_io.h"
#include "uniner/engine/vocab_training.h"

namespace uniner::cli {

Runner add_train_vocab_command(CLI::App& app) {
  struct Options {
    VocabTrainingOptions lib;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "train-vocab",
      "Learn a small vocabulary (byte-pair pieces) from passages or conversations, as a GGUF "
      "tokenizer for init-model --vocab");
  add_inputs(cmd, o->lib.inputs,
             "Passages (JSONL with \"text\") and/or conversations (build-data output)");
  cmd->add_option("-o,--output,--out", o->lib.out_path, "The vocabulary GGUF")->required();
  cmd->add_option("--size", o->lib.size,
                  "Tokens in all (3 special + 256 byte pieces + learnt pieces)")
      ->capture_default_str();
  cmd->add_option("--min-count", o->lib.min_count, "Stop when no pair occurs this often")
      ->capture_default_str();
  cmd->add_flag("--separate-space", o->lib.separate_space,
                "Keep the space before a word as a piece of its own (the same pieces for a word "
                "in a passage and in an answer; about one more token per word)");
  add_strict(cmd, o->lib.strict);
  add_quiet(cmd, o->quiet);
  return [o] {
    for (const auto& in : o->lib.inputs) refuse_same_file(in, o->lib.out_path);
    o->lib.warning = [](const std::string& m) { std::fprintf(stderr, "warning: %s\n", m.c_str()); };
    const VocabTrainingReport r = train_vocab(o->lib);
    if (!o->quiet) {
      std::fprintf(stderr,
                   "train-vocab: %zu tokens (%zu characters, %zu merged pieces) from %zu texts, "
                   "%zu words (%zu distinct); the corpus in %.2f pieces per word; wrote %s\n",
                   r.tokens, r.characters, r.merges, r.texts, r.words, r.distinct_words,
                   r.words ? static_cast<double>(r.corpus_pieces) / static_cast<double>(r.words) : 0.0,
                   o->lib.out_path.c_str());
    }
    return 0;
  };
}

}  // namespace uniner::cli

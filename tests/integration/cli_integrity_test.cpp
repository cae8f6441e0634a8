// What every subcommand guarantees about its files and its command line: a failed write (a full
// disk: /dev/full) is exit 1 naming the file, an output over its own input is refused before
// anything is written, a directory given as a file is exit 2 naming it; usage errors look like
// every other error; shared flags are spelled the same everywhere.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/engine_fixture.h"
#include "support/test_support.h"
#include "uniner/engine/model.h"

namespace uniner {
namespace {

using testing::read_file;
using testing::run_command;
using testing::TempDir;

const std::string kNoSpace = "write failed: No space left on device";

class CliIntegrity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    model_ = dir_->file("m.gguf");
    const auto r = run_command(bin() + " init-model --vocab " + vocab() + " --output " + model_ +
                               " --dim 32 --layers 1 --heads 2 --ff 64");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    gold_ = dir_->write(
        "gold.json",
        R"([{"id": "g1", "conversations": [{"from": "human", "value": "Text: Ann met Bob."}, )"
        R"({"from": "gpt", "value": "I've read this text."}, {"from": "human", "value": )"
        R"("What describes person in the text?"}, {"from": "gpt", "value": "[\"Ann\"]"}]}])");
    pred_ = dir_->write("pred.jsonl", "{\"id\": \"g1\", \"prediction\": \"[\\\"Ann\\\"]\"}\n");
    annotations_ = dir_->write(
        "ann.jsonl",
        R"({"id": "a1", "text": "Ann met Bob in Paris.", "entities": [["Ann", "person"], )"
        R"(["Paris", "city"]], "status": "ok"})"
        "\n");
    conll_ = dir_->write("c.conll", "Ann B-PER\nmet O\nParis B-LOC\n\n");
    corpus_ = dir_->write("corpus.txt", "Ann met Bob in Paris. They talked.\n");
    passages_ = dir_->write("p.txt", "Ann met Bob in Paris.\n");
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string bin() { return testing::uniner_bin(); }
  static std::string vocab() { return testing::llama_vocab_path(); }

  // Every command that writes, with its output flag last (the output is appended).
  static std::vector<std::pair<std::string, std::string>> writers() {
    const std::string u = bin();
    return {
        {"extract", u + " extract -q -t 1 -m " + model_ +
                        " --max-new-tokens 2 --text 'Ann met Bob.' --types person -o "},
        {"eval", u + " eval --gold " + gold_ + " --pred " + pred_ + " -o "},
        {"stats", u + " stats -i " + annotations_ + " -o "},
        {"prompt", u + " prompt --text x --type y -o "},
        {"passages", u + " passages -i " + corpus_ + " --vocab " + vocab() + " -o "},
        {"build-data", u + " build-data -i " + annotations_ + " -o "},
        {"convert", u + " convert -i " + conll_ + " -o "},
        {"init-model",
         u + " init-model --vocab " + vocab() + " --dim 32 --layers 1 --heads 2 --ff 64 -o "},
        {"merge", u + " merge -i " + pred_ + " -o "},
        {"export", u + " export -m " + model_ + " --quantize q8_0 -o "},
        {"export --outtype", u + " export -m " + model_ + " --outtype f16 -o "},
    };
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::string model_, gold_, pred_, annotations_, conll_, corpus_, passages_;
};

TEST_F(CliIntegrity, AFullDiskIsExitOneNamingTheFile) {
  for (const auto& [name, cmd] : writers()) {
    const auto r = run_command(cmd + "/dev/full");
    EXPECT_EQ(r.exit_code, 1) << name << ": " << r.err;
    EXPECT_NE(r.err.find("uniner: error: /dev/full: " + kNoSpace), std::string::npos)
        << name << ": " << r.err;
    // a model file is never written to stdout
    if (name == "init-model" || name.rfind("export", 0) == 0) continue;
    const auto s = run_command("(" + cmd + "- >/dev/full)");
    EXPECT_EQ(s.exit_code, 1) << name << " to stdout: " << s.err;
    EXPECT_NE(s.err.find("uniner: error: standard output: " + kNoSpace), std::string::npos)
        << name << " to stdout: " << s.err;
  }
}

TEST_F(CliIntegrity, AnOutputOverItsInputIsRefusedAndTheInputKept) {
  TempDir dir;
  const std::string u = bin();
  const auto copy = [&](const std::string& from, const std::string& name) {
    return dir.write(name, read_file(from));
  };
  const std::string a = copy(annotations_, "a.jsonl"), p = copy(passages_, "p.txt");
  const std::string c = copy(conll_, "c.conll"), t = copy(corpus_, "t.txt");
  const std::string s = copy(pred_, "s.jsonl");
  const std::string m = copy(model_, "m.gguf"), v = copy(vocab(), "v.gguf");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {u + " build-data --input " + a + " --output " + a, a},
      {u + " build-data -i " + a + " -o " + dir.file("x.json") +
           " --dev-fraction 0.5 "
           "--dev-output " +
           a,
       a},
      {u + " stats -i " + a + " -o " + a, a},
      {u + " convert -i " + c + " -o " + c, c},
      {u + " passages --input " + t + " --output " + t + " --vocab " + vocab(), t},
      {u + " extract -m " + model_ + " --types person -i " + p + " -o " + p, p},
      {u + " merge -i " + s + " -o " + s, s},
      {u + " eval --gold " + gold_ + " --pred " + s + " -o " + s, s},
      {u + " export -m " + m + " --quantize q8_0 -o " + m, m},
      {u + " export -m " + m + " --outtype bf16 -o " + m, m},
      {u + " init-model --vocab " + v + " -o " + v, v},
  };
  for (const auto& [cmd, file] : cases) {
    const std::string before = read_file(file);
    const auto r = run_command(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("is also the input"), std::string::npos) << cmd << ": " << r.err;
    EXPECT_EQ(read_file(file), before) << cmd;
  }
  // Through another name (a link) too.
  std::filesystem::create_symlink(a, dir.file("link.jsonl"));
  const auto r = run_command(u + " stats -i " + a + " -o " + dir.file("link.jsonl"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(CliIntegrity, ADirectoryAsInputIsExitTwoNamingIt) {
  TempDir dir;
  const std::string d = dir.file("sub");
  std::filesystem::create_directory(d);
  const std::vector<std::string> cmds = {
      bin() + " extract -m " + model_ + " --types person -i " + d,
      bin() + " eval --gold " + d + " --pred " + pred_,
      bin() + " eval --gold " + gold_ + " --pred " + d,
      bin() + " stats -i " + d,
      bin() + " build-data -i " + d,
      bin() + " convert -i " + d,
      bin() + " merge -i " + d,
      bin() + " export -m " + d + " --quantize q8_0 -o " + dir.file("x.gguf"),
      bin() + " export -m " + model_ + " --quantize q8_0 -o " + d,
      bin() + " init-model --vocab " + d + " -o " + dir.file("x.gguf"),
      bin() + " init-model --vocab " + vocab() + " -o " + d,
  };
  for (const auto& cmd : cmds) {
    const auto r = run_command(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("uniner: error: " + d + ": is a directory"), std::string::npos)
        << cmd << ": " << r.err;
  }
  const auto out = run_command(bin() + " stats -i " + annotations_ + " -o " + d);
  EXPECT_EQ(out.exit_code, 2) << out.err;
  EXPECT_NE(out.err.find(d + ": is a directory"), std::string::npos) << out.err;
}

TEST_F(CliIntegrity, UsageErrorsHaveThePrefixAndExitTwoHelpExitsZero) {
  for (const std::string args : {" extract --bogus", " stats", " frobnicate", " eval --gold"}) {
    const auto r = run_command(bin() + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err.rfind("uniner: error: ", 0), 0u) << args << ": " << r.err;
    EXPECT_NE(r.err.find("Run with --help for more information."), std::string::npos) << r.err;
  }
  const auto help = run_command(bin() + " stats --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("-i,--input"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("POSITIONALS"), std::string::npos) << "one way to name the input";

  const auto zero =
      run_command(bin() + " passages -i " + corpus_ + " --vocab " + vocab() + " --max-tokens 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--max-tokens: must be a positive whole number, got '0'"),
            std::string::npos)
      << zero.err;
  EXPECT_LT(zero.err.size(), 200u) << "no 309-digit range: " << zero.err;
}

TEST_F(CliIntegrity, SharedFlagsAreSpelledTheSameEverywhere) {
  for (const std::string cmd : {"extract", "eval", "stats", "prompt", "passages", "build-data",
                                "convert", "init-model", "merge", "export"}) {
    const auto help = run_command(bin() + " " + cmd + " --help").out;
    EXPECT_NE(help.find("-o,--output"), std::string::npos) << cmd << "\n" << help;
  }
  for (const std::string cmd : {"extract", "stats", "passages", "build-data", "convert", "merge"}) {
    const auto help = run_command(bin() + " " + cmd + " --help").out;
    EXPECT_NE(help.find("-i,--input"), std::string::npos) << cmd << "\n" << help;
    if (cmd != "merge") {
      EXPECT_NE(help.find("-q,--quiet"), std::string::npos) << cmd << "\n" << help;
    }
  }
  const auto help = run_command(bin() + " extract --help").out;
  for (const char* flag : {"-m,--model", "-t,--threads", "-c,--ctx-size", "-b,--batch-size",
                           "-p,--parallel", "-g,--gpu-layers,--n-gpu-layers", "--strict"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag << "\n" << help;
  }
  EXPECT_NE(help.find("--max-new-tokens INT:POSITIVE=256"), std::string::npos)
      << "defaults come from the library's options\n"
      << help;
}

TEST_F(CliIntegrity, GpuLayersAcceptLlamaCppSpellingsAndWarnWithoutAGpu) {
  const std::string base = bin() + " extract -q -t 1 -m " + model_ +
                           " --max-new-tokens 2 --text 'Ann met Bob.' --types person ";
  for (const std::string flag :
       {"-g 99", "--gpu-layers 99", "--n-gpu-layers 99", "-ngl 99", "-ngl=99"}) {
    const auto r = run_command(base + flag);
    EXPECT_EQ(r.exit_code, 0) << flag << ": " << r.err;
    const bool warned = r.err.find("no GPU backend") != std::string::npos;
    EXPECT_EQ(warned, !gpu_offload_supported()) << flag << ": " << r.err;
  }
  const auto zero = run_command(base + "-ngl 0");
  EXPECT_EQ(zero.err.find("no GPU backend"), std::string::npos) << zero.err;
}

}  // namespace
}  // namespace uniner

// Helpers of the Hugging Face import/export tests: the Python reference (hf_reference.py, with
// python3-torch and python3-sentencepiece) that makes tiny HF folders and computes the HF forward
// pass, and the comparison of its logits with llama.cpp's.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "uniner/engine/model.h"
#include "uniner/engine/scoring.h"

namespace uniner::testing {

inline const char* kPython3 = "/usr/bin/python3";

inline std::string hf_script() {
  return std::string(UNINER_SOURCE_DIR) + "/tests/support/hf_reference.py";
}

// Empty when the reference can run, else why not (the tests then skip, saying so).
inline std::string hf_reference_missing() {
  static const std::string why = [] {
    const auto r = run_command(std::string(kPython3) + " -c 'import torch, sentencepiece'");
    return r.exit_code == 0 ? std::string()
                            : std::string(kPython3) + " with python3-torch and python3-sentencepiece "
                                                      "is absent (scripts/install-deps.sh installs them)";
  }();
  return why;
}

#define UNINER_REQUIRE_HF_REFERENCE()                                         \
  do {                                                                        \
    const std::string why_ = ::uniner::testing::hf_reference_missing();      \
    if (!why_.empty()) GTEST_SKIP() << "Python reference skipped: " << why_; \
  } while (0)

// Runs hf_reference.py with these arguments; the test fails when it does.
inline CommandResult hf_reference(const std::string& args) {
  auto r = run_command(std::string(kPython3) + " " + hf_script() + " " + args);
  EXPECT_EQ(r.exit_code, 0) << "hf_reference.py " << args << "\n" << r.out << r.err;
  return r;
}

// The HF forward pass's logits [tokens][vocab] over the folder's weights.
inline std::vector<std::vector<double>> reference_logits(const TempDir& tmp, const std::string& dir,
                                                         const std::vector<TokenId>& tokens) {
  const std::string in = tmp.write("tokens.json", nlohmann::json(tokens).dump());
  const std::string out = tmp.file("logits.json");
  hf_reference("logits " + shell_quote(dir) + " " + in + " " + out);
  return nlohmann::json::parse(read_file(out)).get<std::vector<std::vector<double>>>();
}

// The largest |llama.cpp - reference| over every position and token of the model's logits.
inline double max_logit_difference(const std::string& gguf,
                                   const std::vector<std::vector<double>>& reference,
                                   const std::vector<TokenId>& tokens) {
  ModelOptions mo;
  mo.threads = 1;
  const Model model = Model::load(gguf, mo);
  const std::size_t n_vocab = model.vocab().size();
  const auto logits = sequence_logits(model, tokens);
  EXPECT_EQ(reference.size(), tokens.size());
  double worst = 0;
  for (std::size_t t = 0; t < reference.size(); ++t) {
    EXPECT_EQ(reference[t].size(), n_vocab);
    for (std::size_t v = 0; v < std::min(n_vocab, reference[t].size()); ++v) {
      worst = std::max(worst, std::fabs(logits[t * n_vocab + v] - reference[t][v]));
    }
  }
  return worst;
}

}  // namespace uniner::testing

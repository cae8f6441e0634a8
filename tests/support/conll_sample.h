// A small CoNLL-2003 style sample (four columns, -DOCSTART-, IOB1 tags, non-ASCII tokens) that the
// CoNLL reader and the supervised-data tests share.
#pragma once

namespace uniner::testing {

inline const char* kConll =
    "-DOCSTART- -X- -X- O\n"
    "\n"
    "EU NNP B-NP B-ORG\n"
    "rejects VBZ B-VP O\n"
    "German JJ B-NP B-MISC\n"
    "call NN I-NP O\n"
    "to TO B-VP O\n"
    "boycott VB I-VP O\n"
    "British JJ B-NP B-MISC\n"
    "lamb NN I-NP O\n"
    ". . O O\n"
    "\n"
    "Peter NNP B-NP B-PER\n"
    "Blackburn NNP I-NP I-PER\n"
    "\n"
    "\n"
    "Caf\xC3\xA9 NNP B-NP I-LOC\n"
    "Z\xC3\xBCrich NNP I-NP I-LOC\n"
    "and CC O O\n"
    "Peter NNP B-NP I-PER\n"
    "and CC O O\n"
    "Peter NNP B-NP I-PER\n";

}  // namespace uniner::testing

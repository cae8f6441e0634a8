// Uses only the installed public headers and libuniner.so: the prompt template, the official
// metric, and extraction with a tiny random model it makes itself. Exit 0 when all checks hold.
//   consumer <vocab.gguf> <work dir>
#include <uniner/engine/extractor.h>
#include <uniner/engine/model_init.h>
#include <uniner/error.h>
#include <uniner/eval/metric.h>
#include <uniner/format/conversation.h>

#include <cstdio>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer <vocab.gguf> <work dir>\n");
    return 2;
  }
  const std::string prompt = uniner::inference_prompt("Paris is lovely.", "location");
  check(prompt ==
            "A virtual assistant answers questions from a user based on the provided text. "
            "USER: Text: Paris is lovely. ASSISTANT: I've read this text.</s>USER: What "
            "describes location in the text? ASSISTANT:",
        "inference prompt, byte for byte");

  const auto counts = uniner::official_counts(R"(["Paris", "Lyon"])", R"(["paris", "Nice"])");
  const auto scores = uniner::scores_of(counts);
  check(counts.correct == 1 && counts.predicted == 2 && counts.gold == 2, "official counts");
  check(scores.f1 > 0.499 && scores.f1 < 0.501, "official F1 = 0.5");

  try {
    uniner::InitModelOptions init;
    init.vocab_path = argv[1];
    init.out_path = std::string(argv[2]) + "/tiny.gguf";
    init.seed = 7;
    uniner::init_model(init);

    uniner::ModelOptions mo;
    mo.threads = 1;
    mo.context_size = 1024;
    auto model = uniner::Model::load(init.out_path, mo);
    uniner::ExtractOptions eo;
    eo.max_new_tokens = 4;
    uniner::Extractor extractor(model, eo);
    const auto r = extractor.extract({"doc1", "Aspirin is made by Bayer.", {"drug", "company"}});
    check(r.error.empty(), "extraction ran");
    check(r.raw.size() == 2, "one raw answer per type");
    for (const auto& e : r.entities)
      if (e.found) check(e.span.byte_end <= 25, "entity offsets inside the passage");
  } catch (const uniner::Error& e) {
    std::fprintf(stderr, "uniner error: %s\n", e.what());
    return 1;
  }
  return failures == 0 ? 0 : 1;
}

// RAII owners for llama.cpp handles, and the one-time backend setup. Private to engine/.
#pragma once

#include <llama.h>

#include <memory>
#include <string>

namespace uniner::engine {

struct ModelDeleter {
  void operator()(llama_model* m) const { llama_model_free(m); }
};
struct ContextDeleter {
  void operator()(llama_context* c) const { llama_free(c); }
};
using ModelPtr = std::unique_ptr<llama_model, ModelDeleter>;
using ContextPtr = std::unique_ptr<llama_context, ContextDeleter>;

// A llama_batch with its own storage.
class Batch {
 public:
  Batch(int capacity, int max_seq_per_token)
      : batch_(llama_batch_init(capacity, 0, max_seq_per_token)), capacity_(capacity) {}
  ~Batch() { llama_batch_free(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void clear() { batch_.n_tokens = 0; }
  int size() const { return batch_.n_tokens; }
  int capacity() const { return capacity_; }
  // Appends one token of one sequence; returns its index in the batch.
  int add(llama_token token, llama_pos pos, llama_seq_id seq, bool want_logits) {
    const int i = batch_.n_tokens++;
    batch_.token[i] = token;
    batch_.pos[i] = pos;
    batch_.n_seq_id[i] = 1;
    batch_.seq_id[i][0] = seq;
    batch_.logits[i] = want_logits;
    return i;
  }
  // A view of [first, first + n) for llama_decode.
  llama_batch view(int first, int n) const {
    llama_batch v = batch_;
    v.n_tokens = n;
    v.token += first;
    v.pos += first;
    v.n_seq_id += first;
    v.seq_id += first;
    v.logits += first;
    return v;
  }
  const llama_batch& get() const { return batch_; }

 private:
  llama_batch batch_;
  int capacity_;
};

// llama_backend_init once per process; llama.cpp's logs are silenced below errors unless
// UNINER_LLAMA_LOG=1 is set.
void ensure_backend();

// While alive, the error messages llama.cpp logs on this thread are kept here instead of being
// printed, so that a failure becomes an exception with its reason (export's quantizer).
class ErrorLogCapture {
 public:
  ErrorLogCapture();
  ~ErrorLogCapture();
  ErrorLogCapture(const ErrorLogCapture&) = delete;
  ErrorLogCapture& operator=(const ErrorLogCapture&) = delete;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string* previous_;
};

// Loads a model file with the given params; throws Error naming the file and the reason.
ModelPtr load_model_file(const std::string& path, const llama_model_params& params);

}  // namespace uniner::engine

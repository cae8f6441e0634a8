// The resumable teacher-annotation job: every passage of a JSON Lines file goes to a teacher LLM
// through an OpenAI-compatible API with the data-construction prompt (docs/recipe.md section 1),
// and one record per passage is appended to the output as answers arrive.
//
//   uniner::AnnotateOptions o;
//   o.input = "passages.jsonl";             // {"id": ..., "text": ...} per line
//   o.output = "annotations.jsonl";         // appended; read back to resume
//   o.chat.base_url = "http://127.0.0.1:8000/v1";
//   o.chat.model = "my-model";
//   uniner::AnnotateCallbacks cb;
//   cb.warning = [](const std::string& m) { std::cerr << m << '\n'; };
//   auto stats = uniner::annotate(o, cb);
//
// Output record, one line each (uniner::AnnotationRecord, uniner/format/annotated_passage.h,
// writes and reads it):
//   {"id": <input id>, "text": "...", "entities": [["entity", "type"], ...], "raw": "<answer>",
//    "status": "ok" | "parse_error" | "failed", "error": "<reason>" (not when ok),
//    "usage": {"prompt_tokens": N, "completion_tokens": N},
//    "unfound": [indexes of entities not found in the text], "skipped": N (tuples not kept),
//    "finish_reason": "stop" | "length" | ... (when the server says)}
// status: ok = a list was parsed (possibly empty); parse_error = an answer arrived but held no
// usable (entity, type) list; failed = no answer (the error says why: HTTP status and message,
// timeout, truncated or non-JSON response...), entities [] and raw "".
//
// Resuming: the output is scanned first; passages whose id already has a record are skipped, a
// torn last line left by a kill (no final newline, starting like a record) is truncated away, so
// running the same call again after a crash finishes the job with each passage exactly once.
// "failed" records count as done unless `retry_failed` (then they are removed and asked again).
// Any other line that is not a record, the last one included, stops the job before anything is
// written (InputError naming the line; the file is left untouched).
//
// One job per output: the job holds an exclusive lock (flock on "<output>.lock", removed at the
// end) while it runs; a second job on the same output throws InputError ("<output>: another
// uniner annotate is writing it (pid N on host H)") before touching it.
//
// Sharding: with `shard` K/N, only the passages whose id (as text: a string id, or a number's
// JSON text) falls in shard K of N (uniner::Shard, FNV-1a of the id) are asked; the N jobs
// K = 0..N-1, each with its own output, cover the input exactly once, and each resumes on its
// own output.
//
// Errors: InputError for bad options, an unreadable input, an output that is the input, a
// directory or stdout, or is locked or damaged; a bad input line is reported through `warning`
// ("file:line: reason") and skipped. Error when the job cannot go on: the output cannot be written
// ("<output>: write failed: <reason>", e.g. a full disk), the server refuses the key, URL or
// model (HTTP 401/403/404: all other requests would fail the same way), or
// `max_consecutive_failures` passages in a row failed. Records written before the error are kept
// (re-running resumes).
//
// Ownership: options and stats are plain values; the job owns its worker threads, chat clients
// and the output file for the duration of annotate(), which blocks. The callbacks are called on
// the calling thread only, so they need no locking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "uniner/format/shard.h"
#include "uniner/teacher/chat_client.h"
#include "uniner/teacher/teacher_prompt.h"

namespace uniner {

struct AnnotateOptions {
  std::string input;   // passages JSONL {"id", "text"}; "-" = stdin
  std::string output;  // records JSONL, appended (a regular file, never stdout)
  ChatOptions chat;    // endpoint, model, key, sampling, timeout and retries
  PromptVariant variant = PromptVariant::kType;  // which data-construction prompt
  int concurrency = 8;          // requests in flight (one worker thread and connection each)
  bool retry_failed = false;    // remove "failed" records of earlier runs and ask again
  std::size_t sync_every = 64;  // fsync the output every N records (and at least every second)
  std::size_t max_consecutive_failures = 20;  // stop after N failed passages in a row (0 = never)
  Shard shard;  // only the passages whose id is in this shard (K/N); default: all of them
};

// Counters of a job; given to the progress callback while it runs and returned at the end.
struct AnnotateStats {
  std::size_t total = 0;            // non-blank input lines (0 when unknown: stdin)
  std::size_t resumed = 0;          // passages already in the output, skipped
  std::size_t written = 0;          // records written by this run
  std::size_t ok = 0;               // ... of which status ok
  std::size_t parse_error = 0;      // ... status parse_error
  std::size_t failed = 0;           // ... status failed
  std::size_t bad_input = 0;        // input lines reported and skipped
  std::size_t other_shards = 0;     // passages of the other shards (`shard`), skipped
  std::size_t in_flight = 0;        // passages being asked right now
  std::size_t requests = 0;         // HTTP requests made (retries included)
  std::uint64_t prompt_tokens = 0;  // usage reported by the server, summed
  std::uint64_t completion_tokens = 0;
  double elapsed_s = 0;  // wall time since the job started

  // Input lines accounted for so far (resumed + written + bad input + other shards).
  std::size_t processed() const { return resumed + written + bad_input + other_shards; }
  // Records written per second of this run.
  double passages_per_s() const { return elapsed_s > 0 ? written / elapsed_s : 0; }
  // HTTP requests per second of this run.
  double requests_per_s() const { return elapsed_s > 0 ? requests / elapsed_s : 0; }
};

struct AnnotateCallbacks {
  // Called from the calling thread a few times a second while the job runs; may be empty.
  std::function<void(const AnnotateStats&)> progress;
  // A skipped input line ("file:line: reason") or a repaired output; may be empty.
  std::function<void(const std::string&)> warning;
  // Information worth one line: what was resumed; may be empty.
  std::function<void(const std::string&)> notice;
};

// Runs the job to its end (see the top of this file). Blocks; uses `concurrency` threads.
AnnotateStats annotate(const AnnotateOptions& options, const AnnotateCallbacks& callbacks = {});

}  // namespace uniner

#include <sys/stat.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>

#include "format/file_io.h"
#include "format/json_records.h"
#include "teacher/annotation_store.h"
#include "text/utf8.h"
#include "uniner/data/teacher_output.h"
#include "uniner/error.h"
#include "uniner/format/annotated_passage.h"
#include "uniner/format/records.h"
#include "uniner/teacher/annotate.h"

namespace uniner {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Task {
  std::string id;  // the id as text (a string id, or a number's JSON text)
  bool id_is_number = false;
  std::string text;
};

// What workers and the reader tell the writing thread.
struct Event {
  enum class Kind { kRecord, kWarning, kFatal, kDone } kind = Kind::kRecord;
  std::string line;    // kRecord: the JSON line; kWarning / kFatal: the message
  std::string status;  // kRecord: ok, parse_error or failed
  std::string error;   // kRecord: the reason of a failure
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
};

Event message_event(Event::Kind kind, std::string message) {
  Event e;
  e.kind = kind;
  e.line = std::move(message);
  return e;
}

// A blocking FIFO; pop() returns nullopt once closed and drained. `capacity` 0 = unbounded.
template <class T>
class Channel {
 public:
  explicit Channel(std::size_t capacity = 0) : capacity_(capacity) {}

  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || capacity_ == 0 || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return take();
  }

  // Like pop(), giving up after `timeout` (nullopt).
  std::optional<T> pop_for(Clock::duration timeout) {
    std::unique_lock lock(mutex_);
    not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    return take();
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::optional<T> take() {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  std::size_t capacity_;
  bool closed_ = false;
};

// Non-blank lines of a regular file, for the progress total; 0 when unknown.
std::size_t count_input_lines(const std::string& path) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  auto in = open_input(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(*in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  }
  return n;
}

// One input line as a task, or the reason it is not one.
std::optional<Task> read_task(std::string& text, const std::string& path, std::size_t line_no,
                              std::string& problem) {
  if (auto bad = find_invalid_utf8(text)) {
    problem = where(path, line_no,
                    "invalid UTF-8 at byte " + std::to_string(bad->byte_offset) +
                        " of the line: " + bad->reason);
    return std::nullopt;
  }
  json j;
  try {
    j = parse_json_value(text, path, line_no);
  } catch (const InputError& e) {
    problem = e.what();
    return std::nullopt;
  }
  if (!j.is_object()) {
    problem = where(path, line_no, "expected a JSON object");
    return std::nullopt;
  }
  Task task;
  try {
    task.id = id_of(j, path, line_no);
  } catch (const InputError& e) {
    problem = e.what();
    return std::nullopt;
  }
  task.id_is_number = j["id"].is_number();
  const auto t = j.find("text");
  if (t == j.end() || !t->is_string()) {
    problem = where(path, line_no, "missing string 'text' (id " + task.id + ")");
    return std::nullopt;
  }
  task.text = t->get<std::string>();
  if (task.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    problem = where(path, line_no, "empty 'text' (id " + task.id + ")");
    return std::nullopt;
  }
  return task;
}

// The output record of one passage.
Event make_record(const Task& task, const ChatResult& r) {
  Event e;
  AnnotationRecord rec;
  rec.id = task.id;
  rec.id_is_number = task.id_is_number;
  rec.text = task.text;
  if (r.ok) {
    const TeacherOutput out = parse_teacher_output(r.content);
    for (const auto& entity : out.entities) rec.entities.push_back({entity.entity, entity.type});
    rec.skipped = out.skipped();
    rec.unfound = find_unlocated(task.text, out.entities);
    if (!out.parsed) {
      rec.status = "parse_error";
      rec.error = "no list of (entity, type) tuples in the answer";
    } else if (out.entities.empty() && rec.skipped > 0) {
      rec.status = "parse_error";
      rec.error =
          "no usable (entity, type) pair: " + std::to_string(rec.skipped) + " elements skipped";
    } else {
      rec.status = "ok";
    }
  } else {
    rec.status = "failed";
    rec.error = r.error;
  }
  rec.raw = r.content;
  rec.prompt_tokens = r.prompt_tokens;
  rec.completion_tokens = r.completion_tokens;
  rec.finish_reason = r.finish_reason;
  e.line = to_json_line(rec);
  e.status = rec.status;
  e.error = rec.error;
  e.prompt_tokens = r.prompt_tokens;
  e.completion_tokens = r.completion_tokens;
  return e;
}

}  // namespace

AnnotateStats annotate(const AnnotateOptions& options, const AnnotateCallbacks& callbacks) {
  const auto start = Clock::now();
  if (options.concurrency < 1 || options.concurrency > 1024) {
    throw InputError("concurrency must be 1 to 1024 requests in flight, got " +
                     std::to_string(options.concurrency));
  }
  const auto warn = [&](const std::string& m) {
    if (callbacks.warning) callbacks.warning(m);
  };
  const auto notice = [&](const std::string& m) {
    if (callbacks.notice) callbacks.notice(m);
  };

  // Everything that can be refused is checked before any thread starts.
  std::atomic<bool> stop{false};
  ChatOptions chat = options.chat;
  chat.cancel = &stop;
  std::vector<ChatClient> clients;
  for (int i = 0; i < options.concurrency; ++i) clients.emplace_back(chat);
  refuse_same_file(options.input, options.output);
  auto input = open_input(options.input);
  teacher::AnnotationStore store(options.output, options.retry_failed, options.sync_every);
  const auto& scan = store.scan();
  if (scan.torn_bytes > 0) {
    warn(options.output + ": removed a torn last line (" + std::to_string(scan.torn_bytes) +
         " bytes) left by an interrupted run");
  }
  if (scan.added_newline) {
    warn(options.output + ": the last record had no final newline (an interrupted run); added it");
  }
  if (scan.dropped_failed > 0) {
    notice(options.output + ": removed " + std::to_string(scan.dropped_failed) +
           " failed records to ask again");
  }
  if (scan.records > 0) {
    notice(options.output + ": resuming after " + std::to_string(scan.records) +
           " records of an earlier run");
  }

  AnnotateStats stats;
  stats.total = count_input_lines(options.input);
  std::atomic<std::size_t> resumed{0}, other_shards{0}, in_flight{0}, requests{0};
  Channel<Task> tasks(2 * static_cast<std::size_t>(options.concurrency));
  Channel<Event> events;

  std::vector<std::thread> threads;
  struct Joiner {  // on an early exit (an exception), threads are stopped and joined
    std::vector<std::thread>& threads;
    std::atomic<bool>& stop;
    Channel<Task>& tasks;
    ~Joiner() {
      stop = true;
      tasks.close();
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{threads, stop, tasks};
  threads.emplace_back([&] {  // the reader
    try {
      std::unordered_map<std::string, std::size_t> seen;  // id -> line
      std::string text;
      std::size_t line_no = 0;
      while (!stop && std::getline(*input, text)) {
        ++line_no;
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos) continue;
        std::string problem;
        auto task = read_task(text, options.input, line_no, problem);
        if (task && !options.shard.contains(task->id)) {
          ++other_shards;  // another job's passage
          continue;
        }
        if (task) {
          const auto [at, inserted] = seen.emplace(task->id, line_no);
          if (!inserted) {
            problem = where(
                options.input, line_no,
                "duplicate id " + task->id + " (first on line " + std::to_string(at->second) + ")");
            task.reset();
          }
        }
        if (!task) {
          events.push(message_event(Event::Kind::kWarning, problem));
        } else if (scan.done_ids.count(task->id)) {
          ++resumed;
        } else if (!tasks.push(std::move(*task))) {
          break;
        }
      }
      if (input->bad())
        events.push(message_event(Event::Kind::kFatal, options.input + ": read error"));
    } catch (const std::exception& e) {
      events.push(message_event(Event::Kind::kFatal, e.what()));
    }
    tasks.close();
    events.push(message_event(Event::Kind::kDone, ""));
  });
  for (auto& c : clients) {
    threads.emplace_back([&, client = &c] {
      try {
        while (auto task = tasks.pop()) {
          if (stop) break;
          ++in_flight;
          const std::vector<ChatMessage> messages = {
              {"system", std::string(kTeacherSystemMessage)},
              {"user", teacher_user_message(task->text, options.variant)}};
          const ChatResult r = client->complete(messages);
          --in_flight;
          requests += static_cast<std::size_t>(r.attempts);
          if (!r.ok && r.fatal) {
            stop = true;  // at once: no other worker sends a request that must fail the same way
            tasks.close();
            events.push(message_event(
                Event::Kind::kFatal,
                r.http_status == 0
                    ? r.error
                    : "the server refused the request (check the API key, the base URL "
                      "and the model name): " +
                          r.error));
          } else if (!r.ok && stop) {
            // cancelled by a stop: the passage stays undone and the next run asks again
          } else {
            events.push(make_record(*task, r));
          }
        }
      } catch (const std::exception& e) {
        events.push(message_event(Event::Kind::kFatal, e.what()));
      }
      events.push(message_event(Event::Kind::kDone, ""));
    });
  }

  // This thread writes, syncs and reports.
  std::string fatal;
  std::size_t done_threads = 0, consecutive_failures = 0;
  auto last_sync = Clock::now(), last_progress = Clock::now();
  const auto stop_all = [&](const std::string& why) {
    if (fatal.empty()) fatal = why;
    stop = true;
    tasks.close();
  };
  const auto snapshot = [&] {
    stats.resumed = resumed;
    stats.other_shards = other_shards;
    stats.in_flight = in_flight;
    stats.requests = requests;
    stats.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    return stats;
  };
  while (done_threads < threads.size()) {
    auto event = events.pop_for(std::chrono::milliseconds(200));
    if (event) {
      switch (event->kind) {
        case Event::Kind::kDone:
          ++done_threads;
          break;
        case Event::Kind::kWarning:
          ++stats.bad_input;
          warn(event->line);
          break;
        case Event::Kind::kFatal:
          stop_all(event->line);
          break;
        case Event::Kind::kRecord:
          try {
            store.append(event->line);
          } catch (const std::exception& e) {
            stop_all(e.what());
            break;
          }
          ++stats.written;
          stats.prompt_tokens += event->prompt_tokens;
          stats.completion_tokens += event->completion_tokens;
          if (event->status == "ok") ++stats.ok;
          if (event->status == "parse_error") ++stats.parse_error;
          if (event->status == "failed") {
            ++stats.failed;
            if (++consecutive_failures == options.max_consecutive_failures) {
              stop_all("stopped after " + std::to_string(consecutive_failures) +
                       " failed passages in a row (last: " + event->error +
                       "); the endpoint looks down or misconfigured. Records written so far are "
                       "kept: fix the cause and run again with --retry-failed");
            }
          } else {
            consecutive_failures = 0;
          }
          break;
      }
    }
    const auto now = Clock::now();
    if (now - last_sync >= std::chrono::seconds(1)) {
      try {
        store.sync();
      } catch (const std::exception& e) {
        stop_all(e.what());
      }
      last_sync = now;
    }
    if (callbacks.progress && now - last_progress >= std::chrono::milliseconds(200)) {
      callbacks.progress(snapshot());
      last_progress = now;
    }
  }
  for (auto& t : threads) t.join();
  store.sync();
  snapshot();
  if (callbacks.progress) callbacks.progress(stats);
  if (!fatal.empty()) throw Error(fatal);
  return stats;
}

}  // namespace uniner

// Helpers of the server tests: a tiny model file, HTTP calls to a server on loopback, and the
// records `uniner extract` writes for the same passages (what every answer must equal).
#pragma once

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/engine_fixture.h"
#include "support/test_support.h"
#include "uniner/engine/model_init.h"

namespace uniner::testing {

// A tiny random LLaMA on the real vocabulary (the engine tests' shape and init).
inline std::string make_tiny_model(const TempDir& dir, std::uint64_t seed = 7) {
  const std::string path = dir.file("tiny-" + std::to_string(seed) + ".gguf");
  InitModelOptions o;
  o.vocab_path = llama_vocab_path();
  o.out_path = path;
  o.dim = 64, o.layers = 2, o.heads = 4, o.ff = 128, o.seed = seed;
  o.init_std = 0.05f;  // sharper logits: fewer near-ties in argmax
  init_model(o);
  return path;
}

struct HttpAnswer {
  int status = -1;  // -1: no answer (connection refused or broken)
  std::string body;
  std::string content_type;
};

inline HttpAnswer http_call(int port, const std::string& method, const std::string& path,
                            const std::string& body = "", const std::string& key = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(300, 0);
  client.set_tcp_nodelay(true);
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  httplib::Result r = method == "POST"
                          ? client.Post(path.c_str(), headers, body, "application/json")
                          : client.Get(path.c_str(), headers);
  if (!r) return {};
  return {r->status, r->body, r->get_header_value("Content-Type")};
}

// The lines `uniner extract` writes for JSONL passages {"id": "i+1", "text", "types"}.
inline std::vector<std::string> cli_records(const std::string& model,
                                            const std::vector<std::string>& texts,
                                            const std::vector<std::string>& types,
                                            const std::string& flags) {
  TempDir dir;
  std::string input;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    nlohmann::json j;
    j["id"] = std::to_string(i + 1);
    j["text"] = texts[i];
    j["types"] = types;
    input += j.dump() + "\n";
  }
  const std::string path = dir.write("in.jsonl", input);
  const auto r = run_command(uniner_bin() + " extract -q -t 1 -m " + shell_quote(model) +
                             " --input " + path + " " + flags);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// {"text"|"texts": ..., "types": [...]} plus extra fields (a JSON object's inside, or "").
inline std::string extract_body(const std::vector<std::string>& texts,
                                const std::vector<std::string>& types, bool single,
                                const std::string& extra = "") {
  nlohmann::json j;
  if (single) {
    j["text"] = texts.at(0);
  } else {
    j["texts"] = texts;
  }
  j["types"] = types;
  std::string body = j.dump();
  if (!extra.empty()) body = body.substr(0, body.size() - 1) + "," + extra + "}";
  return body;
}

}  // namespace uniner::testing

#include "train/checkpoint.h"

#include <fcntl.h>
#include <torch/serialize.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "uniner/error.h"

namespace uniner::train {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPrefix = "step-";

std::string step_name(long step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%08ld", kPrefix, step);
  return buf;
}

// Data reaches the disk before the rename that publishes it.
void sync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw Error(p.string() + ": cannot sync to disk");
  }
  ::close(fd);
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw Error(p.string() + ": write failed (disk full?)");
  out.close();
  sync_path(p);
}

}  // namespace

void save_checkpoint(const std::string& dir, const CheckpointState& s, const Student& student,
                     torch::optim::AdamW& optimizer, const std::string& tokenizer_from,
                     const PromptTemplate& prompt, int keep) {
  const fs::path final_dir = fs::path(dir) / step_name(s.step);
  const fs::path tmp = fs::path(dir) / (step_name(s.step) + ".tmp");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw Error(tmp.string() + ": cannot create: " + ec.message());
  student.save_checkpoint_weights(tmp.string(), tokenizer_from, prompt);
  try {
    torch::save(optimizer, (tmp / "optimizer.pt").string());
  } catch (const c10::Error& e) {
    throw Error((tmp / "optimizer.pt").string() + ": write failed: " + e.what_without_backtrace());
  }
  sync_path(tmp / "optimizer.pt");
  nlohmann::json state = {{"step", s.step},
                          {"fingerprint", std::to_string(s.fingerprint)},
                          {"tokens", s.tokens},
                          {"elapsed_s", s.elapsed_s}};
  write_text(tmp / "state.json", state.dump(2) + "\n");
  fs::remove_all(final_dir, ec);
  fs::rename(tmp, final_dir, ec);
  if (ec) throw Error(final_dir.string() + ": cannot publish the checkpoint: " + ec.message());
  sync_path(dir);

  std::vector<fs::path> done;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (e.is_directory() && name.starts_with(kPrefix) && !name.ends_with(".tmp"))
      done.push_back(e.path());
  }
  std::sort(done.begin(), done.end());
  for (std::size_t i = 0; keep > 0 && i + static_cast<std::size_t>(keep) < done.size(); ++i) {
    fs::remove_all(done[i], ec);
  }
}

std::optional<std::string> newest_checkpoint(const std::string& dir) {
  std::error_code ec;
  std::optional<std::string> best;
  if (!fs::is_directory(dir, ec)) return best;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (!e.is_directory() || !name.starts_with(kPrefix) || name.ends_with(".tmp")) continue;
    if (!fs::exists(e.path() / "state.json")) continue;
    if (!best || name > fs::path(*best).filename().string()) best = e.path().string();
  }
  return best;
}

CheckpointState load_checkpoint(const std::string& path, std::uint64_t fingerprint,
                                Student& student, torch::optim::AdamW& optimizer) {
  std::ifstream in(fs::path(path) / "state.json");
  std::stringstream text;
  text << in.rdbuf();
  CheckpointState s;
  try {
    const auto j = nlohmann::json::parse(text.str());
    s.step = j.at("step").get<long>();
    s.fingerprint = std::stoull(j.at("fingerprint").get<std::string>());
    s.tokens = j.at("tokens").get<double>();
    s.elapsed_s = j.at("elapsed_s").get<double>();
  } catch (const std::exception& e) {
    throw InputError(path + "/state.json: unreadable checkpoint state: " + e.what());
  }
  if (s.fingerprint != fingerprint) {
    throw InputError(path +
                     ": this checkpoint belongs to a run with other data or options (the data "
                     "files, tokenization, batch, accumulation, length, epochs, steps, rate and "
                     "seed must be the same to resume)");
  }
  student.load_checkpoint_weights(path);
  try {
    torch::load(optimizer, (fs::path(path) / "optimizer.pt").string());
  } catch (const c10::Error& e) {
    throw InputError(path + "/optimizer.pt: unreadable: " + e.what_without_backtrace());
  }
  return s;
}

}  // namespace uniner::train

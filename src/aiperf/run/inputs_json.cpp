// inputs.json (spec §6.1): every conversation's payloads, in dataset order, for a held dataset
// (written before the run); as the run renders them for a dataset rebuilt just in time
// (InputsJsonStream, inputs_json.h).
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <thread>

#include "aiperf/common/cancel.h"
#include "aiperf/common/error.h"
#include "aiperf/run/inputs_json.h"
#include "aiperf/run/profile_run.h"

namespace aiperf::run {

void append_inputs_entry(std::string& out, const dataset::Conversation& conv,
                         std::string_view first, const config::Config& cfg,
                         const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra) {
  out += "    {\"session_id\": ";
  out += nlohmann::json(conv.session_id).dump();
  out += ", \"payloads\": [";
  out += first;
  for (size_t k = 1; k < conv.turns.size(); ++k) {
    out += ", ";
    out += ep.render_body(endpoint::make_render_context(cfg, conv, conv.turns[k], extra));
  }
  out += "]}";
}

void write_inputs_json(const std::string& path, const dataset::Dataset& ds,
                       const std::vector<std::string>& bodies, const config::Config& cfg,
                       const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << "{\n  \"data\": [";
  std::string entry;
  for (size_t i = 0; i < ds.conversations.size(); ++i) {
    if (i % 1024 == 0) throw_if_stop_requested();
    entry.assign(i ? ",\n" : "\n");
    append_inputs_entry(entry, ds.conversations[i], bodies[i], cfg, ep, extra);
    f << entry;
  }
  f << "\n  ]\n}\n";
  f.flush();
  if (!f) {
    throw ConfigError("--artifact-dir: cannot write " + path + ": " + std::strerror(errno) +
                      " (is the disk full?)");
  }
}

// ---- InputsJsonStream ---------------------------------------------------------------------

InputsJsonStream::InputsJsonStream(const std::string& path, size_t n, const config::Config& cfg,
                                   const endpoint::Endpoint& ep,
                                   const nlohmann::ordered_json* extra)
    : path_(path), cfg_(cfg), ep_(ep), extra_(extra), written_(n, false) {
  f_ = std::fopen(path.c_str(), "wb");
  // A write per 256 KiB rather than per entry or two (an entry is a few KB: at 10k sessions/s the
  // renderer made thousands of write calls a second on the client's cores).
  if (f_) std::setvbuf(f_, nullptr, _IOFBF, size_t(256) << 10);
  if (!f_ || std::fputs("{\n  \"data\": [", f_) == EOF) {
    throw ConfigError("--artifact-dir: cannot write " + path + ": " + std::strerror(errno));
  }
}

InputsJsonStream::~InputsJsonStream() {
  close();
}

void InputsJsonStream::add(size_t index, const dataset::Conversation& conv,
                           std::string_view first_body) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!f_ || !error_.empty() || index >= written_.size() || written_[index]) return;
  written_[index] = true;
  scratch_.assign(entries_ ? ",\n" : "\n");
  append_inputs_entry(scratch_, conv, first_body, cfg_, ep_, extra_);
  if (std::fwrite(scratch_.data(), 1, scratch_.size(), f_) != scratch_.size()) {
    error_ = "cannot write " + path_ + ": " + std::strerror(errno);
  }
  ++entries_;
}

std::string InputsJsonStream::close() {
  std::lock_guard<std::mutex> lk(mu_);
  if (!f_) return error_;
  const bool ok = std::fputs("\n  ]\n}\n", f_) != EOF;
  if ((std::fclose(f_) != 0 || !ok) && error_.empty()) {
    error_ = "cannot write " + path_ + ": " + std::strerror(errno);
  }
  f_ = nullptr;
  return error_;
}

size_t InputsJsonStream::entries() const {
  std::lock_guard<std::mutex> lk(mu_);
  return entries_;
}

}  // namespace aiperf::run

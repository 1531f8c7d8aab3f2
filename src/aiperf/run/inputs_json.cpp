// inputs.json (spec §6.1): every conversation's payloads as formatted before the run, in
// dataset order, streamed to the file. A just-in-time dataset is rebuilt for it chunk by chunk
// on all cores (its conversations are never all held).
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <thread>

#include "aiperf/common/cancel.h"
#include "aiperf/common/error.h"
#include "aiperf/run/profile_run.h"

namespace aiperf::run {

namespace {

constexpr size_t kChunk = 256;  // conversations rendered per task

/// One entry of the "data" array: session id and every turn's payload (later turns rendered
/// without history, as the dataset lists them).
void append_entry(std::string& out, const dataset::Conversation& conv, std::string_view first,
                  const config::Config& cfg, const endpoint::Endpoint& ep,
                  const nlohmann::ordered_json* extra) {
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

/// Renders the entries of a just-in-time dataset in chunks on up to 8 threads, `sink` receiving
/// them in dataset order.
template <class Sink>
void render_source(const dataset::ConversationSource& src, const config::Config& cfg,
                   const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra, Sink sink) {
  const size_t n = src.size();
  const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::unique_ptr<dataset::ConversationSource::Cursor>> cursors;
  for (size_t t = 0; t < threads; ++t) cursors.push_back(src.open());
  std::vector<std::string> chunks(threads);
  for (size_t group = 0; group < n; group += threads * kChunk) {
    throw_if_stop_requested();
    std::vector<std::exception_ptr> errors(threads);
    auto work = [&](size_t t) {
      try {
        std::string& out = chunks[t];
        out.clear();
        const size_t begin = group + t * kChunk;
        for (size_t i = begin; i < std::min(n, begin + kChunk); ++i) {
          if (i % 64 == 0) throw_if_stop_requested();
          dataset::Conversation conv = cursors[t]->read(i);
          auto rc = endpoint::make_render_context(cfg, conv, conv.turns[0], extra);
          out += i ? ",\n" : "\n";
          append_entry(out, conv, ep.render_body(rc), cfg, ep, extra);
        }
      } catch (...) {
        errors[t] = std::current_exception();
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    for (const std::string& c : chunks) sink(c);
  }
}

}  // namespace

void write_inputs_json(const std::string& path, const dataset::Dataset& ds,
                       const std::vector<std::string>& bodies, const config::Config& cfg,
                       const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << "{\n  \"data\": [";
  if (ds.source) {
    render_source(*ds.source, cfg, ep, extra, [&f](const std::string& s) { f << s; });
  } else {
    std::string entry;
    for (size_t i = 0; i < ds.conversations.size(); ++i) {
      if (i % 1024 == 0) throw_if_stop_requested();
      entry.assign(i ? ",\n" : "\n");
      append_entry(entry, ds.conversations[i], bodies[i], cfg, ep, extra);
      f << entry;
    }
  }
  f << "\n  ]\n}\n";
  f.flush();
  if (!f) {
    throw ConfigError("--artifact-dir: cannot write " + path + ": " + std::strerror(errno) +
                      " (is the disk full?)");
  }
}

}  // namespace aiperf::run

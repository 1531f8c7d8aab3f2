#include "aiperf/mock/request_recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace aiperf::mock {

RequestRecorder::RequestRecorder(const std::string& path, int64_t anchor_mono_ns,
                                 int64_t anchor_wall_ns)
    : anchor_mono_ns_(anchor_mono_ns), anchor_wall_ns_(anchor_wall_ns) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error("--record-requests: cannot open " + path + ": " +
                             std::strerror(errno));
}

RequestRecorder::~RequestRecorder() {
  if (fd_ >= 0) ::close(fd_);
}

std::string RequestRecorder::to_json(const RequestRecord& r) const {
  nlohmann::ordered_json j;
  j["seq"] = r.seq;
  j["connection"] = r.connection;
  j["method"] = r.method;
  j["endpoint"] = r.endpoint;
  j["model"] = r.model;
  j["stream"] = r.stream;
  j["status"] = r.status;
  j["outcome"] = r.outcome;
  j["isl"] = r.isl;
  j["requested_max_tokens"] = r.requested_max_tokens >= 0
                                  ? nlohmann::ordered_json(r.requested_max_tokens)
                                  : nlohmann::ordered_json(nullptr);
  j["requested_min_tokens"] = r.requested_min_tokens >= 0
                                  ? nlohmann::ordered_json(r.requested_min_tokens)
                                  : nlohmann::ordered_json(nullptr);
  j["ignore_eos"] = r.ignore_eos;
  j["planned_output_tokens"] = r.planned_output_tokens;
  j["output_tokens"] = r.output_tokens;
  j["reasoning_tokens"] = r.reasoning_tokens;
  j["tokens_per_chunk"] = r.tokens_per_chunk;
  j["faults"] = r.faults;
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.headers) h[k] = v;
  j["headers"] = h;
  auto ts = [&](const char* name, int64_t mono) {
    j[std::string(name) + "_mono_ns"] =
        mono ? nlohmann::ordered_json(mono) : nlohmann::ordered_json(nullptr);
    j[std::string(name) + "_wall_ns"] =
        mono ? nlohmann::ordered_json(anchor_wall_ns_ + (mono - anchor_mono_ns_))
             : nlohmann::ordered_json(nullptr);
  };
  ts("arrival", r.arrival_ns);
  ts("request_complete", r.request_complete_ns);
  ts("headers_sent", r.headers_sent_ns);
  ts("first_token", r.first_token_ns);
  ts("last_token", r.last_token_ns);
  ts("completion", r.completion_ns);
  j["token_offsets_ns"] = r.token_offsets_ns;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void RequestRecorder::write(const RequestRecord& r) {
  std::string line = to_json(r);
  line.push_back('\n');
  std::lock_guard<std::mutex> lk(mu_);
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // disk full etc.: the server keeps serving
    off += size_t(n);
  }
}

}  // namespace aiperf::mock

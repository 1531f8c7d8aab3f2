#include "aiperf/mock/video_jobs.h"

#include <algorithm>

#include <fmt/format.h>

#include "aiperf/mock/response_format.h"

namespace aiperf::mock {

namespace {
constexpr size_t kMaxJobs = 100000;  // oldest jobs are forgotten beyond this
}

void VideoJobs::add(VideoJob job) {
  std::lock_guard lock(mu_);
  if (jobs_.size() >= kMaxJobs) {
    auto oldest = std::min_element(jobs_.begin(), jobs_.end(), [](const auto& a, const auto& b) {
      return a.second.submitted_ns < b.second.submitted_ns;
    });
    jobs_.erase(oldest);
  }
  std::string id = job.id;
  jobs_[id] = std::move(job);
}

std::optional<VideoJob> VideoJobs::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::string VideoJobs::to_json(const VideoJob& j, int64_t now_ns) {
  const int64_t span = std::max<int64_t>(1, j.completes_ns - j.submitted_ns);
  const bool done = now_ns >= j.completes_ns;
  const char* status = done ? "completed" : now_ns == j.submitted_ns ? "queued" : "in_progress";
  const int64_t progress =
      done ? 100 : std::clamp<int64_t>((now_ns - j.submitted_ns) * 100 / span, 0, 99);
  std::string out = fmt::format(
      "{{\"id\":\"{}\",\"object\":\"video\",\"model\":{},\"status\":\"{}\",\"progress\":{},"
      "\"created_at\":{},\"size\":\"{}\",\"seconds\":\"{}\"",
      j.id, json_quote(j.model), status, progress, j.created_s, j.size, j.seconds);
  if (done) {
    const double inference_s = double(j.completes_ns - j.submitted_ns) / 1e9;
    out += fmt::format(",\"completed_at\":{},\"inference_time_s\":{:.6f},\"peak_memory_mb\":{:.1f}",
                       j.created_s + int64_t(inference_s), inference_s, j.peak_memory_mb);
  }
  out += ",\"error\":null}";
  return out;
}

std::string fake_mp4_bytes(size_t size) {
  // An ftyp box ("isom"), then an mdat box of filler: enough for a client that sniffs the type.
  static const unsigned char kFtyp[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm',
                                        0, 0, 2, 0,  'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
  std::string out(reinterpret_cast<const char*>(kFtyp), sizeof kFtyp);
  size = std::max(size, out.size() + 8);
  const size_t mdat = size - out.size();
  out.push_back(char((mdat >> 24) & 0xff));
  out.push_back(char((mdat >> 16) & 0xff));
  out.push_back(char((mdat >> 8) & 0xff));
  out.push_back(char(mdat & 0xff));
  out += "mdat";
  out.resize(size, '\0');
  return out;
}

}  // namespace aiperf::mock

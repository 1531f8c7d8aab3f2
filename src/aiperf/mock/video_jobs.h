// Video generation jobs of the mock (OpenAI / SGLang /v1/videos): a submitted job is queued,
// in progress until its completion time, then completed; its content is a small fake MP4.
// Shared by every worker thread (a mutex around a map; polls are rare next to tokens).
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace aiperf::mock {

struct VideoJob {
  std::string id;
  std::string model;
  std::string prompt;
  std::string size = "1280x720";
  std::string seconds = "4";
  int64_t created_s = 0;     // epoch seconds
  int64_t submitted_ns = 0;  // CLOCK_MONOTONIC
  int64_t completes_ns = 0;  // CLOCK_MONOTONIC
  double peak_memory_mb = 0;
};

class VideoJobs {
 public:
  void add(VideoJob job);
  std::optional<VideoJob> find(const std::string& id) const;

  /// The job as the API shows it at monotonic time `now_ns`: status queued / in_progress /
  /// completed, progress, and once completed SGLang's inference_time_s and peak_memory_mb.
  static std::string to_json(const VideoJob& job, int64_t now_ns);

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, VideoJob> jobs_;
};

/// The bytes served as a finished video (a minimal ISO BMFF header and filler).
std::string fake_mp4_bytes(size_t size);

}  // namespace aiperf::mock

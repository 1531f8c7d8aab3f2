// Asynchronous jobs (video_generation, spec §5.4): after the submit POST answers a job, the
// worker polls GET <submit path>/<id> every AIPERF_HTTP_VIDEO_POLL_INTERVAL seconds (0.1 s) until
// the job is completed or failed or the request timeout passes, then with
// --download-video-content fetches the video (its url, else <poll path>/content).
//
// The whole exchange is one request to the rest of the program: the submit's RequestRecord
// carries the submit answer and the final job JSON as its two messages, the last one stamped
// when the job was seen completed (or when the download finished: the download counts in the
// request latency, as AIPerf documents), and end_ns at the very end. A failed step ends it with
// ErrorKind::kJob (or the step's transport error).
//
// This runs on the worker's loop thread. Reading the job state means parsing the small job
// JSON there: one ~300-byte object per poll interval, an accepted exception to DESIGN §3.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "aiperf/endpoint/endpoint.h"
#include "aiperf/record/request_record.h"
#include "aiperf/transport/event_loop.h"
#include "aiperf/transport/http_client.h"

namespace aiperf::worker {

struct JobPolling {
  bool enabled = false;                          // the endpoint polls (EndpointInfo::polls_job)
  const endpoint::Endpoint* endpoint = nullptr;  // parses the job bodies
  int64_t interval_ns = 100'000'000;             // AIPERF_HTTP_VIDEO_POLL_INTERVAL
  bool download = false;                         // --download-video-content
  int64_t timeout_ns = 21600'000'000'000;        // --request-timeout-seconds, from the submit
};

/// The poll interval: AIPERF_HTTP_VIDEO_POLL_INTERVAL seconds when set and positive, else 0.1 s.
int64_t video_poll_interval_ns();

/// Follows one submitted job to its end. `submit` is the finished submit record; `done` gets
/// the combined record (on the loop thread). `base` is the --url the job was POSTed to (it must
/// outlive the job), `submit_target` the request target, `header_lines` the request's header
/// lines (copied). `*aborting` true stops the polling with a cancellation.
void follow_job(transport::EventLoop& loop, transport::HttpClient& client, const JobPolling& p,
                const transport::Url& base, std::unique_ptr<record::RequestRecord> submit,
                std::string_view submit_target, std::string_view header_lines, const bool* aborting,
                std::function<void(std::unique_ptr<record::RequestRecord>)> done);

}  // namespace aiperf::worker

// Following a submitted video job to its end (video_job.h).
#include "aiperf/worker/video_job.h"

#include <cstdlib>

#include "aiperf/common/clock.h"

namespace aiperf::worker {

namespace {

using record::ErrorKind;
using record::RequestRecord;

/// Everything one job needs between its asynchronous steps (owned by the step callbacks).
struct Job {
  transport::EventLoop* loop;
  transport::HttpClient* client;
  JobPolling p;
  const transport::Url* base;
  const bool* aborting;
  std::unique_ptr<RequestRecord> rec;  // the submit record, returned at the end
  std::function<void(std::unique_ptr<RequestRecord>)> done;
  std::string headers;
  std::string poll_target;     // <submit path>/<id>[?query]
  std::string content_target;  // what the download GETs
  std::string final_body;      // the completed job's JSON
  int64_t deadline_ns = 0;
  endpoint::ParsedResponse parsed;
};

using JobPtr = std::shared_ptr<Job>;

/// The body of a finished (non-SSE) record: its one message.
std::string body_of(const RequestRecord& r) {
  record::EventPayloads payloads(r);
  std::string out;
  for (size_t i = 0; i < payloads.size(); ++i) out.assign(payloads.next());
  return out;
}

void finish(const JobPtr& job) {
  job->rec->end_ns = mono_ns();
  job->done(std::move(job->rec));
}

void fail(const JobPtr& job, ErrorKind kind, std::string message, int status = 0) {
  job->rec->error = kind;
  job->rec->error_message = std::move(message);
  if (status) job->rec->http_status = status;
  finish(job);
}

/// A step's transport error ends the job with that error (its status and body kept).
bool step_failed(const JobPtr& job, const RequestRecord& r, const char* step) {
  if (r.error == ErrorKind::kNone) return false;
  if (r.error == ErrorKind::kStatus) {
    fail(job, ErrorKind::kJob,
         std::string(step) + " answered HTTP " + std::to_string(r.http_status) + ": " +
             r.error_message.substr(0, 200),
         r.http_status);
  } else {
    fail(job, r.error, r.error_message.empty() ? std::string(step) + " failed" : r.error_message);
  }
  return true;
}

/// The completed job's JSON becomes the record's last message, stamped `ts`.
void add_final_message(const JobPtr& job, int64_t ts) {
  RequestRecord& r = *job->rec;
  record::ResponseEvent ev{};
  ev.ts_ns = ts;
  ev.offset = uint32_t(r.data.size());
  ev.len = uint32_t(job->final_body.size());
  r.data += job->final_body;
  r.events.push_back(ev);
}

void send_get(const JobPtr& job, const std::string& target,
              std::function<void(const JobPtr&, std::unique_ptr<RequestRecord>)> next) {
  auto r = std::make_unique<RequestRecord>();
  r->url_index = job->rec->url_index;
  transport::HttpRequest req;
  req.url_index = job->rec->url_index;
  req.method = "GET";
  req.target = target;
  req.header_lines = job->headers;
  job->client->send(req, std::move(r),
                    [job, next](std::unique_ptr<RequestRecord> got) { next(job, std::move(got)); });
}

void download(const JobPtr& job) {
  send_get(job, job->content_target, [](const JobPtr& j, std::unique_ptr<RequestRecord> r) {
    if (r->error != ErrorKind::kNone) {
      const std::string why = r->error == ErrorKind::kStatus
                                  ? "HTTP " + std::to_string(r->http_status)
                                  : std::string(record::error_kind_name(r->error));
      if (r->error == ErrorKind::kCancelled) {
        fail(j, ErrorKind::kCancelled, "Request was cancelled");
      } else {
        fail(j, ErrorKind::kJob, "Failed to download video " + j->parsed.video.id + ": " + why,
             r->http_status);
      }
      return;
    }
    if (r->data.empty()) {
      fail(j, ErrorKind::kJob, "Failed to download video " + j->parsed.video.id + ": no content");
      return;
    }
    j->rec->bytes_received += r->bytes_received;
    add_final_message(j, mono_ns());  // the download counts in the latency
    finish(j);
  });
}

/// The download target: the job's url when it points at the server we talk to (a path, or an
/// absolute URL of the same scheme, host and port), else <poll path>/content.
bool content_target(const JobPtr& job, std::string* target, std::string* why) {
  const std::string& url = job->parsed.video.url;
  const size_t q = job->poll_target.find('?');
  const std::string poll_path = job->poll_target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : job->poll_target.substr(q);
  if (url.empty()) {
    *target = poll_path + "/content" + query;
    return true;
  }
  if (url.front() == '/') {
    *target = url;
    return true;
  }
  auto u = transport::parse_url(url);
  if (u && u->scheme == job->base->scheme && u->host == job->base->host &&
      u->port == job->base->port) {
    *target = (u->path.empty() ? "/" : u->path) + (u->query.empty() ? "" : "?" + u->query);
    return true;
  }
  *why = "the video url " + url +
         " is on another server than --url; only same-server urls can be "
         "downloaded";
  return false;
}

void poll(const JobPtr& job);

void on_poll(const JobPtr& job, std::unique_ptr<RequestRecord> r) {
  if (step_failed(job, *r, "video poll")) return;
  job->final_body = body_of(*r);
  job->rec->bytes_received += r->bytes_received;
  endpoint::ParsedResponse& p = job->parsed;
  if (!job->p.endpoint->parse(job->final_body, p) || p.kind != endpoint::DataKind::kVideo) {
    fail(job, ErrorKind::kJob,
         "Invalid JSON in video poll response: " + job->final_body.substr(0, 200));
    return;
  }
  if (p.video.status == "completed") {
    if (!job->p.download) {
      add_final_message(job, mono_ns());
      finish(job);
      return;
    }
    std::string why;
    if (!content_target(job, &job->content_target, &why)) {
      fail(job, ErrorKind::kJob, "Failed to download video " + p.video.id + ": " + why);
      return;
    }
    download(job);
    return;
  }
  if (p.video.status == "failed") {
    fail(job, ErrorKind::kJob,
         "Video generation failed: " + (p.video.error_message.empty() ? std::string("Unknown error")
                                                                      : p.video.error_message));
    return;
  }
  const int64_t next = mono_ns() + job->p.interval_ns;
  if (next >= job->deadline_ns) {
    fail(job, ErrorKind::kTimeout,
         "Video generation timed out after " + std::to_string(double(job->p.timeout_ns) / 1e9) +
             "s");
    return;
  }
  job->loop->add_timer(next, [job] { poll(job); });
}

void poll(const JobPtr& job) {
  if (*job->aborting) {
    fail(job, ErrorKind::kCancelled, "Request was cancelled");
    return;
  }
  send_get(job, job->poll_target, on_poll);
}

}  // namespace

int64_t video_poll_interval_ns() {
  const char* v = std::getenv("AIPERF_HTTP_VIDEO_POLL_INTERVAL");
  if (v && *v) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end != v && s > 0 && s < 86400) return int64_t(s * 1e9);
  }
  return 100'000'000;
}

void follow_job(transport::EventLoop& loop, transport::HttpClient& client, const JobPolling& p,
                const transport::Url& base, std::unique_ptr<RequestRecord> submit,
                std::string_view submit_target, std::string_view header_lines, const bool* aborting,
                std::function<void(std::unique_ptr<RequestRecord>)> done) {
  auto job = std::make_shared<Job>();
  job->loop = &loop;
  job->client = &client;
  job->p = p;
  job->base = &base;
  job->aborting = aborting;
  job->rec = std::move(submit);
  job->done = std::move(done);
  job->headers.assign(header_lines);
  job->deadline_ns = job->rec->start_ns + p.timeout_ns;
  RequestRecord& r = *job->rec;
  if (r.error != ErrorKind::kNone) {  // the submit itself failed: report it as it is
    finish(job);
    return;
  }
  const std::string body = body_of(r);
  endpoint::ParsedResponse& parsed = job->parsed;
  if (!p.endpoint->parse(body, parsed) || parsed.kind != endpoint::DataKind::kVideo ||
      parsed.video.id.empty()) {
    fail(job, ErrorKind::kJob, "No job ID returned: " + body.substr(0, 200));
    return;
  }
  if (parsed.video.status == "failed") {
    fail(job, ErrorKind::kJob, "Video generation failed: " + parsed.video.error_message);
    return;
  }
  std::string_view target = submit_target;
  const size_t q = target.find('?');
  std::string path(target.substr(0, q));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  job->poll_target = path + "/" + parsed.video.id +
                     (q == std::string_view::npos ? "" : std::string(target.substr(q)));
  poll(job);
}

}  // namespace aiperf::worker

// Video generation (spec §5.4 "video_generation"): OpenAI's and SGLang's asynchronous video
// jobs. POST /v1/videos {"prompt", "model", ...extra} answers a job {"id", "object": "video",
// "status": "queued", ...}; the worker then polls GET /v1/videos/<id> until the status is
// "completed" or "failed" (worker/video_job.cpp), and with --download-video-content fetches the
// video (its `url`, else /v1/videos/<id>/content). The job object of the last poll carries
// SGLang's inference_time_s and peak_memory_mb (the video metrics).
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

constexpr EndpointInfo kVideoGenerationInfo{
    .name = "video_generation",
    .endpoint_path = "/v1/videos",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Video Generation Metrics",
    .produces_video = true,
    .polls_job = true,
};

/// A job's `error`: an object's message, or a string.
bool read_job_error(od::value& v, std::string& message) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t)) return false;
  std::string_view s;
  if (t == od::json_type::string) {
    if (get_str(v, s)) message.assign(s);
    return true;
  }
  if (t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    if (raw_key(f) == "message" && get_str(f.value(), s)) message.assign(s);
  }
  if (message.empty()) message = "Unknown error";
  return true;
}

bool parse_job(std::string_view payload, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);
  bool job = false;
  bool error_member = false;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return fail(out);
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    std::string_view s;
    if (k == "id") {
      if (get_str(v, s)) {
        out.video.id.assign(s);
        job = true;
      }
    } else if (k == "status") {
      if (get_str(v, s)) {
        out.video.status.assign(s);
        job = true;
      }
    } else if (k == "url") {
      if (get_str(v, s)) out.video.url.assign(s);
    } else if (k == "inference_time_s") {
      out.video.inference_time_s = read_double(v);
    } else if (k == "peak_memory_mb") {
      out.video.peak_memory_mb = read_double(v);
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return fail(out);
    } else if (k == "error") {
      od::json_type t;
      if (!type_of(v, t)) return fail(out);
      if (t == od::json_type::null) continue;
      error_member = true;
      if (!read_job_error(v, out.video.error_message)) return fail(out);
    }
  }
  if (job) {
    out.kind = DataKind::kVideo;
  } else if (error_member) {  // not a job: an error object
    out.has_error = true;
    out.error.type = "VideoGenerationError";
    out.error.message = out.video.error_message;
  }
  return out.has_data() || out.has_usage || out.has_error;
}

class VideoGenerationEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kVideoGenerationInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("video_generation: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    std::vector<std::string_view> texts = detail::text_items(*ctx.turn);
    if (texts.empty() || texts.front().empty()) {
      throw InputError(
          "--endpoint-type video_generation needs a text prompt in every request (the turn has "
          "no text)");
    }
    Json payload = Json::object();
    payload["prompt"] = std::string(texts.front());
    payload["model"] = std::string(detail::model_of(ctx));
    detail::merge_extra(payload, ctx.extra_inputs);  // size, seconds, seed, fps, ...
    detail::merge_turn_extra(payload, *ctx.turn);
    return detail::dump_compact(payload);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_job(payload, out);
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_video_generation() {
  return std::make_unique<VideoGenerationEndpoint>();
}

}  // namespace aiperf::endpoint

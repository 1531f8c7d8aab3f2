// OpenAI Image Generation (spec §5.4 "image_generation"): /v1/images/generations. The answer is
// {"created", "data": [{"b64_json" | "url", "revised_prompt"}], "usage"?}; streamed, each event
// carries one image (image_generation.partial_image with partial_image_index, then
// image_generation.completed with usage).
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

constexpr EndpointInfo kImageGenerationInfo{
    .name = "image_generation",
    .endpoint_path = "/v1/images/generations",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Image Generation Metrics",
};

/// An image response: `b64_json` at the top (a streamed image) or a `data` list of images.
/// AIPerf treats any JSON object as image data; an object with neither (an error, a
/// keep-alive) is not counted here as a content response (docs/differences.md).
bool parse_images(std::string_view payload, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);
  bool image = false;
  size_t n = 0;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return fail(out);
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    od::json_type t;
    if (!type_of(v, t)) return fail(out);
    if (k == "b64_json" && t == od::json_type::string) {
      image = true;
      ++n;
    } else if (k == "data" && t == od::json_type::array) {
      image = true;
      od::array arr;
      if (v.get_array().get(arr)) return fail(out);
      for (auto er : arr) {
        od::value item;
        if (std::move(er).get(item)) return fail(out);
        ++n;
      }
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return fail(out);
    } else if (k == "error") {
      if (!read_error(v, out)) return fail(out);
    }
  }
  if (image) {
    out.kind = DataKind::kImage;
    out.items = n;
  }
  return out.has_data() || out.has_usage || out.has_error;
}

class ImageGenerationEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kImageGenerationInfo; }

  /// {"prompt": the turn's first text, "model", "response_format": "b64_json", "n": 1,
  /// ["stream": true]} + extras (size, quality, ... via --extra-inputs).
  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("image_generation: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    std::vector<std::string_view> texts = detail::text_items(*ctx.turn);
    if (texts.empty() || texts.front().empty()) {
      throw InputError(
          "--endpoint-type image_generation needs a text prompt in every request (the turn has "
          "no text)");
    }
    Json payload = Json::object();
    payload["prompt"] = std::string(texts.front());
    payload["model"] = std::string(detail::model_of(ctx));
    payload["response_format"] = "b64_json";  // sglang serves only b64_json; extras may override
    payload["n"] = 1;
    if (ctx.streaming) payload["stream"] = true;
    detail::merge_extra(payload, ctx.extra_inputs);
    detail::merge_turn_extra(payload, *ctx.turn);
    return detail::dump_compact(payload);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_images(payload, out);
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_image_generation() {
  return std::make_unique<ImageGenerationEndpoint>();
}

}  // namespace aiperf::endpoint

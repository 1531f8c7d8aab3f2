// Hugging Face Text Generation Inference (spec §5.4 "huggingface_generate"): /generate answers
// {"generated_text": ...} (or a list of such objects); /generate_stream sends one event per
// token, {"index":i,"token":{"id","text","logprob","special"},"generated_text":null,
// "details":null}, the last one also carrying the whole generated_text and details.
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

constexpr EndpointInfo kTgiInfo{
    .name = "huggingface_generate",
    .endpoint_path = "/generate",
    .streaming_path = "/generate_stream",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
};

/// `token.text` of a stream event (its `special` tokens included, as AIPerf).
bool read_token(od::value& v, std::string_view& text) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    if (raw_key(f) == "text") get_str(f.value(), text);
  }
  return true;
}

/// One object: a stream event when it has a `token` member (its text is the delta; the final
/// event's generated_text repeats the whole answer and is not counted again), else a /generate
/// answer whose generated_text is the text. TGI errors ({"error": "...", "error_type": ...})
/// fail the request.
bool parse_object(od::object obj, ParsedResponse& out) {
  using namespace detail;
  bool has_token = false;
  std::string_view token_text, generated, error_type;
  for (auto fr : obj) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    if (k == "token") {
      has_token = true;
      if (!read_token(v, token_text)) return false;
    } else if (k == "generated_text") {
      get_str(v, generated);
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return false;
    } else if (k == "error") {
      if (!read_error(v, out)) return false;
    } else if (k == "error_type") {
      get_str(v, error_type);
    }
  }
  if (out.has_error && out.error.type.empty()) out.error.type.assign(error_type);
  std::string_view text = has_token ? token_text : generated;
  if (!text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(text);
  }
  return true;
}

class HuggingFaceGenerateEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kTgiInfo; }

  /// {"inputs": texts joined by a space, "parameters": {"max_new_tokens": N, ...extra}}:
  /// --extra-inputs go into `parameters` (AIPerf); the record's own `extra` stays top-level.
  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("huggingface_generate: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    if (!ctx.history.empty()) {
      throw InputError(
          "--endpoint-type huggingface_generate supports single-turn conversations only; use "
          "chat");
    }
    std::string inputs;
    for (std::string_view text : detail::text_items(*ctx.turn)) {
      if (text.empty()) continue;
      if (!inputs.empty()) inputs += ' ';
      inputs += text;
    }
    Json parameters = Json::object();
    if (ctx.turn->max_tokens) parameters["max_new_tokens"] = *ctx.turn->max_tokens;
    detail::merge_extra(parameters, ctx.extra_inputs);
    Json payload = Json::object();
    payload["inputs"] = std::move(inputs);
    payload["parameters"] = std::move(parameters);
    detail::merge_turn_extra(payload, *ctx.turn);
    return detail::dump_compact(payload);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    using namespace detail;
    out.clear();
    od::document doc;
    if (!start_document(payload, doc, true)) return false;
    od::json_type t;
    if (doc.type().get(t)) return fail(out);
    if (t == od::json_type::array) {  // [{"generated_text": ...}, ...]: the first one
      od::array arr;
      if (doc.get_array().get(arr)) return fail(out);
      for (auto er : arr) {
        od::value item;
        od::json_type it;
        if (std::move(er).get(item) || !type_of(item, it)) return fail(out);
        if (it != od::json_type::object) break;
        od::object o;
        if (item.get_object().get(o) || !parse_object(o, out)) return fail(out);
        break;
      }
    } else {
      od::object o;
      if (doc.get_object().get(o) || !parse_object(o, out)) return fail(out);
    }
    return out.has_data() || out.has_usage || out.has_error;
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_huggingface_generate() {
  return std::make_unique<HuggingFaceGenerateEndpoint>();
}

}  // namespace aiperf::endpoint

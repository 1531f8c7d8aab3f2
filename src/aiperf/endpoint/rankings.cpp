// Rankings (spec §5.4 "rankings"): a query and passages to rank against it, as NVIDIA NIM
// (/v1/ranking), Cohere (/v2/rerank) and Hugging Face TEI (/rerank) take them.
#include <stdexcept>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

enum class Api : uint8_t { kNim, kCohere, kHfTei };

constexpr EndpointInfo kNimInfo{
    .name = "nim_rankings",
    .endpoint_path = "/v1/ranking",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Rankings Metrics",
};
constexpr EndpointInfo kCohereInfo{
    .name = "cohere_rankings",
    .endpoint_path = "/v2/rerank",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Ranking Metrics",
};
constexpr EndpointInfo kHfTeiInfo{
    .name = "hf_tei_rankings",
    .endpoint_path = "/rerank",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Ranking Metrics",
};

/// Counts the entries of a list value: every item (`objects_only`: object items only).
bool count_list(od::value& v, bool objects_only, size_t& n) {
  using namespace detail;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  for (auto er : arr) {
    od::value item;
    if (std::move(er).get(item)) return false;
    od::json_type t;
    if (!type_of(item, t)) return false;
    if (!objects_only || t == od::json_type::object) ++n;
  }
  return true;
}

/// nim: `rankings` list; cohere: `results` list (object items); hf_tei: a top-level list or a
/// `results` list. An empty list is no content (AIPerf returns nothing).
bool parse_rankings(std::string_view payload, Api api, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc, api == Api::kHfTei)) return false;
  od::json_type root_type;
  if (doc.type().get(root_type)) return fail(out);
  size_t n = 0;
  if (root_type == od::json_type::array) {
    od::value v;
    if (doc.get_value().get(v) || !count_list(v, false, n)) return fail(out);
  } else {
    od::object root;
    if (doc.get_object().get(root)) return fail(out);
    std::string_view list_key = api == Api::kNim ? "rankings" : "results";
    for (auto fr : root) {
      od::field f;
      if (std::move(fr).get(f)) return fail(out);
      const RawKey k = raw_key(f);
      od::value& v = f.value();
      od::json_type t;
      if (!type_of(v, t)) return fail(out);
      if (k == list_key && t == od::json_type::array) {
        if (!count_list(v, api == Api::kCohere, n)) return fail(out);
      } else if (k == "usage" || k == "meta") {
        // Cohere puts token counts in meta.billed_units; only a usage object is read.
        if (k == "usage" && read_usage(v, out) < 0) return fail(out);
      } else if (k == "error") {
        if (!read_error(v, out)) return fail(out);
      }
    }
  }
  if (n > 0) {
    out.kind = DataKind::kRankings;
    out.items = n;
  }
  return out.has_data() || out.has_usage || out.has_error;
}

class RankingsEndpoint final : public Endpoint {
 public:
  explicit RankingsEndpoint(Api api) : api_(api) {}

  const EndpointInfo& info() const override {
    switch (api_) {
      case Api::kNim:
        return kNimInfo;
      case Api::kCohere:
        return kCohereInfo;
      case Api::kHfTei:
        break;
    }
    return kHfTeiInfo;
  }

  /// Texts named "query"/"queries" (the first one is the query) and "passages"; other names are
  /// ignored, as AIPerf does.
  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("rankings: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    const std::string name(info().name);
    if (!ctx.history.empty())
      throw InputError("--endpoint-type " + name + " supports single-turn conversations only");
    std::vector<std::string> queries, passages;
    for (const detail::NamedText& t : detail::named_text_items(*ctx.turn)) {
      if (t.name == "passages") {
        passages.emplace_back(t.text);
      } else if (t.name == "query" || t.name == "queries") {
        queries.emplace_back(t.text);
      }
    }
    if (queries.empty()) {
      throw InputError("--endpoint-type " + name +
                       ": a rankings request needs a text named 'query' (or 'queries'); give the "
                       "dataset's texts as {\"name\": \"query\", \"contents\": [...]} and "
                       "{\"name\": \"passages\", \"contents\": [...]}");
    }
    Json payload = Json::object();
    const std::string model(detail::model_of(ctx));
    switch (api_) {
      case Api::kNim: {
        payload["model"] = model;
        payload["query"] = Json{{"text", queries.front()}};
        Json ps = Json::array();
        for (auto& p : passages) ps.push_back(Json{{"text", std::move(p)}});
        payload["passages"] = std::move(ps);
        break;
      }
      case Api::kCohere:
        payload["model"] = model;
        payload["query"] = queries.front();
        payload["documents"] = passages;
        break;
      case Api::kHfTei:
        payload["query"] = queries.front();
        payload["texts"] = passages;
        break;
    }
    return detail::finish_body(payload, ctx);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_rankings(payload, api_, out);
  }

 private:
  Api api_;
};

}  // namespace

std::unique_ptr<Endpoint> make_nim_rankings() {
  return std::make_unique<RankingsEndpoint>(Api::kNim);
}
std::unique_ptr<Endpoint> make_cohere_rankings() {
  return std::make_unique<RankingsEndpoint>(Api::kCohere);
}
std::unique_ptr<Endpoint> make_hf_tei_rankings() {
  return std::make_unique<RankingsEndpoint>(Api::kHfTei);
}

}  // namespace aiperf::endpoint

// Private: helpers shared by the OpenAI body renderers (cold path, nlohmann ordered_json so
// keys keep AIPerf's insertion order; Python dict.update keeps an existing key's position).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint::detail {

using Json = nlohmann::ordered_json;

/// payload.update(extra_inputs): existing keys keep their place, new ones are appended.
inline void merge_extra(Json& payload, const Json* extra) {
  if (!extra || !extra->is_object()) return;
  for (auto it = extra->begin(); it != extra->end(); ++it) payload[it.key()] = it.value();
}

/// Streaming + --use-server-token-count: ensure stream_options.include_usage = true without
/// overriding an explicit value (other stream_options keys kept).
inline void ensure_include_usage(Json& payload, const RenderContext& ctx) {
  if (!(ctx.streaming && ctx.use_server_token_count)) return;
  auto it = payload.find("stream_options");
  if (it == payload.end()) {
    payload["stream_options"] = Json{{"include_usage", true}};
  } else if (it->is_object() && !it->contains("include_usage")) {
    (*it)["include_usage"] = true;
  }
}

/// Compact JSON as orjson writes it (no spaces, UTF-8 kept); invalid UTF-8 is replaced rather
/// than thrown on.
inline std::string dump_compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

inline std::string_view model_of(const RenderContext& ctx) {
  return ctx.turn && !ctx.turn->model.empty() ? std::string_view(ctx.turn->model)
                                              : ctx.default_model;
}

}  // namespace aiperf::endpoint::detail

// Private: helpers shared by the OpenAI body renderers (cold path, nlohmann ordered_json so
// keys keep AIPerf's insertion order; Python dict.update keeps an existing key's position).
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/common/error.h"
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
/// than thrown on. The bytes of `j.dump(-1, ' ', false, replace)`, with strings (a prompt of
/// thousands of characters is the bulk of a body) written by append_json_string, which finds
/// plain runs sixteen bytes at a time where nlohmann escapes a character at a time.
std::string dump_compact(const Json& j);

/// Parses JSON text carried by a dataset turn (`what` names the field in the error). The dataset
/// loaders validate these, so a failure here means a turn built elsewhere is malformed.
inline Json parse_turn_json(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw InputError("turn " + std::string(what) + " is not valid JSON: " + e.what());
  }
}

/// The turn's per-record `extra` object (spec §4.5), merged after --extra-inputs (dict update).
inline void merge_turn_extra(Json& payload, const dataset::Turn& turn) {
  if (turn.extra_json.empty()) return;
  Json extra = parse_turn_json(turn.extra_json, "extra");
  if (!extra.is_object()) throw InputError("turn extra must be a JSON object");
  merge_extra(payload, &extra);
}

/// The common tail of every body: --extra-inputs, then the record's own extra, then the usage
/// option (spec §5.4 merge order), written compactly.
inline std::string finish_body(Json& payload, const RenderContext& ctx) {
  merge_extra(payload, ctx.extra_inputs);
  merge_turn_extra(payload, *ctx.turn);
  ensure_include_usage(payload, ctx);
  return dump_compact(payload);
}

/// A raw-payload turn (mooncake `payload`, spec §5.4 "raw"): the body is exactly that object,
/// compact, keys in file order; nothing is added (no model, extras, warmup or stream options).
inline std::optional<std::string> raw_payload_body(const RenderContext& ctx) {
  if (!ctx.turn || ctx.turn->payload_json.empty()) return std::nullopt;
  return dump_compact(parse_turn_json(ctx.turn->payload_json, "payload"));
}

/// The turn's text items in order: `texts` when it has several, else the single `text` (which
/// may be empty). AIPerf's `[c for t in turn.texts for c in t.contents]`.
inline std::vector<std::string_view> text_items(const dataset::Turn& t) {
  std::vector<std::string_view> out;
  if (!t.texts.empty()) {
    out.assign(t.texts.begin(), t.texts.end());
  } else {
    out.emplace_back(t.text);
  }
  return out;
}

/// The turn's text items with their names ("" when the source did not name them).
struct NamedText {
  std::string_view name;
  std::string_view text;
};
inline std::vector<NamedText> named_text_items(const dataset::Turn& t) {
  std::vector<std::string_view> items = text_items(t);
  std::vector<NamedText> out;
  const bool named = t.text_names.size() == items.size();
  for (size_t i = 0; i < items.size(); ++i)
    out.push_back({named ? std::string_view(t.text_names[i]) : std::string_view(), items[i]});
  return out;
}

/// Chat bodies (chat.cpp). render_body writes the usual request (one text turn, with the
/// conversation's system and user-context messages if any, and nothing else: no history, raw
/// messages, tools, media, several texts, extras) straight out with chat_body_plain, which
/// returns false for anything else or text that is not valid UTF-8, and then builds a JSON tree
/// (chat_body_tree). Both give the same bytes where the first applies.
bool chat_body_plain(const RenderContext& ctx, std::string& out);
std::string chat_body_tree(const RenderContext& ctx);

inline std::string_view model_of(const RenderContext& ctx) {
  return ctx.turn && !ctx.turn->model.empty() ? std::string_view(ctx.turn->model)
                                              : ctx.default_model;
}

}  // namespace aiperf::endpoint::detail

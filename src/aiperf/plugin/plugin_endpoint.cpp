#include "aiperf/plugin/plugin_endpoint.h"

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"

namespace aiperf::plugin {

namespace {

void append(void* ctx, const char* data, size_t len) {
  static_cast<std::string*>(ctx)->append(data, len);
}

aiperf_message message(const std::string& role, const std::string& text) {
  return {role.data(), role.size(), text.data(), text.size()};
}

// parse() callbacks: fill an endpoint::ParsedResponse.
void on_content(void* ctx, const char* s, size_t n) {
  auto* o = static_cast<endpoint::ParsedResponse*>(ctx);
  if (o->kind == endpoint::DataKind::kNone) o->kind = endpoint::DataKind::kText;
  o->content.append(s, n);
}
void on_reasoning(void* ctx, const char* s, size_t n) {
  auto* o = static_cast<endpoint::ParsedResponse*>(ctx);
  o->kind = endpoint::DataKind::kReasoning;
  o->reasoning.append(s, n);
}
void on_usage(void* ctx, int64_t prompt, int64_t completion, int64_t total) {
  auto* o = static_cast<endpoint::ParsedResponse*>(ctx);
  o->has_usage = true;
  if (prompt >= 0) o->usage.prompt_tokens = prompt;
  if (completion >= 0) o->usage.completion_tokens = completion;
  if (total >= 0) o->usage.total_tokens = total;
}
void on_error(void* ctx, int code, const char* type, size_t tn, const char* msg, size_t mn) {
  auto* o = static_cast<endpoint::ParsedResponse*>(ctx);
  o->has_error = true;
  if (code >= 0) o->error.code = code;
  o->error.type.assign(type ? type : "", type ? tn : 0);
  o->error.message.assign(msg ? msg : "", msg ? mn : 0);
}

class PluginEndpoint final : public endpoint::Endpoint {
 public:
  explicit PluginEndpoint(const aiperf_endpoint_v1& t) : t_(t) {
    info_.name = t.name;
    info_.endpoint_path = t.endpoint_path ? t.endpoint_path : "";
    info_.streaming_path = t.streaming_path ? t.streaming_path : "";
    info_.supports_streaming = t.supports_streaming != 0;
    info_.produces_tokens = t.produces_tokens != 0;
    info_.tokenizes_input = t.tokenizes_input != 0;
    if (t.metrics_title && *t.metrics_title) info_.metrics_title = t.metrics_title;
    info_.service_kind = "plugin";
  }
  const endpoint::EndpointInfo& info() const override { return info_; }

  std::string render_body(const endpoint::RenderContext& ctx) const override {
    static const std::string kSystem = "system", kUser = "user";
    std::vector<aiperf_message> msgs;
    const dataset::Conversation* conv = ctx.conversation;
    if (conv && conv->system_message) msgs.push_back(message(kSystem, *conv->system_message));
    if (conv && conv->user_context_message) {
      msgs.push_back(message(kUser, *conv->user_context_message));
    }
    for (const dataset::Turn& h : ctx.history) msgs.push_back(message(h.role, h.text));
    msgs.push_back(message(ctx.turn->role, ctx.turn->text));
    const std::string& model_s = ctx.turn->model;
    std::string_view model = model_s.empty() ? ctx.default_model : std::string_view(model_s);
    std::string extra = ctx.extra_inputs ? ctx.extra_inputs->dump() : "{}";
    aiperf_render_input in{};
    in.model = model.data();
    in.model_len = model.size();
    in.streaming = ctx.streaming ? 1 : 0;
    in.max_tokens = ctx.turn->max_tokens.value_or(-1);
    in.messages = msgs.data();
    in.num_messages = msgs.size();
    in.extra_inputs_json = extra.data();
    in.extra_inputs_json_len = extra.size();
    in.warmup = ctx.warmup ? 1 : 0;
    std::string body, err;
    aiperf_writer bw{&body, &append};
    aiperf_writer ew{&err, &append};
    if (t_.render_body(&in, &bw, &ew) != 0) {
      throw ConfigError("--endpoint-type " + std::string(t_.name) +
                        " (plugin): " + (err.empty() ? "render_body failed" : err));
    }
    return body;
  }

  bool parse(std::string_view payload, endpoint::ParsedResponse& out) const override {
    out.clear();
    aiperf_parse_out po{&out, &on_content, &on_reasoning, &on_usage, &on_error};
    int rc = t_.parse(payload.data(), payload.size(), &po);
    if (rc == 0) {
      out.clear();
      return false;
    }
    return true;
  }

 private:
  const aiperf_endpoint_v1& t_;
  endpoint::EndpointInfo info_;
};

}  // namespace

std::unique_ptr<endpoint::Endpoint> make_plugin_endpoint(const aiperf_endpoint_v1& table) {
  return std::make_unique<PluginEndpoint>(table);
}

}  // namespace aiperf::plugin

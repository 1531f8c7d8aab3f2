// The template endpoint (spec §5.4 "template"): a request body of the user's own, written as a
// Jinja2 template in --extra-inputs payload_template (inline text, a file path, or the named
// template nv-embedqa), rendered per request with the turn's texts, media, model, max_tokens,
// ...; the response is read at --extra-inputs response_field (a JMESPath expression) or
// auto-detected (embeddings, rankings, then text fields and OpenAI choices). No default path:
// --url is used as given, or with --endpoint.
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"
#include "aiperf/endpoint/template_engine.h"

namespace aiperf::endpoint {

namespace {

using nlohmann::json;

constexpr EndpointInfo kTemplateInfo{
    .name = "template",
    .endpoint_path = "",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .supports_audio = true,
    .supports_images = true,
    .supports_videos = true,
};

/// AIPerf's named templates.
std::optional<std::string> named_template(std::string_view name) {
  if (name == "nv-embedqa") return std::string(R"({"text": {{ texts|tojson }}})");
  return std::nullopt;
}

std::string template_source(const std::string& value) {
  if (auto named = named_template(value)) return *named;
  std::error_code ec;
  if (value.size() < 4096 && std::filesystem::is_regular_file(value, ec)) {
    std::ifstream f(value, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    if (!f.good() && !f.eof())
      throw ConfigError("--extra-inputs payload_template: cannot read '" + value + "'");
    return ss.str();
  }
  return value;  // inline template text
}

/// (all contents, contents by name) of one media kind or of the texts.
void add_named(json& all, json& by_name, std::string_view name, const std::string& content) {
  all.push_back(content);
  if (name.empty()) return;
  json& slot = by_name[std::string(name)];
  if (!slot.is_array()) slot = json::array();
  slot.push_back(content);
}

json turn_json(const dataset::Turn& t, std::string_view model) {
  json texts = json::array(), images = json::array(), audios = json::array(),
       videos = json::array();
  json texts_by = json::object(), images_by = json::object(), audios_by = json::object(),
       videos_by = json::object();
  for (const detail::NamedText& nt : detail::named_text_items(t)) {
    if (!nt.text.empty()) add_named(texts, texts_by, nt.name, std::string(nt.text));
  }
  for (const dataset::MediaItem& m : t.media) {
    if (m.content.empty()) continue;
    switch (m.kind) {
      case dataset::MediaItem::Kind::kImage:
        add_named(images, images_by, m.name, m.content);
        break;
      case dataset::MediaItem::Kind::kAudio:
        add_named(audios, audios_by, m.name, m.content);
        break;
      case dataset::MediaItem::Kind::kVideo:
        add_named(videos, videos_by, m.name, m.content);
        break;
    }
  }
  json out = json::object();
  out["texts"] = texts;
  out["images"] = images;
  out["audios"] = audios;
  out["videos"] = videos;
  out["texts_by_name"] = texts_by;
  out["images_by_name"] = images_by;
  out["audios_by_name"] = audios_by;
  out["videos_by_name"] = videos_by;
  out["role"] = t.role;
  out["model"] = std::string(model);
  out["max_tokens"] = t.max_tokens ? json(*t.max_tokens) : json(nullptr);
  return out;
}

json first_or_null(const json& list) {
  return list.empty() ? json(nullptr) : list.front();
}

// ---- response detection (AIPerf's auto_detect_and_extract / convert_to_response_data) -------

/// `o[k]` when it is a string, else empty: a server's field of another type is absent, never
/// an exception (nlohmann's value() throws on a type mismatch).
std::string string_at(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool set_embeddings_or_rankings(const json& v, ParsedResponse& out) {
  if (!v.is_array() || v.empty()) return false;
  const json& first = v.front();
  if (first.is_array() && !first.empty() && first.front().is_number()) {
    out.kind = DataKind::kEmbeddings;
    out.items = v.size();
    return true;
  }
  if (first.is_number()) {
    out.kind = DataKind::kEmbeddings;
    out.items = 1;
    return true;
  }
  if (first.is_object()) {
    out.kind = DataKind::kRankings;
    out.items = v.size();
    return true;
  }
  return false;
}

bool set_text(std::string_view text, ParsedResponse& out) {
  if (text.empty()) return false;
  out.kind = DataKind::kText;
  out.content.assign(text);
  return true;
}

bool convert(const json& v, ParsedResponse& out) {
  if (v.is_string()) return set_text(v.get_ref<const std::string&>(), out);
  return set_embeddings_or_rankings(v, out);
}

bool try_embeddings(const json& j, ParsedResponse& out) {
  auto data = j.find("data");
  if (data != j.end() && data->is_array() && !data->empty() && data->front().is_object() &&
      string_at(data->front(), "object") == "embedding") {
    size_t n = 0;
    for (const json& item : *data) n += item.is_object() && item.contains("embedding") ? 1 : 0;
    if (n) {
      out.kind = DataKind::kEmbeddings;
      out.items = n;
      return true;
    }
  }
  for (const char* key : {"embeddings", "embedding"}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array() || it->empty()) continue;
    if (it->front().is_number() || it->front().is_array())
      return set_embeddings_or_rankings(*it, out);
  }
  return false;
}

bool try_rankings(const json& j, ParsedResponse& out) {
  for (const char* key : {"rankings", "results"}) {
    auto it = j.find(key);
    if (it != j.end() && it->is_array()) {
      out.kind = DataKind::kRankings;  // AIPerf counts even an empty list as rankings data
      out.items = it->size();
      return true;
    }
  }
  return false;
}

bool try_text(const json& j, ParsedResponse& out) {
  for (const char* key : {"text", "content", "response", "output", "result"}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (it->is_string()) return set_text(it->get_ref<const std::string&>(), out);
    if (it->is_array() && !it->empty()) {
      std::string joined;
      bool all_strings = true;
      for (const json& e : *it) {
        if (!e.is_string()) {
          all_strings = false;
          break;
        }
        joined += e.get_ref<const std::string&>();
      }
      if (all_strings) return set_text(joined, out);
    }
  }
  auto choices = j.find("choices");
  if (choices != j.end() && choices->is_array() && !choices->empty() &&
      choices->front().is_object()) {
    const json& c = choices->front();
    if (set_text(string_at(c, "text"), out)) return true;
    for (const char* k : {"message", "delta"}) {
      auto m = c.find(k);
      if (m != c.end() && m->is_object() && set_text(string_at(*m, "content"), out)) return true;
    }
  }
  return false;
}

void read_usage_and_error(const json& j, ParsedResponse& out) {
  auto u = j.find("usage");
  if (u != j.end() && u->is_object() && !u->empty()) {
    out.has_usage = detail::parse_usage_json(u->dump(), out.usage);
  }
  auto e = j.find("error");
  if (e != j.end() && !e->is_null()) {
    out.has_error = true;
    if (e->is_string()) {
      out.error.message = e->get<std::string>();
    } else if (e->is_object()) {
      out.error.message = string_at(*e, "message");
      out.error.type = string_at(*e, "type");
      auto c = e->find("code");
      if (c != e->end() && c->is_number_integer()) out.error.code = c->get<int>();
    }
  }
}

class TemplateEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kTemplateInfo; }

  void configure(const config::Config& cfg) override {
    json extra = json::parse(cfg.extra_inputs_json.empty() ? "{}" : cfg.extra_inputs_json);
    auto it = extra.find("payload_template");
    if (it == extra.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      throw ConfigError(
          "--endpoint-type template needs a body template: --extra-inputs "
          "payload_template:<template text, file path, or nv-embedqa> (docs/endpoints.md)");
    }
    template_.emplace(template_source(it->get<std::string>()));
    auto rf = extra.find("response_field");
    if (rf != extra.end() && !rf->is_null()) {
      if (!rf->is_string()) throw ConfigError("--extra-inputs response_field: expected a string");
      field_.emplace(rf->get<std::string>());
    }
  }

  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("template: render_body needs a turn");
    if (!template_) throw std::logic_error("template endpoint used before configure()");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    const std::string_view model = detail::model_of(ctx);
    json vars = turn_json(*ctx.turn, model);
    vars["text"] = first_or_null(vars["texts"]);
    vars["image"] = first_or_null(vars["images"]);
    vars["audio"] = first_or_null(vars["audios"]);
    vars["video"] = first_or_null(vars["videos"]);
    const json& by = vars["texts_by_name"];
    json queries = by.contains("query") ? by["query"] : json::array();
    json passages = by.contains("passages")  ? by["passages"]
                    : by.contains("passage") ? by["passage"]
                                             : json::array();
    vars["queries"] = queries;
    vars["passages"] = passages;
    vars["query"] = first_or_null(queries);
    vars["passage"] = first_or_null(passages);
    vars["stream"] = ctx.streaming;
    vars["turn"] = turn_json(*ctx.turn, model);
    json turns = json::array();
    for (const dataset::Turn& t : ctx.history) turns.push_back(turn_json(t, model));
    turns.push_back(vars["turn"]);
    vars["turns"] = std::move(turns);

    std::string rendered = template_->render(vars);
    Json payload;
    try {
      payload = Json::parse(rendered);
    } catch (const Json::exception&) {
      throw InputError("--extra-inputs payload_template did not render valid JSON: " +
                       rendered.substr(0, 100) + (rendered.size() > 100 ? "..." : ""));
    }
    if (!payload.is_object()) {
      throw InputError("--extra-inputs payload_template must render a JSON object (got: " +
                       rendered.substr(0, 60) + ")");
    }
    // The other --extra-inputs keys are merged into the body; the template's own are not.
    if (ctx.extra_inputs) {
      for (auto e = ctx.extra_inputs->begin(); e != ctx.extra_inputs->end(); ++e) {
        if (e.key() != "payload_template" && e.key() != "response_field")
          payload[e.key()] = e.value();
      }
    }
    detail::merge_turn_extra(payload, *ctx.turn);
    return detail::dump_compact(payload);
  }

  /// A JSON body: response_field's value when it converts, else auto-detection. A body that
  /// is not JSON is text as it is (AIPerf), except the `[DONE]` sentinel.
  bool parse(std::string_view payload, ParsedResponse& out) const override {
    out.clear();
    size_t a = payload.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return false;
    std::string_view body = payload.substr(a);
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back())))
      body.remove_suffix(1);
    if (body == "[DONE]") return false;
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded()) return set_text(body, out);
    if (j.is_object()) read_usage_and_error(j, out);
    bool found = false;
    if (field_) {
      json v = field_->search(j);
      if (!v.is_null()) found = convert(v, out);
    }
    if (!found && j.is_object()) {
      found = try_embeddings(j, out) || try_rankings(j, out) || try_text(j, out);
    }
    return out.has_data() || out.has_usage || out.has_error;
  }

 private:
  std::optional<detail::BodyTemplate> template_;
  std::optional<detail::FieldPath> field_;
};

}  // namespace

std::unique_ptr<Endpoint> make_template() {
  return std::make_unique<TemplateEndpoint>();
}

}  // namespace aiperf::endpoint

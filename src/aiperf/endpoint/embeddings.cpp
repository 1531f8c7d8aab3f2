// Embeddings (spec §5.4 "embeddings / nim_embeddings / chat_embeddings"): OpenAI
// /v1/embeddings, NVIDIA NIM's multimodal superset, and vLLM's chat-style embeddings (a chat
// body sent to /v1/embeddings).
#include <stdexcept>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

constexpr EndpointInfo kEmbeddingsInfo{
    .name = "embeddings",
    .endpoint_path = "/v1/embeddings",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Embeddings Metrics",
};

constexpr EndpointInfo kNimEmbeddingsInfo{
    .name = "nim_embeddings",
    .endpoint_path = "/v1/embeddings",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "NIM Embeddings Metrics",
    .supports_images = true,
};

constexpr EndpointInfo kChatEmbeddingsInfo{
    .name = "chat_embeddings",
    .endpoint_path = "/v1/embeddings",
    .streaming_path = "",
    .supports_streaming = false,
    .produces_tokens = false,
    .tokenizes_input = true,
    .metrics_title = "Embeddings Metrics",
    .supports_images = true,
};

enum class Shape : uint8_t { kOpenAi, kAny };

/// A `data` list of embedding objects: `n` items, `vectors` of them with an `embedding`,
/// `all_embedding` when every item says "object": "embedding". kAny stops at a first item that
/// is not an embedding object (n = 0: not this shape).
struct DataList {
  size_t n = 0, vectors = 0;
  bool all_embedding = true;
};

bool read_data_list(od::value& v, Shape shape, DataList& d) {
  using namespace detail;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  for (auto er : arr) {
    od::value item;
    od::json_type it;
    if (std::move(er).get(item) || !type_of(item, it)) return false;
    bool is_embedding = false, has_vector = false;
    if (it == od::json_type::object) {
      od::object o;
      if (item.get_object().get(o)) return false;
      for (auto gr : o) {
        od::field g;
        od::json_type gt;
        if (std::move(gr).get(g) || !type_of(g.value(), gt)) return false;
        const RawKey gk = raw_key(g);
        std::string_view s;
        if (gk == "object") is_embedding = get_str(g.value(), s) && s == "embedding";
        if (gk == "embedding") has_vector = gt != od::json_type::null;
      }
    }
    if (d.n == 0 && shape == Shape::kAny && !is_embedding) return true;  // not the OpenAI shape
    d.all_embedding = d.all_embedding && is_embedding;
    d.vectors += has_vector ? 1 : 0;
    ++d.n;
  }
  return true;
}

/// `embeddings` / `embedding`: a list of vectors, or one vector of numbers. 0 when neither.
bool count_vectors(od::value& v, size_t& vectors) {
  using namespace detail;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  size_t n = 0;
  bool nested = false;
  for (auto er : arr) {
    od::value item;
    od::json_type it;
    if (std::move(er).get(item) || !type_of(item, it)) return false;
    if (n == 0) nested = it == od::json_type::array;
    if (n == 0 && !nested && it != od::json_type::number) break;
    ++n;
  }
  vectors = n == 0 ? 0 : nested ? n : 1;
  return true;
}

/// Counts the vectors of an embeddings response. kOpenAi (AIPerf's EmbeddingsEndpoint):
/// `data` must be a non-empty list whose items are all objects with object == "embedding"
/// (else the response is an error, as AIPerf raises); vectors are the items' `embedding`
/// values. kAny (chat_embeddings, AIPerf's try_extract_embeddings): that shape when data[0]
/// says "embedding", else a top-level `embeddings` list of vectors or one `embedding` vector.
bool parse_embeddings(std::string_view payload, Shape shape, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);
  bool bad_list = false;
  for (auto fr : root) {
    od::field f;
    od::json_type t;
    if (std::move(fr).get(f) || !type_of(f.value(), t)) return fail(out);
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    if (k == "data" && t == od::json_type::array) {
      DataList d;
      if (!read_data_list(v, shape, d)) return fail(out);
      if (d.n == 0) continue;
      if (!d.all_embedding && shape == Shape::kOpenAi) {
        bad_list = true;
      } else if (d.vectors > 0) {
        out.kind = DataKind::kEmbeddings;
        out.items = d.vectors;
      }
    } else if ((k == "embeddings" || k == "embedding") && shape == Shape::kAny &&
               t == od::json_type::array && out.kind == DataKind::kNone) {
      size_t vectors = 0;
      if (!count_vectors(v, vectors)) return fail(out);
      if (vectors > 0) {
        out.kind = DataKind::kEmbeddings;
        out.items = vectors;
      }
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return fail(out);
    } else if (k == "error") {
      if (!read_error(v, out)) return fail(out);
    }
  }
  if (bad_list && !out.has_error) {
    out.has_error = true;
    out.error.type = "ValueError";
    out.error.message =
        "Received invalid list in response: every `data` item must be an object "
        "with \"object\": \"embedding\"";
  }
  return out.has_data() || out.has_usage || out.has_error;
}

/// The non-empty text items of the request's turn.
std::vector<std::string> turn_texts(const dataset::Turn& t) {
  std::vector<std::string> out;
  for (std::string_view s : detail::text_items(t))
    if (!s.empty()) out.emplace_back(s);
  return out;
}

class EmbeddingsEndpoint : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kEmbeddingsInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("embeddings: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    Json payload = Json::object();
    payload["model"] = std::string(detail::model_of(ctx));
    payload["input"] = inputs(*ctx.turn);
    extend(*ctx.turn, payload);
    return detail::finish_body(payload, ctx);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_embeddings(payload, Shape::kOpenAi, out);
  }

 protected:
  virtual detail::Json inputs(const dataset::Turn& t) const { return turn_texts(t); }
  virtual void extend(const dataset::Turn&, detail::Json&) const {}
};

/// NIM: `input` is the texts, or the images (data URLs), or "<text> <image>" pairs when both
/// are given (their counts must match); `modality` says which ("image", "text_image").
class NimEmbeddingsEndpoint final : public EmbeddingsEndpoint {
 public:
  const EndpointInfo& info() const override { return kNimEmbeddingsInfo; }

 protected:
  detail::Json inputs(const dataset::Turn& t) const override {
    std::vector<std::string> texts = turn_texts(t);
    std::vector<std::string> images = images_of(t);
    if (texts.empty() || images.empty()) return images.empty() ? texts : images;
    if (texts.size() != images.size()) {
      throw InputError(
          "nim_embeddings: when both texts and images are provided, they must have the same "
          "length. Got " +
          std::to_string(texts.size()) + " texts and " + std::to_string(images.size()) +
          " images.");
    }
    std::vector<std::string> pairs;
    for (size_t i = 0; i < texts.size(); ++i) pairs.push_back(texts[i] + " " + images[i]);
    return pairs;
  }
  void extend(const dataset::Turn& t, detail::Json& payload) const override {
    const bool images = !images_of(t).empty();
    if (images) payload["modality"] = turn_texts(t).empty() ? "image" : "text_image";
  }

 private:
  static std::vector<std::string> images_of(const dataset::Turn& t) {
    std::vector<std::string> out;
    for (const auto& m : t.media)
      if (m.kind == dataset::MediaItem::Kind::kImage && !m.content.empty())
        out.push_back(m.content);
    return out;
  }
};

/// vLLM's multimodal embeddings: the chat body (messages with text and image parts) sent to
/// /v1/embeddings; the response is an embeddings list.
class ChatEmbeddingsEndpoint final : public Endpoint {
 public:
  ChatEmbeddingsEndpoint() : chat_(make_chat()) {}
  const EndpointInfo& info() const override { return kChatEmbeddingsInfo; }
  std::string render_body(const RenderContext& ctx) const override {
    return chat_->render_body(ctx);
  }
  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_embeddings(payload, Shape::kAny, out);
  }

 private:
  std::unique_ptr<Endpoint> chat_;
};

}  // namespace

std::unique_ptr<Endpoint> make_embeddings() {
  return std::make_unique<EmbeddingsEndpoint>();
}
std::unique_ptr<Endpoint> make_nim_embeddings() {
  return std::make_unique<NimEmbeddingsEndpoint>();
}
std::unique_ptr<Endpoint> make_chat_embeddings() {
  return std::make_unique<ChatEmbeddingsEndpoint>();
}

}  // namespace aiperf::endpoint

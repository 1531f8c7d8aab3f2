// Wire shapes of the streamed token APIs (stream_formats.h). Hand-written appends: the token
// events are the hot path.
#include "aiperf/mock/stream_formats.h"

#include <fmt/format.h>

namespace aiperf::mock {

namespace {

using Out = std::string;

std::string_view id_suffix(std::string_view id) {
  size_t p = id.find_first_of("_-");
  return p == std::string_view::npos ? id : id.substr(p + 1);
}

template <typename... A>
void fmt_to(Out* o, fmt::format_string<A...> f, A&&... a) {
  fmt::format_to(std::back_inserter(*o), f, std::forward<A>(a)...);
}

// ---- OpenAI Responses API ----------------------------------------------------------------------

int64_t message_index(const StreamState& s) {
  return s.reasoning > 0 ? 1 : 0;
}

void responses_usage(Out* o, const UsageCounts& u) {
  fmt_to(o,
         "{{\"input_tokens\":{},\"input_tokens_details\":{{\"cached_tokens\":{}}},"
         "\"output_tokens\":{}",
         u.prompt_tokens, u.cached_tokens, u.completion_tokens);
  if (u.details)
    fmt_to(o, ",\"output_tokens_details\":{{\"reasoning_tokens\":{}}}", u.reasoning_tokens);
  fmt_to(o, ",\"total_tokens\":{}}}", u.prompt_tokens + u.completion_tokens);
}

void reasoning_item(Out* o, const StreamState& s, std::string_view text, bool done) {
  fmt_to(o, "{{\"id\":\"rs_{}\",\"type\":\"reasoning\",\"summary\":[],\"content\":[",
         id_suffix(s.ident.id));
  if (done) {
    o->append("{\"type\":\"reasoning_text\",\"text\":");
    append_json_quoted(o, text);
    o->push_back('}');
  }
  o->append("]}");
}

void message_item(Out* o, const StreamState& s, std::string_view text, bool done) {
  fmt_to(o,
         "{{\"id\":\"msg_{}\",\"type\":\"message\",\"status\":\"{}\",\"role\":\"assistant\","
         "\"content\":[",
         id_suffix(s.ident.id), done ? "completed" : "in_progress");
  if (done) {
    o->append("{\"type\":\"output_text\",\"text\":");
    append_json_quoted(o, text);
    o->append(",\"annotations\":[]}");
  }
  o->append("]}");
}

/// The `response` object of created / in_progress / completed / incomplete events and the
/// non-streaming body.
void response_object(Out* o, const StreamState& s, std::string_view status, bool final,
                     std::string_view content, std::string_view reasoning) {
  fmt_to(o,
         "{{\"id\":\"{}\",\"object\":\"response\",\"created_at\":{},\"status\":\"{}\","
         "\"model\":{},\"output\":[",
         s.ident.id, s.ident.created_s, status, s.ident.model_json);
  if (final) {
    if (s.reasoning > 0) {
      reasoning_item(o, s, reasoning, true);
      o->push_back(',');
    }
    message_item(o, s, content, true);
  }
  o->append("],\"incomplete_details\":");
  if (final && s.length_stop)
    o->append("{\"reason\":\"max_output_tokens\"}");
  else
    o->append("null");
  o->append(",\"usage\":");
  if (final)
    responses_usage(o, s.usage);
  else
    o->append("null");
  o->push_back('}');
}

void responses_event(Out* sse, const SseFramer& f, StreamState& s, std::string_view type,
                     const std::string& body_fields) {
  thread_local Out json;
  json.clear();
  fmt_to(&json, "{{\"type\":\"{}\",\"sequence_number\":{}", type, s.sequence++);
  json += body_fields;
  json.push_back('}');
  f.append_named_event(sse, type, json);
}

void responses_item_added(Out* sse, const SseFramer& f, StreamState& s, bool reasoning) {
  thread_local Out fields;
  fields.clear();
  fmt_to(&fields, ",\"output_index\":{},\"item\":", reasoning ? 0 : message_index(s));
  if (reasoning)
    reasoning_item(&fields, s, {}, false);
  else
    message_item(&fields, s, {}, false);
  responses_event(sse, f, s, "response.output_item.added", fields);
  if (!reasoning) {
    fields.clear();
    fmt_to(&fields,
           ",\"item_id\":\"msg_{}\",\"output_index\":{},\"content_index\":0,\"part\":{{\"type\":"
           "\"output_text\",\"text\":\"\",\"annotations\":[]}}",
           id_suffix(s.ident.id), message_index(s));
    responses_event(sse, f, s, "response.content_part.added", fields);
  }
}

// ---- Anthropic Messages ------------------------------------------------------------------------

void anthropic_usage(Out* o, const UsageCounts& u, int64_t output_tokens) {
  fmt_to(o,
         "{{\"input_tokens\":{},\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":{},"
         "\"output_tokens\":{}}}",
         u.prompt_tokens, u.cached_tokens, output_tokens);
}

void anthropic_event(Out* sse, const SseFramer& f, std::string_view type, const Out& json) {
  f.append_named_event(sse, type, json);
}

void anthropic_block_start(Out* sse, const SseFramer& f, int64_t index, bool thinking) {
  thread_local Out json;
  json.clear();
  fmt_to(&json, "{{\"type\":\"content_block_start\",\"index\":{},\"content_block\":{}}}", index,
         thinking ? "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"
                  : "{\"type\":\"text\",\"text\":\"\"}");
  anthropic_event(sse, f, "content_block_start", json);
}

void anthropic_block_stop(Out* sse, const SseFramer& f, int64_t index) {
  thread_local Out json;
  json.clear();
  fmt_to(&json, "{{\"type\":\"content_block_stop\",\"index\":{}}}", index);
  anthropic_event(sse, f, "content_block_stop", json);
}

std::string signature_of(const StreamState& s) {
  return fmt::format("mock-signature-{}", id_suffix(s.ident.id));
}

// ---- TGI ---------------------------------------------------------------------------------------

void tgi_details(Out* o, const StreamState& s) {
  fmt_to(o, "{{\"finish_reason\":\"{}\",\"generated_tokens\":{},\"seed\":null}}", stop_reason(s),
         s.total);
}

// ---- Images ------------------------------------------------------------------------------------

// A 1x1 PNG: every generated image (the mock does not paint).
constexpr std::string_view kPngB64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+"
    "M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

void images_usage(Out* o, const UsageCounts& u) {
  fmt_to(o,
         "{{\"input_tokens\":{},\"input_tokens_details\":{{\"text_tokens\":{},\"image_tokens\":0}},"
         "\"output_tokens\":{},\"total_tokens\":{}}}",
         u.prompt_tokens, u.prompt_tokens, u.completion_tokens,
         u.prompt_tokens + u.completion_tokens);
}

}  // namespace

std::string_view stop_reason(const StreamState& s) {
  switch (s.format) {
    case WireFormat::kMessages:
      return s.length_stop ? "max_tokens" : "end_turn";
    case WireFormat::kTgi:
      return s.length_stop ? "length" : "eos_token";
    default:
      return s.length_stop ? "length" : "stop";
  }
}

bool final_needs_text(WireFormat f) {
  return f == WireFormat::kResponses || f == WireFormat::kTgi;
}

void append_prelude(std::string* sse, const SseFramer& f, StreamState& s) {
  if (s.format == WireFormat::kResponses) {
    thread_local Out fields;
    for (std::string_view type : {"response.created", "response.in_progress"}) {
      fields.assign(",\"response\":");
      response_object(&fields, s, "in_progress", false, {}, {});
      responses_event(sse, f, s, type, fields);
    }
    responses_item_added(sse, f, s, s.reasoning > 0);
  } else if (s.format == WireFormat::kMessages) {
    thread_local Out json;
    json.clear();
    fmt_to(&json,
           "{{\"type\":\"message_start\",\"message\":{{\"id\":\"{}\",\"type\":\"message\","
           "\"role\":\"assistant\",\"model\":{},\"content\":[],\"stop_reason\":null,"
           "\"stop_sequence\":null,\"usage\":",
           s.ident.id, s.ident.model_json);
    anthropic_usage(&json, s.usage, s.total > 0 ? 1 : 0);
    json += "}}";
    anthropic_event(sse, f, "message_start", json);
    anthropic_block_start(sse, f, 0, s.reasoning > 0);
    anthropic_event(sse, f, "ping", "{\"type\":\"ping\"}");
  }
}

void append_token_event(std::string* sse, const SseFramer& f, StreamState& s, int64_t first,
                        int64_t end, std::string_view text, std::string_view full_content,
                        const UsageCounts* running) {
  const bool reasoning = first < s.reasoning;
  const bool last = end >= s.total;
  thread_local Out json;
  json.clear();
  switch (s.format) {
    case WireFormat::kChat:
    case WireFormat::kCompletions:
      append_chunk_json(&json, s.ident, text, first == 0 && s.ident.chat, reasoning,
                        last ? stop_reason(s) : std::string_view(), running);
      if (first == 0 && s.pad_bytes > 0) {
        // --sse-pad-bytes: one huge SSE line (an extra member the client must skip).
        json.insert(1, "\"x_pad\":\"" + std::string(s.pad_bytes, 'a') + "\",");
      }
      f.append_event(sse, json);
      return;
    case WireFormat::kResponses: {
      thread_local Out fields;
      fields.clear();
      if (reasoning) {
        fmt_to(&fields, ",\"item_id\":\"rs_{}\",\"output_index\":0,\"content_index\":0,\"delta\":",
               id_suffix(s.ident.id));
      } else {
        fmt_to(&fields,
               ",\"item_id\":\"msg_{}\",\"output_index\":{},\"content_index\":0,\"delta\":",
               id_suffix(s.ident.id), message_index(s));
      }
      append_json_quoted(&fields, text);
      if (!reasoning) fields += ",\"logprobs\":[]";
      responses_event(sse, f, s,
                      reasoning ? "response.reasoning_text.delta" : "response.output_text.delta",
                      fields);
      return;
    }
    case WireFormat::kMessages:
      fmt_to(&json,
             "{{\"type\":\"content_block_delta\",\"index\":{},\"delta\":{{\"type\":\"{}\",\"{}\":",
             reasoning ? 0 : (s.reasoning > 0 ? 1 : 0), reasoning ? "thinking_delta" : "text_delta",
             reasoning ? "thinking" : "text");
      append_json_quoted(&json, text);
      json += "}}";
      anthropic_event(sse, f, "content_block_delta", json);
      return;
    case WireFormat::kTritonGenerate:
      fmt_to(&json,
             "{{\"model_name\":{},\"model_version\":\"1\",\"text_output\":", s.ident.model_json);
      append_json_quoted(&json, text);
      json += "}";
      f.append_event(sse, json);
      return;
    case WireFormat::kTgi:
      fmt_to(&json, "{{\"index\":{},\"token\":{{\"id\":{},\"text\":", end, 1000 + (first % 50000));
      append_json_quoted(&json, text);
      json += ",\"logprob\":-0.1,\"special\":false},\"generated_text\":";
      if (last) {
        append_json_quoted(&json, full_content);
        json += ",\"details\":";
        tgi_details(&json, s);
      } else {
        json += "null,\"details\":null";
      }
      json += ",\"top_tokens\":null}";
      f.append_event(sse, json);
      return;
    case WireFormat::kImages: {
      const bool completed = last;
      const char* type =
          completed ? "image_generation.completed" : "image_generation.partial_image";
      fmt_to(&json,
             "{{\"type\":\"{}\",\"b64_json\":\"{}\",\"created_at\":{},\"size\":"
             "\"1024x1024\",\"quality\":\"low\",\"background\":\"opaque\","
             "\"output_format\":\"png\"",
             type, kPngB64, s.ident.created_s);
      if (completed) {
        json += ",\"usage\":";
        images_usage(&json, s.usage);
      } else {
        fmt_to(&json, ",\"partial_image_index\":{}", first);
      }
      json.push_back('}');
      f.append_named_event(sse, type, json);
      return;
    }
  }
}

void append_transition(std::string* sse, const SseFramer& f, StreamState& s,
                       std::string_view full_reasoning) {
  if (s.format == WireFormat::kResponses) {
    thread_local Out fields;
    fields.clear();
    fmt_to(&fields, ",\"item_id\":\"rs_{}\",\"output_index\":0,\"content_index\":0,\"text\":",
           id_suffix(s.ident.id));
    append_json_quoted(&fields, full_reasoning);
    responses_event(sse, f, s, "response.reasoning_text.done", fields);
    fields.assign(",\"output_index\":0,\"item\":");
    reasoning_item(&fields, s, full_reasoning, true);
    responses_event(sse, f, s, "response.output_item.done", fields);
    responses_item_added(sse, f, s, false);
  } else if (s.format == WireFormat::kMessages) {
    thread_local Out json;
    json.clear();
    fmt_to(
        &json,
        "{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"signature_delta\","
        "\"signature\":\"{}\"}}}}",
        signature_of(s));
    anthropic_event(sse, f, "content_block_delta", json);
    anthropic_block_stop(sse, f, 0);
    anthropic_block_start(sse, f, 1, false);
  }
}

void append_final(std::string* sse, const SseFramer& f, StreamState& s, bool include_usage,
                  std::string_view full_content, std::string_view full_reasoning) {
  thread_local Out json;
  json.clear();
  switch (s.format) {
    case WireFormat::kChat:
    case WireFormat::kCompletions:
      if (include_usage) {
        append_usage_chunk_json(&json, s.ident, s.usage);
        f.append_event(sse, json);
      }
      if (!s.no_done) f.append_event(sse, "[DONE]");
      return;
    case WireFormat::kResponses: {
      // A reasoning-only answer (the limit reached while thinking) still closes its item.
      if (s.reasoning > 0 && s.reasoning >= s.total) append_transition(sse, f, s, full_reasoning);
      thread_local Out fields;
      const std::string msg = fmt::format("msg_{}", id_suffix(s.ident.id));
      fields.clear();
      fmt_to(&fields, ",\"item_id\":\"{}\",\"output_index\":{},\"content_index\":0,\"text\":", msg,
             message_index(s));
      append_json_quoted(&fields, full_content);
      fields += ",\"logprobs\":[]";
      responses_event(sse, f, s, "response.output_text.done", fields);
      fields.clear();
      fmt_to(&fields,
             ",\"item_id\":\"{}\",\"output_index\":{},\"content_index\":0,\"part\":{{\"type\":"
             "\"output_text\",\"text\":",
             msg, message_index(s));
      append_json_quoted(&fields, full_content);
      fields += ",\"annotations\":[]}";
      responses_event(sse, f, s, "response.content_part.done", fields);
      fields.clear();
      fmt_to(&fields, ",\"output_index\":{},\"item\":", message_index(s));
      message_item(&fields, s, full_content, true);
      responses_event(sse, f, s, "response.output_item.done", fields);
      fields.assign(",\"response\":");
      response_object(&fields, s, s.length_stop ? "incomplete" : "completed", true, full_content,
                      full_reasoning);
      responses_event(sse, f, s, s.length_stop ? "response.incomplete" : "response.completed",
                      fields);
      return;
    }
    case WireFormat::kMessages: {
      if (s.reasoning > 0 && s.reasoning >= s.total) {  // thinking only: close it, no text
        fmt_to(&json,
               "{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":"
               "\"signature_delta\",\"signature\":\"{}\"}}}}",
               signature_of(s));
        anthropic_event(sse, f, "content_block_delta", json);
        anthropic_block_stop(sse, f, 0);
      } else {
        anthropic_block_stop(sse, f, s.reasoning > 0 ? 1 : 0);
      }
      json.clear();
      fmt_to(&json,
             "{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"{}\","
             "\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{}}}}}",
             stop_reason(s), s.usage.completion_tokens);
      anthropic_event(sse, f, "message_delta", json);
      anthropic_event(sse, f, "message_stop", "{\"type\":\"message_stop\"}");
      return;
    }
    case WireFormat::kTgi:
      if (s.total == 0) {  // no token event carried the end: one with an empty special token
        json +=
            "{\"index\":0,\"token\":{\"id\":0,\"text\":\"\",\"logprob\":0.0,"
            "\"special\":true},\"generated_text\":\"\",\"details\":";
        tgi_details(&json, s);
        json += ",\"top_tokens\":null}";
        f.append_event(sse, json);
      }
      return;  // TGI sends no [DONE]
    case WireFormat::kTritonGenerate:
      return;  // Triton's stream just ends
    case WireFormat::kImages:
      return;
  }
}

std::string full_body(const StreamState& s, std::string_view content, std::string_view reasoning) {
  std::string out;
  out.reserve(content.size() + reasoning.size() + 512);
  switch (s.format) {
    case WireFormat::kChat:
      return chat_completion_body(s.ident, content, reasoning, stop_reason(s), s.usage);
    case WireFormat::kCompletions:
      return text_completion_body(s.ident, content, stop_reason(s), s.usage);
    case WireFormat::kResponses:
      response_object(&out, s, s.length_stop ? "incomplete" : "completed", true, content,
                      reasoning);
      return out;
    case WireFormat::kMessages:
      fmt_to(&out,
             "{{\"id\":\"{}\",\"type\":\"message\",\"role\":\"assistant\",\"model\":{},"
             "\"content\":[",
             s.ident.id, s.ident.model_json);
      if (!reasoning.empty()) {
        out += "{\"type\":\"thinking\",\"thinking\":";
        append_json_quoted(&out, reasoning);
        fmt_to(&out, ",\"signature\":\"{}\"}}", signature_of(s));
        if (!content.empty()) out.push_back(',');
      }
      if (!content.empty() || reasoning.empty()) {
        out += "{\"type\":\"text\",\"text\":";
        append_json_quoted(&out, content);
        out.push_back('}');
      }
      fmt_to(&out, "],\"stop_reason\":\"{}\",\"stop_sequence\":null,\"usage\":", stop_reason(s));
      anthropic_usage(&out, s.usage, s.usage.completion_tokens);
      out.push_back('}');
      return out;
    case WireFormat::kTgi:
      out = "{\"generated_text\":";
      append_json_quoted(&out, content);
      out.push_back('}');
      return out;
    case WireFormat::kTritonGenerate:
      fmt_to(&out,
             "{{\"model_name\":{},\"model_version\":\"1\",\"text_output\":", s.ident.model_json);
      append_json_quoted(&out, content);
      out.push_back('}');
      return out;
    case WireFormat::kImages:
      fmt_to(&out, "{{\"created\":{},\"data\":[", s.ident.created_s);
      for (int64_t i = 0; i < s.total; ++i) {
        if (i) out.push_back(',');
        fmt_to(&out, "{{\"b64_json\":\"{}\",\"revised_prompt\":null}}", kPngB64);
      }
      out +=
          "],\"background\":\"opaque\",\"output_format\":\"png\",\"quality\":\"low\","
          "\"size\":\"1024x1024\",\"usage\":";
      images_usage(&out, s.usage);
      out.push_back('}');
      return out;
  }
  return out;
}

}  // namespace aiperf::mock

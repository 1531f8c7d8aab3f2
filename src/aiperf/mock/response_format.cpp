#include "aiperf/mock/response_format.h"

#include "aiperf/common/http_status.h"

#include <fmt/format.h>

namespace aiperf::mock {

void append_json_quoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (u < 0x20) {
          fmt::format_to(std::back_inserter(*out), "\\u{:04x}", u);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_quoted(&out, s);
  return out;
}

namespace {
void append_head(std::string* out, const ChunkIdentity& id, bool chunk) {
  out->append("{\"id\":\"");
  out->append(id.id);
  out->append(id.chat ? (chunk ? "\",\"object\":\"chat.completion.chunk\",\"created\":"
                               : "\",\"object\":\"chat.completion\",\"created\":")
                      : "\",\"object\":\"text_completion\",\"created\":");
  fmt::format_to(std::back_inserter(*out), "{}", id.created_s);
  out->append(",\"model\":");
  out->append(id.model_json);
}
}  // namespace

void append_usage_json(std::string* out, const UsageCounts& u);

void append_chunk_json(std::string* out, const ChunkIdentity& id, std::string_view text, bool role,
                       bool reasoning, std::string_view finish_reason, const UsageCounts* usage) {
  append_head(out, id, true);
  if (id.chat) {
    out->append(",\"choices\":[{\"index\":0,\"delta\":{");
    if (role) out->append("\"role\":\"assistant\",");
    out->append(reasoning ? "\"reasoning_content\":" : "\"content\":");
    append_json_quoted(out, text);
    out->append("},\"logprobs\":null,\"finish_reason\":");
  } else {
    out->append(",\"choices\":[{\"index\":0,\"text\":");
    append_json_quoted(out, text);
    out->append(",\"logprobs\":null,\"finish_reason\":");
  }
  if (finish_reason.empty()) {
    out->append("null");
  } else {
    out->push_back('"');
    out->append(finish_reason);
    out->push_back('"');
  }
  out->append("}]");
  if (usage) {
    out->append(",\"usage\":");
    append_usage_json(out, *usage);
  }
  out->push_back('}');
}

void append_usage_json(std::string* out, const UsageCounts& u) {
  fmt::format_to(std::back_inserter(*out),
                 "{{\"prompt_tokens\":{},\"completion_tokens\":{},\"total_tokens\":{},"
                 "\"prompt_tokens_details\":{{\"cached_tokens\":{}}}",
                 u.prompt_tokens, u.completion_tokens, u.prompt_tokens + u.completion_tokens,
                 u.cached_tokens);
  if (u.details) {
    fmt::format_to(std::back_inserter(*out),
                   ",\"completion_tokens_details\":{{\"reasoning_tokens\":{},"
                   "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}",
                   u.reasoning_tokens);
  }
  out->push_back('}');
}

void append_usage_chunk_json(std::string* out, const ChunkIdentity& id, const UsageCounts& u) {
  append_head(out, id, true);
  out->append(",\"choices\":[],\"usage\":");
  append_usage_json(out, u);
  out->push_back('}');
}

SseFramer::SseFramer(const MockOptions& o)
    : eol_(o.sse_line_ending == SseLineEnding::kCrLf ? "\r\n"
           : o.sse_line_ending == SseLineEnding::kCr ? "\r"
                                                     : "\n"),
      no_space_(o.sse_no_space),
      multiline_(o.sse_multiline_data) {}

void SseFramer::append_event(std::string* out, std::string_view data) const {
  std::string_view prefix = no_space_ ? "data:" : "data: ";
  if (multiline_ && data.size() > 2 && data.front() == '{') {
    // Split after the first field: the receiver joins data lines with '\n', which JSON accepts
    // as whitespace, so the event still parses.
    size_t comma = data.find(",\"");
    if (comma != std::string_view::npos) {
      out->append(prefix);
      out->append(data.substr(0, comma));
      out->append(eol_);
      out->append(prefix);
      out->append(data.substr(comma));
      out->append(eol_);
      out->append(eol_);
      return;
    }
  }
  out->append(prefix);
  out->append(data);
  out->append(eol_);
  out->append(eol_);
}

void SseFramer::append_named_event(std::string* out, std::string_view event,
                                   std::string_view data) const {
  out->append(no_space_ ? "event:" : "event: ");
  out->append(event);
  out->append(eol_);
  append_event(out, data);
}

void SseFramer::append_comment(std::string* out, std::string_view text) const {
  out->append(": ");
  out->append(text);
  out->append(eol_);
  out->append(eol_);
}

std::string chat_completion_body(const ChunkIdentity& id, std::string_view content,
                                 std::string_view reasoning, std::string_view finish_reason,
                                 const UsageCounts& u) {
  std::string out;
  out.reserve(content.size() + reasoning.size() + 512);
  append_head(&out, id, false);
  out.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
  out.append(json_quote(content));
  if (!reasoning.empty()) {
    out.append(",\"reasoning_content\":");
    out.append(json_quote(reasoning));
  }
  out.append("},\"logprobs\":null,\"finish_reason\":\"");
  out.append(finish_reason);
  out.append("\"}],\"usage\":");
  append_usage_json(&out, u);
  out.push_back('}');
  return out;
}

std::string text_completion_body(const ChunkIdentity& id, std::string_view text,
                                 std::string_view finish_reason, const UsageCounts& u) {
  std::string out;
  out.reserve(text.size() + 512);
  append_head(&out, id, false);
  out.append(",\"choices\":[{\"index\":0,\"text\":");
  out.append(json_quote(text));
  out.append(",\"logprobs\":null,\"finish_reason\":\"");
  out.append(finish_reason);
  out.append("\"}],\"usage\":");
  append_usage_json(&out, u);
  out.push_back('}');
  return out;
}

std::string error_body(int status, std::string_view message, std::string_view type) {
  return fmt::format("{{\"error\":{{\"message\":{},\"type\":{},\"param\":null,\"code\":{}}}}}",
                     json_quote(message), json_quote(type), status);
}

std::string_view status_reason(int status) {
  std::string_view p = http_status_phrase(status);
  return p.empty() ? std::string_view("Status") : p;
}

}  // namespace aiperf::mock

// libFuzzer target: every endpoint's response parser (Endpoint::parse) and the template
// endpoint's response_field path, routed by the first byte (mod the number of endpoint types);
// the rest is one response message (an SSE event's data or a whole body). Oracle: parse()
// returns, never throws or crashes; what it reports keeps the ParsedResponse invariants (a data
// kind only with its payload, usage flag consistent, an error only with has_error).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/endpoint/endpoint.h"

using namespace aiperf;

namespace {

std::vector<std::unique_ptr<endpoint::Endpoint>>& endpoints() {
  static std::vector<std::unique_ptr<endpoint::Endpoint>> eps = [] {
    std::vector<std::unique_ptr<endpoint::Endpoint>> v;
    for (std::string_view name : config::endpoint_type_names()) {
      config::Config cfg;
      cfg.models = {"m"};
      cfg.endpoint_type = config::EndpointType::kChat;
      for (size_t i = 0; i < config::endpoint_type_names().size(); ++i)
        if (config::endpoint_type_names()[i] == name) cfg.endpoint_type = config::EndpointType(i);
      // The template endpoint reads a field path too: fuzz it through response_field.
      cfg.extra_inputs_json =
          R"({"payload_template":"{}","response_field":"data[*].embedding[0]"})";
      v.push_back(endpoint::create(cfg));
    }
    return v;
  }();
  return eps;
}

void check(const endpoint::ParsedResponse& p, bool ok) {
  using endpoint::DataKind;
  if (!ok && (p.has_data() || p.has_usage || p.has_error)) __builtin_trap();
  if (ok && !(p.has_data() || p.has_usage || p.has_error)) __builtin_trap();
  switch (p.kind) {
    case DataKind::kNone:
      if (!p.content.empty() || !p.tool_call_text.empty()) __builtin_trap();
      break;
    case DataKind::kText:
      if (p.content.empty()) __builtin_trap();
      break;
    case DataKind::kReasoning:
      if (p.reasoning.empty()) __builtin_trap();
      break;
    case DataKind::kToolCall:
      if (p.tool_call_text.empty()) __builtin_trap();
      break;
    case DataKind::kEmbeddings:
    case DataKind::kRankings:
    case DataKind::kImage:
    case DataKind::kVideo:
      break;
  }
  if (p.final_text && p.kind != DataKind::kText) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto& eps = endpoints();
  endpoint::Endpoint& ep = *eps[data[0] % eps.size()];
  std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  endpoint::ParsedResponse p;
  bool ok = ep.parse(payload, p);
  check(p, ok);
  // Parsing again into the same, now dirty, ParsedResponse gives the same answer.
  const endpoint::ParsedResponse first = p;
  bool ok2 = ep.parse(payload, p);
  if (ok2 != ok || first.kind != p.kind || first.content != p.content ||
      first.reasoning != p.reasoning || first.items != p.items || first.has_usage != p.has_usage)
    __builtin_trap();
  return 0;
}

// libFuzzer target: the OpenAI-shaped response parser the record processors run on every
// message a server sends (endpoint/openai_parse.cpp, chat and completions). Oracles: it never
// crashes; a parse that reports data has a kind; parsing the same payload twice into a reused
// ParsedResponse gives the same result (no state leaks between messages).
//
// Input layout: byte 0 = API (even: chat, odd: completions), rest = the message payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aiperf/endpoint/json_scan.h"
#include "aiperf/endpoint/openai_parse.h"

using aiperf::endpoint::ParsedResponse;
using aiperf::endpoint::detail::OpenAiApi;
using aiperf::endpoint::detail::parse_openai;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const OpenAiApi api = data[0] % 2 ? OpenAiApi::kCompletions : OpenAiApi::kChat;
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  static ParsedResponse reused;  // keeps buffers across inputs, as the processors do
  ParsedResponse fresh;
  const bool a = parse_openai(payload, api, reused);
  const bool b = parse_openai(payload, api, fresh);
  if (a != b || reused.kind != fresh.kind || reused.content != fresh.content ||
      reused.reasoning != fresh.reasoning || reused.tool_call_text != fresh.tool_call_text ||
      reused.has_usage != fresh.has_usage || reused.has_error != fresh.has_error) {
    std::abort();
  }
  if (fresh.kind != aiperf::endpoint::DataKind::kNone && !b) std::abort();
  (void)aiperf::endpoint::detail::parse_usage_json(payload, fresh.usage);
  return 0;
}

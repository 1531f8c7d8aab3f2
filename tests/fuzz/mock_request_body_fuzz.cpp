// libFuzzer target: the mock server's parser of inference request bodies (mock/request_body.cpp:
// chat, completions, embeddings), which reads whatever a client POSTs. Oracles: it never
// crashes, and a body it accepts has sane fields (no token-id count below the "none" marker -1,
// one token-id count per embeddings input).
//
// Input layout: byte 0 = API (0 chat, 1 completions, 2 embeddings, modulo 3), rest = the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "aiperf/mock/request_body.h"

using aiperf::mock::ApiKind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr ApiKind kKinds[] = {ApiKind::kChat, ApiKind::kCompletions, ApiKind::kEmbeddings};
  const ApiKind kind = kKinds[data[0] % 3];
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  aiperf::mock::InferenceRequest req;
  std::string err = aiperf::mock::parse_inference_request(kind, body, &req);
  if (err.empty()) {
    if (req.prompt_token_ids < -1) std::abort();
    if (req.inputs.size() != req.input_token_ids.size()) std::abort();
  }
  return 0;
}

// libFuzzer target: what a KServe v2 gRPC server sends back (serialized ModelStreamInferResponse
// bytes, read by kserve::decode_stream_response and its text_output reader), and the rendered
// bodies the client turns into tensors (kserve::build_request). First byte: 0 = a response,
// 1 = a TensorRT-LLM body, 2 = a vLLM body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/kserve/tensors.h"
#include "kserve_v2.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  using namespace aiperf::kserve;
  std::string err;
  if (mode == 0) {
    std::string stream_error;
    ResponseText text;
    if (decode_stream_response(in, stream_error, text, &err) && text.has_text) {
      std::string json;
      append_text_output_json(json, text.text);
      if (json.size() < text.text.size() + 17) __builtin_trap();  // {"text_output":""} at least
    }
    return 0;
  }
  inference::ModelInferRequest req;
  if (build_request(in, mode == 1 ? Backend::kTensorrtllm : Backend::kVllm, true, req, &err)) {
    // What the mock reads back from it must not crash either.
    (void)input_bytes(req, "text_input");
    (void)input_int(req, "max_tokens");
    (void)input_bool(req, "stream");
    if (req.inputs_size() != req.raw_input_contents_size()) __builtin_trap();
  }
  return 0;
}

// KServe v2 tensors as Triton's LLM backends take them (docs/triton.md): a request body rendered
// as GenAI-Perf's inputs.json rows ({"model": M, "text_input": ["..."], "max_tokens": [256],
// "stream": [true], ...}: one key per input tensor, each a one-element list) becomes a
// ModelInferRequest with the TensorRT-LLM or vLLM backend's datatypes and shapes; a response's
// `text_output` tensor (raw or typed contents) becomes text. Used by the client (kserve/
// grpc_client.h) and by the mock server's gRPC side. No gRPC calls here: pure conversions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inference {
class ModelInferRequest;
class ModelInferResponse;
}  // namespace inference

namespace aiperf::kserve {

/// Which Triton backend's tensors (GenAI-Perf's --backend).
enum class Backend : uint8_t { kTensorrtllm, kVllm };
const char* to_string(Backend b);  // "tensorrtllm", "vllm"

/// The request parameter that asks a decoupled model for an empty last response flagged
/// `triton_final_response` (what perf_analyzer sets for streaming), and that flag.
inline constexpr std::string_view kEnableEmptyFinal = "triton_enable_empty_final_response";
inline constexpr std::string_view kFinalResponse = "triton_final_response";

/// Builds `out` from a rendered body (see above). The "model" key names the model (not a tensor);
/// every other key is an input tensor: its datatype from the backend's table (TensorRT-LLM:
/// max_tokens INT32, temperature FP32, random_seed UINT64, ...), else from the JSON value (string
/// BYTES, boolean BOOL, integer INT32, number FP32); shape [1, 1] for TensorRT-LLM (its ensemble
/// batches), [1] for vLLM. Values go into raw_input_contents, as perf_analyzer sends them.
/// `streaming` adds kEnableEmptyFinal. Returns false with `error` set on a body that is not such
/// an object.
bool build_request(std::string_view body, Backend backend, bool streaming,
                   inference::ModelInferRequest& out, std::string* error);

/// What one response carried.
struct ResponseText {
  bool has_text = false;  // a text_output tensor was present
  std::string text;       // its elements, concatenated
  bool final = false;     // parameters[triton_final_response] was true
};

/// Reads `text_output` from `resp` (raw_output_contents: 4-byte little-endian length + bytes per
/// element; or contents.bytes_contents). Returns false with `error` set when the tensor's
/// contents are malformed (a length past the end, no contents for it).
bool read_response(const inference::ModelInferResponse& resp, ResponseText& out,
                   std::string* error);

/// Decodes serialized ModelStreamInferResponse bytes (the fuzzed entry point): its
/// error_message into `stream_error`, its response into `out`. False when the bytes are not
/// such a message or read_response fails.
bool decode_stream_response(std::string_view wire, std::string& stream_error, ResponseText& out,
                            std::string* error);

/// Appends {"text_output":"<text, JSON-escaped>"}: how a gRPC response is kept in a
/// RequestRecord, parsed later like the HTTP generate extension's events.
void append_text_output_json(std::string& out, std::string_view text);

// ---- the server side (mock) -------------------------------------------------------------------

/// An input tensor's first element: BYTES as text, BOOL, integers, floats (raw or typed).
std::optional<std::string> input_bytes(const inference::ModelInferRequest& req,
                                       std::string_view name);
std::optional<int64_t> input_int(const inference::ModelInferRequest& req, std::string_view name);
std::optional<bool> input_bool(const inference::ModelInferRequest& req, std::string_view name);
/// A request parameter that is a true bool.
bool param_true(const inference::ModelInferRequest& req, std::string_view name);

/// Sets `resp`'s text_output (BYTES, shape [1, 1] or [1]) to `text`, raw contents as Triton
/// sends them.
void set_text_output(inference::ModelInferResponse& resp, std::string_view text, bool batched);

}  // namespace aiperf::kserve

#include "aiperf/kserve/tensors.h"

#include "aiperf/export/json_writer.h"

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kserve_v2.pb.h"

namespace aiperf::kserve {

namespace {

using Tensor = inference::ModelInferRequest::InferInputTensor;

/// The TensorRT-LLM backend's ensemble inputs that are not BYTES or guessed right from JSON.
struct Typed {
  std::string_view name;
  std::string_view datatype;
};
constexpr Typed kTrtllmTypes[] = {
    {"text_input", "BYTES"},
    {"decoder_text_input", "BYTES"},
    {"bad_words", "BYTES"},
    {"stop_words", "BYTES"},
    {"max_tokens", "INT32"},
    {"min_length", "INT32"},
    {"min_tokens", "INT32"},
    {"end_id", "INT32"},
    {"pad_id", "INT32"},
    {"top_k", "INT32"},
    {"beam_width", "INT32"},
    {"num_return_sequences", "INT32"},
    {"top_p", "FP32"},
    {"temperature", "FP32"},
    {"length_penalty", "FP32"},
    {"repetition_penalty", "FP32"},
    {"presence_penalty", "FP32"},
    {"frequency_penalty", "FP32"},
    {"random_seed", "UINT64"},
    {"stream", "BOOL"},
    {"return_log_probs", "BOOL"},
    {"return_context_logits", "BOOL"},
    {"return_generation_logits", "BOOL"},
    {"exclude_input_in_output", "BOOL"},
};
/// The vLLM backend's inputs (sampling parameters travel as one JSON string).
constexpr Typed kVllmTypes[] = {
    {"text_input", "BYTES"},
    {"sampling_parameters", "BYTES"},
    {"stream", "BOOL"},
    {"exclude_input_in_output", "BOOL"},
    {"return_finish_reason", "BOOL"},
    {"return_cumulative_logprob", "BOOL"},
    {"return_num_input_tokens", "BOOL"},
    {"return_num_output_tokens", "BOOL"},
};

std::string_view table_type(Backend b, std::string_view name) {
  if (b == Backend::kTensorrtllm) {
    for (const auto& t : kTrtllmTypes)
      if (t.name == name) return t.datatype;
  } else {
    for (const auto& t : kVllmTypes)
      if (t.name == name) return t.datatype;
  }
  return {};
}

std::string_view guessed_type(const simdjson::dom::element& v) {
  switch (v.type()) {
    case simdjson::dom::element_type::BOOL:
      return "BOOL";
    case simdjson::dom::element_type::INT64: {
      int64_t i = 0;
      if (v.get_int64().get(i) != simdjson::SUCCESS) return "INT64";
      return i >= INT32_MIN && i <= INT32_MAX ? "INT32" : "INT64";
    }
    case simdjson::dom::element_type::UINT64:
      return "UINT64";
    case simdjson::dom::element_type::DOUBLE:
      return "FP32";
    default:
      return "BYTES";
  }
}

template <typename T>
void put(std::string& raw, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // little-endian hosts (x86-64, aarch64), as the protocol
  raw.append(b, sizeof(T));
}

/// One element of `datatype` appended to `raw`. False when the JSON value does not fit it.
bool append_element(std::string& raw, std::string_view datatype, const simdjson::dom::element& v) {
  using ET = simdjson::dom::element_type;
  if (datatype == "BYTES") {
    std::string text;
    std::string_view sv;
    if (!v.get_string().get(sv)) {
      text = std::string(sv);
    } else {
      text = simdjson::minify(v);  // a JSON object or number sent as its text
    }
    put<uint32_t>(raw, uint32_t(text.size()));
    raw += text;
    return true;
  }
  if (datatype == "BOOL") {
    bool b = false;
    if (v.get_bool().get(b)) return false;
    raw.push_back(b ? 1 : 0);
    return true;
  }
  // Integers are kept exact; a value that does not fit the datatype is refused (the conversion
  // would be undefined, and the server would get a number nobody sent).
  double d = 0;
  int64_t i64 = 0;
  uint64_t u64 = 0;
  const bool is_i64 = v.type() == ET::INT64 && !v.get_int64().get(i64);
  const bool is_u64 = !is_i64 && v.type() == ET::UINT64 && !v.get_uint64().get(u64);
  if (is_i64) {
    d = double(i64);
  } else if (is_u64) {
    d = double(u64);
  } else if (v.type() != ET::DOUBLE || v.get_double().get(d)) {
    return false;
  }
  if (datatype == "INT32") {
    if (!(d >= -2147483648.0 && d < 2147483648.0)) return false;
    put<int32_t>(raw, is_i64 ? int32_t(i64) : int32_t(d));
  } else if (datatype == "UINT64") {
    if (is_i64 && i64 < 0) return false;
    if (!is_i64 && !is_u64 && !(d >= 0.0 && d < 18446744073709551616.0)) return false;
    put<uint64_t>(raw, is_i64 ? uint64_t(i64) : is_u64 ? u64 : uint64_t(d));
  } else if (datatype == "INT64") {
    if (is_u64 && u64 > uint64_t(INT64_MAX)) return false;
    if (!is_i64 && !is_u64 && !(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
      return false;
    put<int64_t>(raw, is_i64 ? i64 : is_u64 ? int64_t(u64) : int64_t(d));
  } else {
    if (std::isfinite(d) && std::fabs(d) > double(std::numeric_limits<float>::max())) return false;
    put<float>(raw, float(d));
  }
  return true;
}

bool add_tensor(inference::ModelInferRequest& out, Backend backend, std::string_view name,
                const simdjson::dom::element& value, std::string* error) {
  std::vector<simdjson::dom::element> items;
  simdjson::dom::array arr;
  if (!value.get_array().get(arr)) {
    for (auto e : arr) items.push_back(e);
  } else {
    items.push_back(value);
  }
  if (items.empty()) return true;  // an empty list: no tensor
  std::string_view type = table_type(backend, name);
  if (type.empty()) type = guessed_type(items.front());
  Tensor* t = out.add_inputs();
  t->set_name(std::string(name));
  t->set_datatype(std::string(type));
  if (backend == Backend::kTensorrtllm) t->add_shape(1);
  t->add_shape(int64_t(items.size()));
  std::string* raw = out.add_raw_input_contents();
  for (const auto& e : items) {
    if (!append_element(*raw, type, e)) {
      if (error) {
        *error = "input '" + std::string(name) + "' (" + std::string(type) +
                 ") has a value of another type or out of its range: " + simdjson::minify(e);
      }
      return false;
    }
  }
  return true;
}

uint32_t get_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

const char* to_string(Backend b) {
  return b == Backend::kVllm ? "vllm" : "tensorrtllm";
}

bool build_request(std::string_view body, Backend backend, bool streaming,
                   inference::ModelInferRequest& out, std::string* error) {
  thread_local simdjson::dom::parser parser;
  out.Clear();
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) ||
      doc.type() != simdjson::dom::element_type::OBJECT) {
    if (error) *error = "the request body is not a JSON object of input tensors";
    return false;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto field : obj) {
    std::string_view key = field.key;
    if (key == "model") {
      std::string_view m;
      if (!field.value.get_string().get(m)) out.set_model_name(std::string(m));
      continue;
    }
    if (!add_tensor(out, backend, key, field.value, error)) return false;
  }
  if (streaming) (*out.mutable_parameters())[std::string(kEnableEmptyFinal)].set_bool_param(true);
  return true;
}

bool read_response(const inference::ModelInferResponse& resp, ResponseText& out,
                   std::string* error) {
  out.has_text = false;
  out.text.clear();
  out.final = false;
  auto p = resp.parameters().find(std::string(kFinalResponse));
  if (p != resp.parameters().end()) out.final = p->second.bool_param();
  const bool raw = resp.raw_output_contents_size() > 0;
  for (int i = 0; i < resp.outputs_size(); ++i) {
    const auto& t = resp.outputs(i);
    if (t.name() != "text_output") continue;
    out.has_text = true;
    if (raw) {
      if (i >= resp.raw_output_contents_size()) {
        if (error) *error = "text_output has no raw contents";
        return false;
      }
      const std::string& r = resp.raw_output_contents(i);
      size_t at = 0;
      while (at < r.size()) {
        if (r.size() - at < 4) {
          if (error) *error = "text_output's raw contents end inside an element length";
          return false;
        }
        uint32_t n = get_u32(r.data() + at);
        at += 4;
        if (n > r.size() - at) {
          if (error) *error = "text_output's raw contents are shorter than an element's length";
          return false;
        }
        out.text.append(r, at, n);
        at += n;
      }
    } else {
      for (const auto& b : t.contents().bytes_contents()) out.text += b;
    }
    return true;
  }
  return true;
}

bool decode_stream_response(std::string_view wire, std::string& stream_error, ResponseText& out,
                            std::string* error) {
  inference::ModelStreamInferResponse msg;
  if (!msg.ParseFromArray(wire.data(), int(wire.size()))) {
    if (error) *error = "not a ModelStreamInferResponse";
    return false;
  }
  stream_error = msg.error_message();
  return read_response(msg.infer_response(), out, error);
}

void append_text_output_json(std::string& out, std::string_view text) {
  out += "{\"text_output\":";
  exporter::detail::append_json_string(out, text);
  out += '}';
}

// ---- server side ------------------------------------------------------------------------------

namespace {

/// The input tensor `name` and its raw bytes (null when sent as typed contents).
const Tensor* find_input(const inference::ModelInferRequest& req, std::string_view name,
                         const std::string** raw) {
  *raw = nullptr;
  for (int i = 0; i < req.inputs_size(); ++i) {
    if (req.inputs(i).name() != name) continue;
    if (i < req.raw_input_contents_size()) *raw = &req.raw_input_contents(i);
    return &req.inputs(i);
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> input_bytes(const inference::ModelInferRequest& req,
                                       std::string_view name) {
  const std::string* raw;
  const Tensor* t = find_input(req, name, &raw);
  if (!t) return std::nullopt;
  if (raw) {
    if (raw->size() < 4) return std::nullopt;
    uint32_t n = get_u32(raw->data());
    if (n > raw->size() - 4) return std::nullopt;
    return raw->substr(4, n);
  }
  if (t->contents().bytes_contents_size() == 0) return std::nullopt;
  return t->contents().bytes_contents(0);
}

std::optional<int64_t> input_int(const inference::ModelInferRequest& req, std::string_view name) {
  const std::string* raw;
  const Tensor* t = find_input(req, name, &raw);
  if (!t) return std::nullopt;
  const std::string& dt = t->datatype();
  if (raw) {
    if (dt == "INT32" && raw->size() >= 4) {
      int32_t v;
      std::memcpy(&v, raw->data(), 4);
      return v;
    }
    if ((dt == "INT64" || dt == "UINT64") && raw->size() >= 8) {
      int64_t v;
      std::memcpy(&v, raw->data(), 8);
      return v;
    }
    if (dt == "UINT32" && raw->size() >= 4) return int64_t(get_u32(raw->data()));
    return std::nullopt;
  }
  const auto& c = t->contents();
  if (c.int_contents_size()) return c.int_contents(0);
  if (c.int64_contents_size()) return c.int64_contents(0);
  if (c.uint_contents_size()) return c.uint_contents(0);
  if (c.uint64_contents_size()) return int64_t(c.uint64_contents(0));
  return std::nullopt;
}

std::optional<bool> input_bool(const inference::ModelInferRequest& req, std::string_view name) {
  const std::string* raw;
  const Tensor* t = find_input(req, name, &raw);
  if (!t || t->datatype() != "BOOL") return std::nullopt;
  if (raw) {
    if (raw->empty()) return std::nullopt;
    return (*raw)[0] != 0;
  }
  if (t->contents().bool_contents_size() == 0) return std::nullopt;
  return t->contents().bool_contents(0);
}

bool param_true(const inference::ModelInferRequest& req, std::string_view name) {
  auto p = req.parameters().find(std::string(name));
  return p != req.parameters().end() && p->second.bool_param();
}

void set_text_output(inference::ModelInferResponse& resp, std::string_view text, bool batched) {
  auto* t = resp.add_outputs();
  t->set_name("text_output");
  t->set_datatype("BYTES");
  if (batched) t->add_shape(1);
  t->add_shape(1);
  std::string* raw = resp.add_raw_output_contents();
  put<uint32_t>(*raw, uint32_t(text.size()));
  raw->append(text);
}

}  // namespace aiperf::kserve

// KServe v2 tensors (kserve/tensors.h): rendered bodies to ModelInferRequest for both backends,
// text_output read from raw and typed contents, malformed contents refused, and the JSON a
// response is kept as parsed back by the kserve endpoints.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "aiperf/dataset/dataset.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/kserve/grpc_client.h"
#include "aiperf/kserve/tensors.h"
#include "kserve_v2.pb.h"

namespace aiperf::kserve {
namespace {

std::string raw_bytes(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto s : items) {
    uint32_t n = uint32_t(s.size());
    out.append(reinterpret_cast<const char*>(&n), 4);
    out.append(s);
  }
  return out;
}

const inference::ModelInferRequest::InferInputTensor* input(const inference::ModelInferRequest& r,
                                                            const std::string& name, int* index) {
  for (int i = 0; i < r.inputs_size(); ++i) {
    if (r.inputs(i).name() == name) {
      *index = i;
      return &r.inputs(i);
    }
  }
  return nullptr;
}

TEST(KserveTensors, TensorrtllmBodyBecomesBatchedTensors) {
  inference::ModelInferRequest r;
  std::string err;
  ASSERT_TRUE(build_request(
      R"({"model":"ensemble","text_input":["hi there"],"max_tokens":[12],"stream":[true],)"
      R"("temperature":[0.5],"random_seed":[7],"bad_words":[""]})",
      Backend::kTensorrtllm, true, r, &err))
      << err;
  EXPECT_EQ(r.model_name(), "ensemble");
  EXPECT_EQ(r.inputs_size(), r.raw_input_contents_size());
  int i = -1;
  auto* t = input(r, "text_input", &i);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->datatype(), "BYTES");
  ASSERT_EQ(t->shape_size(), 2);
  EXPECT_EQ(t->shape(0), 1);
  EXPECT_EQ(t->shape(1), 1);
  EXPECT_EQ(r.raw_input_contents(i), raw_bytes({"hi there"}));
  t = input(r, "max_tokens", &i);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->datatype(), "INT32");
  int32_t v;
  ASSERT_EQ(r.raw_input_contents(i).size(), 4u);
  std::memcpy(&v, r.raw_input_contents(i).data(), 4);
  EXPECT_EQ(v, 12);
  EXPECT_EQ(input(r, "stream", &i)->datatype(), "BOOL");
  EXPECT_EQ(r.raw_input_contents(i), std::string(1, '\1'));
  EXPECT_EQ(input(r, "temperature", &i)->datatype(), "FP32");
  EXPECT_EQ(input(r, "random_seed", &i)->datatype(), "UINT64");
  EXPECT_EQ(r.raw_input_contents(i).size(), 8u);
  EXPECT_EQ(input(r, "bad_words", &i)->datatype(), "BYTES");
  EXPECT_TRUE(param_true(r, kEnableEmptyFinal));
  // The mock's readers get the values back.
  EXPECT_EQ(input_bytes(r, "text_input"), "hi there");
  EXPECT_EQ(input_int(r, "max_tokens"), 12);
  EXPECT_EQ(input_bool(r, "stream"), true);
}

TEST(KserveTensors, VllmShapesAndSamplingParameters) {
  inference::ModelInferRequest r;
  std::string err;
  ASSERT_TRUE(build_request(R"({"model":"m","text_input":["a"],"exclude_input_in_output":[true],)"
                            R"("sampling_parameters":["{\"max_tokens\": \"8\"}"]})",
                            Backend::kVllm, false, r, &err));
  int i = -1;
  auto* t = input(r, "text_input", &i);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->shape_size(), 1);
  EXPECT_EQ(t->shape(0), 1);
  EXPECT_EQ(input_bytes(r, "sampling_parameters"), R"({"max_tokens": "8"})");
  EXPECT_FALSE(param_true(r, kEnableEmptyFinal));  // not streaming
}

TEST(KserveTensors, BadBodiesAreRefusedWithTheTensorNamed) {
  inference::ModelInferRequest r;
  std::string err;
  EXPECT_FALSE(build_request("[1,2]", Backend::kTensorrtllm, false, r, &err));
  EXPECT_NE(err.find("not a JSON object"), std::string::npos);
  EXPECT_FALSE(build_request(R"({"max_tokens":["many"]})", Backend::kTensorrtllm, false, r, &err));
  EXPECT_NE(err.find("'max_tokens' (INT32)"), std::string::npos) << err;
}

TEST(KserveTensors, NumbersOutsideTheirDatatypeAreRefusedNotWrapped) {
  inference::ModelInferRequest r;
  std::string err;
  // INT32 from the table: 1e11 does not fit (a fuzzer's find: the conversion was undefined).
  EXPECT_FALSE(
      build_request(R"({"max_tokens":[99999999999]})", Backend::kTensorrtllm, false, r, &err));
  EXPECT_NE(err.find("'max_tokens' (INT32)"), std::string::npos) << err;
  EXPECT_FALSE(build_request(R"({"max_tokens":[1e300]})", Backend::kTensorrtllm, false, r, &err));
  EXPECT_FALSE(build_request(R"({"random_seed":[-1]})", Backend::kTensorrtllm, false, r, &err));
  EXPECT_FALSE(build_request(R"({"temperature":[1e300]})", Backend::kTensorrtllm, false, r, &err));
  // Edges that fit are kept exact.
  ASSERT_TRUE(build_request(R"({"max_tokens":[-2147483648],"random_seed":[18446744073709551615]})",
                            Backend::kTensorrtllm, false, r, &err))
      << err;
  EXPECT_EQ(input_int(r, "max_tokens"), -2147483648LL);
  EXPECT_EQ(input_int(r, "random_seed"), -1);  // all ones, read back as int64
  // A guessed type takes the integer's width.
  ASSERT_TRUE(build_request(R"({"extra":[99999999999]})", Backend::kVllm, false, r, &err)) << err;
  int i = -1;
  ASSERT_TRUE(input(r, "extra", &i));
  EXPECT_EQ(r.inputs(i).datatype(), "INT64");
  EXPECT_EQ(input_int(r, "extra"), 99999999999LL);
}

TEST(KserveTensors, TextOutputRawTypedAndMalformed) {
  inference::ModelInferResponse resp;
  set_text_output(resp, " hello", true);
  (*resp.mutable_parameters())[std::string(kFinalResponse)].set_bool_param(true);
  ResponseText t;
  std::string err;
  ASSERT_TRUE(read_response(resp, t, &err));
  EXPECT_TRUE(t.has_text);
  EXPECT_EQ(t.text, " hello");
  EXPECT_TRUE(t.final);

  inference::ModelInferResponse typed;
  auto* o = typed.add_outputs();
  o->set_name("text_output");
  o->mutable_contents()->add_bytes_contents("a");
  o->mutable_contents()->add_bytes_contents("b");
  ASSERT_TRUE(read_response(typed, t, &err));
  EXPECT_EQ(t.text, "ab");
  EXPECT_FALSE(t.final);

  inference::ModelInferResponse empty;  // an empty final response: no text_output at all
  ASSERT_TRUE(read_response(empty, t, &err));
  EXPECT_FALSE(t.has_text);

  inference::ModelInferResponse bad;
  bad.add_outputs()->set_name("text_output");
  bad.add_raw_output_contents(std::string("\x09\0\0\0abc", 7));  // says 9, has 3
  EXPECT_FALSE(read_response(bad, t, &err));
  EXPECT_NE(err.find("shorter"), std::string::npos) << err;

  inference::ModelStreamInferResponse sr;
  sr.set_error_message("boom");
  std::string stream_error;
  ASSERT_TRUE(decode_stream_response(sr.SerializeAsString(), stream_error, t, &err));
  EXPECT_EQ(stream_error, "boom");
  EXPECT_FALSE(decode_stream_response("\xff\xff\xff", stream_error, t, &err));
}

TEST(KserveTensors, KeptJsonParsesBackThroughTheEndpoint) {
  std::string json;
  append_text_output_json(json, "a \"quoted\"\n\ttab \x01 é");
  auto ep = endpoint::create("kserve");
  ASSERT_TRUE(ep);
  endpoint::ParsedResponse p;
  ASSERT_TRUE(ep->parse(json, p)) << json;
  EXPECT_EQ(p.kind, endpoint::DataKind::kText);
  EXPECT_EQ(p.content, "a \"quoted\"\n\ttab \x01 é");
  EXPECT_FALSE(ep->parse("{\"text_output\":\"\"}", p));  // an empty response: nothing
}

TEST(KserveClient, TargetsAndStatusNames) {
  bool tls = true;
  EXPECT_EQ(grpc_target("http://localhost:8001/v2", &tls), "localhost:8001");
  EXPECT_FALSE(tls);
  EXPECT_EQ(grpc_target("https://h:443", &tls), "h:443");
  EXPECT_TRUE(tls);
  EXPECT_EQ(grpc_target("10.0.0.1:8001", &tls), "10.0.0.1:8001");
  EXPECT_STREQ(status_name(14), "UNAVAILABLE");
  EXPECT_STREQ(status_name(99), "UNKNOWN");
}

TEST(KserveEndpoint, BodiesAreGenaiPerfsTritonRows) {
  dataset::Turn turn;
  turn.text = "tell me";
  turn.max_tokens = 5;
  endpoint::RenderContext ctx;
  ctx.turn = &turn;
  ctx.default_model = "ensemble";
  ctx.streaming = true;
  nlohmann::ordered_json extra = {{"ignore_eos", true}, {"temperature", 0.2}};
  ctx.extra_inputs = &extra;
  auto trt = endpoint::create("kserve");
  EXPECT_EQ(trt->render_body(ctx),
            R"({"model":"ensemble","text_input":["tell me"],"max_tokens":[5],"stream":[true],)"
            R"("min_length":[5],"temperature":[0.2]})");
  auto vllm = endpoint::create("kserve_vllm");
  EXPECT_EQ(vllm->render_body(ctx),
            R"({"model":"ensemble","text_input":["tell me"],"exclude_input_in_output":[true],)"
            R"("stream":[true],"sampling_parameters":["{\"max_tokens\":\"5\",\"ignore_eos\":true,)"
            R"(\"temperature\":0.2}"]})");
  turn.max_tokens.reset();
  ctx.extra_inputs = nullptr;
  ctx.streaming = false;
  EXPECT_EQ(trt->render_body(ctx),
            R"({"model":"ensemble","text_input":["tell me"],"max_tokens":[256]})");
}

}  // namespace
}  // namespace aiperf::kserve

namespace aiperf::endpoint {
namespace {

TEST(TritonGenerateEndpoint, PathsBodyAndParsing) {
  auto ep = create("triton_generate");
  ASSERT_TRUE(ep);
  config::Config cfg;
  cfg.models = {"ensemble"};
  ep->configure(cfg);
  EXPECT_EQ(ep->path(cfg), "/v2/models/ensemble/generate");
  cfg.streaming = true;
  EXPECT_EQ(ep->path(cfg), "/v2/models/ensemble/generate_stream");
  dataset::Turn turn;
  turn.text = "hi";
  turn.max_tokens = 7;
  RenderContext ctx;
  ctx.turn = &turn;
  ctx.default_model = "ensemble";
  ctx.streaming = true;
  EXPECT_EQ(ep->render_body(ctx), R"({"text_input":"hi","stream":true,"max_tokens":7})");
  ParsedResponse p;
  ASSERT_TRUE(ep->parse(R"({"model_name":"ensemble","model_version":"1","text_output":" a"})", p));
  EXPECT_EQ(p.content, " a");
  ASSERT_TRUE(ep->parse(R"({"error":"Model not ready"})", p));
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.message, "Model not ready");
}

}  // namespace
}  // namespace aiperf::endpoint

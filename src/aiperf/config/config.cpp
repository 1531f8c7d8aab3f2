// Names of the config enums as AIPerf spells them on the command line and in exports, and the
// tokenizer default rule (spec §1.3 "Tokenizer").
#include "aiperf/config/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace aiperf::config {

namespace {
struct EndpointTypeRow {
  EndpointType type;
  std::string_view name;
  EndpointFacts facts;
};
// streaming, tokens out, tokens in, images, audio, videos, video out, title (spec §5.4).
constexpr EndpointTypeRow kEndpointTypes[] = {
    {EndpointType::kChat, "chat", {true, true, true, true, true, true, false, "LLM Metrics"}},
    {EndpointType::kCohereRankings,
     "cohere_rankings",
     {false, false, true, false, false, false, false, "Ranking Metrics"}},
    {EndpointType::kCompletions,
     "completions",
     {true, true, true, false, false, false, false, "LLM Metrics"}},
    {EndpointType::kResponses,
     "responses",
     {true, true, true, true, true, false, false, "LLM Metrics"}},
    {EndpointType::kChatEmbeddings,
     "chat_embeddings",
     {false, false, true, true, false, false, false, "Embeddings Metrics"}},
    {EndpointType::kEmbeddings,
     "embeddings",
     {false, false, true, false, false, false, false, "Embeddings Metrics"}},
    {EndpointType::kHfTeiRankings,
     "hf_tei_rankings",
     {false, false, true, false, false, false, false, "Ranking Metrics"}},
    {EndpointType::kHuggingfaceGenerate,
     "huggingface_generate",
     {true, true, true, false, false, false, false, "LLM Metrics"}},
    {EndpointType::kImageGeneration,
     "image_generation",
     {true, false, true, false, false, false, false, "Image Generation Metrics"}},
    {EndpointType::kVideoGeneration,
     "video_generation",
     {false, false, true, false, false, false, true, "Video Generation Metrics"}},
    {EndpointType::kNimEmbeddings,
     "nim_embeddings",
     {false, false, true, true, false, false, false, "NIM Embeddings Metrics"}},
    {EndpointType::kNimRankings,
     "nim_rankings",
     {false, false, true, false, false, false, false, "Rankings Metrics"}},
    {EndpointType::kTemplate,
     "template",
     {true, true, true, true, true, true, false, "LLM Metrics"}},
    {EndpointType::kMessages,
     "messages",
     {true, true, true, true, false, false, false, "LLM Metrics"}},
    {EndpointType::kKserve,
     "kserve",
     {true, true, true, false, false, false, false, "LLM Metrics"}},
    {EndpointType::kKserveVllm,
     "kserve_vllm",
     {true, true, true, false, false, false, false, "LLM Metrics"}},
    {EndpointType::kTritonGenerate,
     "triton_generate",
     {true, true, true, false, false, false, false, "LLM Metrics"}},
};
const EndpointTypeRow* endpoint_row(EndpointType t) {
  for (const auto& r : kEndpointTypes)
    if (r.type == t) return &r;
  return nullptr;
}
}  // namespace

const char* to_string(EndpointType t) {
  const EndpointTypeRow* r = endpoint_row(t);
  return r ? r->name.data() : "?";  // the names are literals: NUL-terminated
}

const std::vector<std::string_view>& endpoint_type_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& r : kEndpointTypes) v.push_back(r.name);
    return v;
  }();
  return names;
}

const EndpointFacts& endpoint_facts(EndpointType t) {
  static const EndpointFacts kNone{};
  const EndpointTypeRow* r = endpoint_row(t);
  return r ? r->facts : kNone;
}

bool is_rankings_endpoint(EndpointType t) {
  return t == EndpointType::kCohereRankings || t == EndpointType::kHfTeiRankings ||
         t == EndpointType::kNimRankings;
}

const char* to_string(ArrivalPattern p) {
  switch (p) {
    case ArrivalPattern::kPoisson:
      return "poisson";
    case ArrivalPattern::kConstant:
      return "constant";
    case ArrivalPattern::kGamma:
      return "gamma";
    case ArrivalPattern::kConcurrencyBurst:
      return "concurrency_burst";
  }
  return "?";
}

const char* to_string(ExportLevel l) {
  switch (l) {
    case ExportLevel::kSummary:
      return "summary";
    case ExportLevel::kRecords:
      return "records";
    case ExportLevel::kRaw:
      return "raw";
  }
  return "?";
}

const char* to_string(ModelSelection s) {
  switch (s) {
    case ModelSelection::kRoundRobin:
      return "round_robin";
    case ModelSelection::kRandom:
      return "random";
    case ModelSelection::kWeighted:
      return "weighted";
  }
  return "?";
}

const char* to_string(UiType u) {
  switch (u) {
    case UiType::kNone:
      return "none";
    case UiType::kSimple:
      return "simple";
    case UiType::kDashboard:
      return "dashboard";
  }
  return "?";
}

const char* to_string(LogLevel l) {
  switch (l) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kNotice:
      return "NOTICE";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kSuccess:
      return "SUCCESS";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kCritical:
      return "CRITICAL";
  }
  return "?";
}

const char* to_string(TimingMode m) {
  switch (m) {
    case TimingMode::kConcurrency:
      return "concurrency";
    case TimingMode::kRequestRate:
      return "request_rate";
    case TimingMode::kFixedSchedule:
      return "fixed_schedule";
    case TimingMode::kUserCentric:
      return "user_centric";
  }
  return "?";
}

const char* to_string(ConnectionReuse c) {
  switch (c) {
    case ConnectionReuse::kPooled:
      return "pooled";
    case ConnectionReuse::kNever:
      return "never";
    case ConnectionReuse::kStickyUserSessions:
      return "sticky-user-sessions";
  }
  return "?";
}

const char* to_string(WaitForModelMode m) {
  switch (m) {
    case WaitForModelMode::kModels:
      return "models";
    case WaitForModelMode::kInference:
      return "inference";
    case WaitForModelMode::kBoth:
      return "both";
  }
  return "?";
}

bool is_placeholder_model_name(const std::string& model) {
  if (model.find('/') != std::string::npos) return false;
  std::string lower = model;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  static constexpr std::array<std::string_view, 8> kExact = {
      "mock-model", "test-model", "fake-model", "dummy-model",
      "mock",       "fake",       "dummy",      "placeholder"};
  static constexpr std::array<std::string_view, 3> kPrefixes = {"mock-", "fake-", "dummy-"};
  for (auto e : kExact) {
    if (lower == e) return true;
  }
  for (auto p : kPrefixes) {
    if (lower.size() > p.size() && lower.compare(0, p.size(), p) == 0) return true;
  }
  return false;
}

const char* to_string(RampType t) {
  switch (t) {
    case RampType::kLinear:
      return "linear";
    case RampType::kExponential:
      return "exponential";
    case RampType::kPoisson:
      return "poisson";
  }
  return "?";
}

int64_t Config::sample_isl(Rng& rng) const {
  if (isl_distribution) return isl_distribution->sample_length(rng);
  return sample_positive_normal_integer(rng, double(isl_mean), isl_stddev);
}

int64_t Config::sample_osl(Rng& rng) const {
  if (osl_distribution) return osl_distribution->sample_length(rng);
  return sample_positive_normal_integer(rng, double(osl_mean.value_or(1)), osl_stddev);
}

PhaseShaping Config::profiling_shaping() const {
  PhaseShaping s;
  s.prefill_concurrency = prefill_concurrency;
  if (concurrency_ramp_duration_s) {
    s.concurrency_ramp = Ramp{*concurrency_ramp_duration_s, concurrency_ramp_type};
  }
  if (prefill_concurrency_ramp_duration_s) {
    s.prefill_ramp = Ramp{*prefill_concurrency_ramp_duration_s, prefill_concurrency_ramp_type};
  }
  if (request_rate_ramp_duration_s) {
    s.rate_ramp = Ramp{*request_rate_ramp_duration_s, request_rate_ramp_type};
  }
  return s;
}

namespace {
/// A warmup ramp: its own duration (0 = none) and curve, else the profiling ramp.
std::optional<Ramp> warmup_ramp(const std::optional<Ramp>& profiling,
                                const std::optional<double>& duration,
                                const std::optional<RampType>& type) {
  if (!duration) {
    if (!profiling || !type) return profiling;
    return Ramp{profiling->duration_s, *type};
  }
  if (*duration <= 0) return std::nullopt;
  return Ramp{*duration, type.value_or(profiling ? profiling->type : RampType::kLinear)};
}
}  // namespace

PhaseShaping Config::warmup_shaping() const {
  const PhaseShaping p = profiling_shaping();
  PhaseShaping w;
  w.prefill_concurrency =
      warmup_prefill_concurrency ? warmup_prefill_concurrency : p.prefill_concurrency;
  if (w.prefill_concurrency && *w.prefill_concurrency <= 0) w.prefill_concurrency.reset();
  w.concurrency_ramp = warmup_ramp(p.concurrency_ramp, warmup_concurrency_ramp_duration_s,
                                   warmup_concurrency_ramp_type);
  w.prefill_ramp = warmup_ramp(p.prefill_ramp, warmup_prefill_concurrency_ramp_duration_s,
                               warmup_prefill_concurrency_ramp_type);
  w.rate_ramp =
      warmup_ramp(p.rate_ramp, warmup_request_rate_ramp_duration_s, warmup_request_rate_ramp_type);
  if (!w.prefill_concurrency) w.prefill_ramp.reset();
  return w;
}

std::string Config::tokenizer_spec() const {
  if (tokenizer) return *tokenizer;
  if (models.empty()) return "builtin";
  if (is_placeholder_model_name(models.front())) return "builtin";
  return models.front();
}

}  // namespace aiperf::config

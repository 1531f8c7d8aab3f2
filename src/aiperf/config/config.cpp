// Names of the config enums as AIPerf spells them on the command line and in exports, and the
// tokenizer default rule (spec §1.3 "Tokenizer").
#include "aiperf/config/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace aiperf::config {

const char* to_string(EndpointType t) {
  switch (t) {
    case EndpointType::kChat:
      return "chat";
    case EndpointType::kCompletions:
      return "completions";
  }
  return "?";
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

std::string Config::tokenizer_spec() const {
  if (tokenizer) return *tokenizer;
  if (models.empty()) return "builtin";
  if (is_placeholder_model_name(models.front())) return "builtin";
  return models.front();
}

}  // namespace aiperf::config

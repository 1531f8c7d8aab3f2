// Connection reuse mapping and the --wait-for-model readiness probe (servers.h).
#include "aiperf/run/servers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "aiperf/common/clock.h"
#include "aiperf/record/request_record.h"
#include "aiperf/transport/event_loop.h"

namespace aiperf::run {

namespace {

constexpr int64_t kNsPerS = 1'000'000'000;
constexpr double kModelsRequestFloorS = 5.0;      // AIPerf's floor for a GET /v1/models
constexpr double kInferenceRequestFloorS = 30.0;  // a first forward pass may load weights

const char* kReadinessPrompt = "Lo";

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

/// "503", "connection refused", ... for messages.
std::string answer_text(const ProbeAnswer& a) {
  if (a.status != 0) return "HTTP " + std::to_string(a.status);
  return a.error.empty() ? std::string("no answer") : a.error;
}

bool model_listed(const std::string& body, const std::string& model) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) return false;
  for (const auto& e : j["data"]) {
    if (e.is_object() && e.contains("id") && e["id"].is_string() && e["id"] == model) return true;
  }
  return false;
}

struct Attempts {
  Attempts(const ReadinessOptions& o, double timeout_s, double interval)
      : opts(o),
        deadline_ns(mono_ns() + int64_t(timeout_s * double(kNsPerS))),
        interval_s(interval) {}
  const ReadinessOptions& opts;
  int64_t deadline_ns;
  double interval_s;
  int checked = 0;
  ProbeAnswer last;
  bool announced = false;

  /// The per-request timeout: max(interval, floor), but never past the deadline; 0 = expired.
  int64_t request_timeout(double floor_s) const {
    const int64_t left = deadline_ns - mono_ns();
    if (left <= 0) return 0;
    return std::min<int64_t>(left, int64_t(std::max(interval_s, floor_s) * double(kNsPerS)));
  }
  void not_ready(const std::string& what) {
    if (!announced && opts.on_waiting) opts.on_waiting(what);
    announced = true;
    spdlog::info("{} not ready yet ({}, attempt {}); retrying in {} s", what, answer_text(last),
                 checked, interval_s);
    const int64_t left = deadline_ns - mono_ns();
    const int64_t nap = std::min<int64_t>(left, int64_t(interval_s * double(kNsPerS)));
    if (nap > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(nap));
  }
};

void wait_models(const ReadinessOptions& o, const transport::Url& url, const std::string& model) {
  const config::Config& cfg = *o.cfg;
  Attempts a(o, cfg.wait_for_model_timeout_s, cfg.wait_for_model_interval_s);
  const std::string models_target = transport::request_target(url, "/v1/models");
  const std::string base_target = transport::request_target(url, "");
  const std::string what = "model '" + model + "' at " + url.to_string() + "/v1/models";
  for (;;) {
    const int64_t t = a.request_timeout(kModelsRequestFloorS);
    if (t == 0) {
      throw std::runtime_error("Timed out after " + seconds_text(cfg.wait_for_model_timeout_s) +
                               " waiting for model '" + model + "' to become ready at " +
                               url.to_string() + " (checked " + std::to_string(a.checked) +
                               " time(s); last answer: " + answer_text(a.last) +
                               "); raise --wait-for-model-timeout or check --url and --model");
    }
    ++a.checked;
    a.last = o.send(url, "GET", models_target, o.header_lines, "", t);
    if (a.last.status == 200 && model_listed(a.last.body, model)) {
      spdlog::info("model '{}' ready at {} after {} attempt(s)", model, url.to_string(), a.checked);
      return;
    }
    if (a.last.status == 404) {
      // No model list on this server: any 2xx from the base URL counts as ready.
      const int64_t t2 = a.request_timeout(kModelsRequestFloorS);
      if (t2 > 0) {
        ProbeAnswer base = o.send(url, "GET", base_target, o.header_lines, "", t2);
        if (base.status >= 200 && base.status < 300) {
          spdlog::info("/v1/models is not served at {}; the base URL answered {}: ready",
                       url.to_string(), base.status);
          return;
        }
      }
    } else if (a.last.status == 200) {
      a.last.error = "model not listed";
      a.last.status = 0;
    }
    a.not_ready(what);
  }
}

void wait_inference(const ReadinessOptions& o, const transport::Url& url,
                    const std::string& model) {
  const config::Config& cfg = *o.cfg;
  Attempts a(o, cfg.wait_for_model_timeout_s, cfg.wait_for_model_interval_s);
  const std::string target = transport::request_target(url, o.inference_path);
  const std::string body = readiness_body(config::to_string(cfg.endpoint_type), model);
  const std::string shown = url.scheme + "://" + url.host_header() + target;
  for (;;) {
    const int64_t t = a.request_timeout(kInferenceRequestFloorS);
    if (t == 0) {
      throw std::runtime_error("Timed out after " + seconds_text(cfg.wait_for_model_timeout_s) +
                               " probing " + shown + " with model '" + model + "' (checked " +
                               std::to_string(a.checked) +
                               " time(s); last answer: " + answer_text(a.last) +
                               "); raise --wait-for-model-timeout or check --url and --model");
    }
    ++a.checked;
    a.last = o.send(url, "POST", target, o.header_lines, body, t);
    // Below 500 the server is up: a 4xx shows the same way on the first real request.
    if (a.last.status > 0 && a.last.status < 500) {
      spdlog::info("inference probe ready at {} (status {}, attempt {})", shown, a.last.status,
                   a.checked);
      return;
    }
    a.not_ready("model '" + model + "' at " + shown);
  }
}

}  // namespace

transport::ReusePolicy transport_reuse(config::ConnectionReuse c) {
  switch (c) {
    case config::ConnectionReuse::kNever:
      return transport::ReusePolicy::kNever;
    case config::ConnectionReuse::kStickyUserSessions:
      return transport::ReusePolicy::kPerSession;
    case config::ConnectionReuse::kPooled:
      break;
  }
  return transport::ReusePolicy::kPooled;
}

std::string readiness_body(std::string_view endpoint_type, const std::string& model) {
  nlohmann::ordered_json j;
  if (endpoint_type == "completions") {
    j["prompt"] = kReadinessPrompt;
    j["max_tokens"] = 1;
  } else if (endpoint_type == "embeddings") {
    j["input"] = kReadinessPrompt;
  } else {
    j["messages"] = {{{"role", "user"}, {"content", kReadinessPrompt}}};
    j["max_tokens"] = 1;
  }
  j["model"] = model;
  return j.dump();
}

ProbeSender http_probe_sender(const config::Config& cfg) {
  const bool insecure = cfg.tls_insecure;
  return [insecure](const transport::Url& url, std::string_view method, const std::string& target,
                    const std::string& header_lines, const std::string& body,
                    int64_t timeout_ns) -> ProbeAnswer {
    transport::EventLoop loop;
    transport::ClientOptions co;
    co.urls = {url};
    co.insecure = insecure;
    co.request_timeout_ns = timeout_ns;
    co.reuse = transport::ReusePolicy::kNever;
    transport::HttpClient client(loop, co);
    transport::HttpRequest req;
    req.method = method;
    req.target = target;
    req.header_lines = header_lines;
    req.body = body;
    std::unique_ptr<record::RequestRecord> done;
    client.send(req, std::make_unique<record::RequestRecord>(),
                [&done](std::unique_ptr<record::RequestRecord> r) { done = std::move(r); });
    while (!done) loop.run_once(100);  // the client's own deadline ends every request
    ProbeAnswer a;
    a.status = done->http_status;
    if (done->error == record::ErrorKind::kStatus) {
      a.body = done->error_message;
    } else if (done->error != record::ErrorKind::kNone) {
      a.error = done->error_message.empty() ? std::string("request failed") : done->error_message;
    } else {
      a.body = done->data;
    }
    return a;
  };
}

void wait_for_model(const ReadinessOptions& o) {
  const config::Config& cfg = *o.cfg;
  const bool models = cfg.wait_for_model_mode != config::WaitForModelMode::kInference;
  const bool inference = cfg.wait_for_model_mode != config::WaitForModelMode::kModels;
  spdlog::info(
      "waiting for the endpoint (mode {}, timeout {} s, interval {} s) at {} URL(s) x {} "
      "model(s)",
      config::to_string(cfg.wait_for_model_mode), cfg.wait_for_model_timeout_s,
      cfg.wait_for_model_interval_s, o.urls.size(), cfg.models.size());
  for (const auto& url : o.urls) {
    if (models) {
      for (const auto& m : cfg.models) wait_models(o, url, m);
    }
    if (inference) {
      for (const auto& m : cfg.models) wait_inference(o, url, m);
    }
  }
}

}  // namespace aiperf::run

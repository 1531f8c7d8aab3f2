// Config-file keys of the load shaping and observation features -> option occurrences:
// `server_metrics`, `gpu_telemetry` and `network_latency` (benchmark sections), and a phase's
// `prefill_concurrency`, ramps, `cancellation` and `request_rate_series`. See yaml_bindings.h.
#include <string>

#include "aiperf/config/yaml_bindings.h"

namespace aiperf::config::detail {

namespace {

/// `enabled` of a section (`def` when absent).
bool enabled_key(const YamlReader& r, const std::string& path, const YamlNode& n, bool def) {
  const YamlNode* e = n.find("enabled");
  return e && !scalar_is_null(*e)
             ? r.boolean(YamlReader::child(path, n.key_as_written("enabled")), *e)
             : def;
}

/// A key given in a section that is off does nothing: refused.
void refuse_when_off(const YamlReader& r, const std::string& path, const YamlNode& n,
                     std::initializer_list<const char*> keys, const std::string& what) {
  for (const char* k : keys) {
    const YamlNode* v = n.find(k);
    if (v && !scalar_is_null(*v)) {
      r.fail(YamlReader::child(path, n.key_as_written(k)), *v,
             what + " is off (enabled: false): remove '" + k + "' or set enabled: true");
    }
  }
}

}  // namespace

void BodyMapper::server_metrics(const std::string& path, const YamlNode& n) {
  if (scalar_is_null(n)) return;
  r_.expect_map(path, n);
  r_.check_keys(path, n, {"enabled", "urls", "formats"});
  if (!enabled_key(r_, path, n, true)) {
    refuse_when_off(r_, path, n, {"urls", "formats"}, "server metrics scraping");
    emit("--no-server-metrics", {}, path, *n.find("enabled"));
    return;
  }
  simple("server_metrics", path, n);
}

void BodyMapper::gpu_telemetry(const std::string& path, const YamlNode& n) {
  if (scalar_is_null(n)) return;
  r_.expect_map(path, n);
  r_.check_keys(path, n, {"enabled", "urls", "collector", "mode", "metrics_file"});
  const auto at = [&](const char* k) { return YamlReader::child(path, n.key_as_written(k)); };
  if (!enabled_key(r_, path, n, true)) {
    refuse_when_off(r_, path, n, {"urls", "collector", "mode", "metrics_file"}, "GPU telemetry");
    emit("--no-gpu-telemetry", {}, path, *n.find("enabled"));
    return;
  }
  // Each key is an item of --gpu-telemetry, which also puts the GPU table on the console.
  if (const YamlNode* c = n.find("collector"); c && !scalar_is_null(*c)) {
    const std::string v = r_.choice(at("collector"), *c, {"dcgm", "pynvml", "amd_dme"});
    if (v == "amd_dme") {
      r_.fail(at("collector"), *c,
              "the AMD Device Metrics Exporter collector is not supported by this build; use "
              "dcgm or pynvml");
    }
    if (v == "pynvml") emit("--gpu-telemetry", {"pynvml"}, at("collector"), *c);
  }
  if (const YamlNode* m = n.find("mode"); m && !scalar_is_null(*m)) {
    if (r_.choice(at("mode"), *m, {"summary", "realtime_dashboard"}) == "realtime_dashboard") {
      emit("--gpu-telemetry", {"dashboard"}, at("mode"), *m);
    }
  }
  if (const YamlNode* u = n.find("urls"); u && !scalar_is_null(*u)) {
    emit("--gpu-telemetry", r_.string_list(at("urls"), *u), at("urls"), *u);
  }
  if (const YamlNode* f = n.find("metrics_file"); f && !scalar_is_null(*f)) {
    for (const std::string& file : r_.string_list(at("metrics_file"), *f)) {
      if (file.size() < 4 || file.substr(file.size() - 4) != ".csv") {
        r_.fail(at("metrics_file"), *f,
                "expected a .csv file of DCGM field names, got '" + file + "'");
      }
      emit("--gpu-telemetry", {file}, at("metrics_file"), *f);
    }
  }
}

void BodyMapper::network_latency(const std::string& path, const YamlNode& n) {
  if (scalar_is_null(n)) return;
  r_.expect_map(path, n);
  r_.check_keys(path, n, {"enabled", "mean_ms", "ping_interval"});
  const auto at = [&](const char* k) { return YamlReader::child(path, n.key_as_written(k)); };
  const YamlNode* mean = n.find("mean_ms");
  if (mean && scalar_is_null(*mean)) mean = nullptr;
  // AIPerf's default is off; a mean given without `enabled` turns it on (as
  // --network-latency-mean).
  if (!enabled_key(r_, path, n, mean != nullptr)) {
    refuse_when_off(r_, path, n, {"mean_ms", "ping_interval"}, "network latency adjustment");
    return;
  }
  if (mean) {
    emit("--network-latency-mean", {r_.number_text(at("mean_ms"), *mean)}, at("mean_ms"), *mean);
  } else {
    const YamlNode* e = n.find("enabled");
    emit("--network-latency-automatic", {}, e ? at("enabled") : path, e ? *e : n);
  }
  if (const YamlNode* p = n.find("ping_interval"); p && !scalar_is_null(*p)) {
    if (mean) {
      r_.fail(at("ping_interval"), *p,
              "ping_interval applies when the round trip is measured, not with mean_ms");
    }
    emit("--network-latency-ping-interval", {r_.duration_text(at("ping_interval"), *p, false)},
         at("ping_interval"), *p);
  }
}

void BodyMapper::ramp(const std::string& path, const YamlNode& n, const char* flag,
                      const char* strategy_flag) {
  if (scalar_is_null(n)) return;
  if (n.is_scalar()) {  // shorthand: the duration
    emit(flag, {r_.duration_text(path, n, false)}, path, n);
    return;
  }
  r_.expect_map(path, n);
  r_.check_keys(path, n, {"duration", "strategy"});
  const YamlNode* d = n.find("duration");
  if (!d) r_.fail(path, n, "'duration' is required (seconds, or '30s', '2m')");
  const std::string dp = YamlReader::child(path, n.key_as_written("duration"));
  emit(flag, {r_.duration_text(dp, *d, false)}, dp, *d);
  if (const YamlNode* s = n.find("strategy"); s && !scalar_is_null(*s)) {
    const std::string sp = YamlReader::child(path, n.key_as_written("strategy"));
    const std::string type = r_.choice(sp, *s, {"linear", "exponential", "poisson"});
    if (type != "linear") emit(strategy_flag, {type}, sp, *s);
  }
}

namespace {
/// A phase's shaping keys and the flags they become (profiling, warmup).
struct ShapingKey {
  const char* key;
  const char* flag;
  const char* strategy_flag;
  const char* warmup_flag;
  const char* warmup_strategy_flag;
};
constexpr ShapingKey kRampKeys[] = {
    {"concurrency_ramp", "--concurrency-ramp-duration", "--concurrency-ramp-strategy",
     "--warmup-concurrency-ramp-duration", "--warmup-concurrency-ramp-strategy"},
    {"prefill_ramp", "--prefill-concurrency-ramp-duration", "--prefill-concurrency-ramp-strategy",
     "--warmup-prefill-concurrency-ramp-duration", "--warmup-prefill-concurrency-ramp-strategy"},
    {"rate_ramp", "--request-rate-ramp-duration", "--request-rate-ramp-strategy",
     "--warmup-request-rate-ramp-duration", "--warmup-request-rate-ramp-strategy"},
};

bool present(const YamlNode& phase, const char* key) {
  const YamlNode* v = phase.find(key);
  return v && !scalar_is_null(*v);
}
}  // namespace

bool BodyMapper::prefill_ramp_without_cap(const std::string& pp, const YamlNode& p) {
  if (!present(p, "prefill_ramp") || present(p, "prefill_concurrency")) return false;
  // AIPerf's own ramping template has one; AIPerf ignores it silently, we say so.
  out_.warnings.push_back(YamlReader::child(pp, p.key_as_written("prefill_ramp")) +
                          ": ignored: the phase has no prefill_concurrency to ramp up to");
  return true;
}

void BodyMapper::phase_shaping(const std::string& pp, const YamlNode& p) {
  const auto at = [&](const char* k) { return YamlReader::child(pp, p.key_as_written(k)); };
  const bool skip_prefill_ramp = prefill_ramp_without_cap(pp, p);
  for (const ShapingKey& k : kRampKeys) {
    const YamlNode* v = p.find(k.key);
    if (!v || (skip_prefill_ramp && std::string_view(k.key) == "prefill_ramp")) continue;
    ramp(at(k.key), *v, k.flag, k.strategy_flag);
  }
  if (const YamlNode* v = p.find("rate_series"); v && !scalar_is_null(*v)) {
    // AIPerf's RateSeriesConfig: a path, {path}, {points} or the list of points. A path goes on
    // as the flag's file; points as inline JSON (checked by the flag's parser).
    const std::string sp = at("rate_series");
    if (p.find("request_rate_series")) {
      r_.fail(sp, *v, "give 'rate_series' or 'request_rate_series', not both");
    }
    const YamlNode* body = v;
    if (v->is_map()) {
      r_.check_keys(sp, *v, {"path", "points"});
      const YamlNode* path = v->find("path");
      const YamlNode* points = v->find("points");
      if (path && !scalar_is_null(*path) && points && !scalar_is_null(*points)) {
        r_.fail(sp, *v, "rate_series.path and rate_series.points are mutually exclusive");
      }
      body = path && !scalar_is_null(*path) ? path : points;
      if (!body) r_.fail(sp, *v, "give 'points' (a list of {time_s, qps}) or 'path'");
    }
    if (body->is_scalar()) {
      emit("--request-rate-series", {r_.text(sp, *body)}, sp, *body);
    } else {
      emit("--request-rate-series", {to_json(*body).dump()}, sp, *body);
    }
  }
  if (const YamlNode* c = p.find("cancellation"); c && !scalar_is_null(*c)) {
    const std::string cp = at("cancellation");
    r_.expect_map(cp, *c);
    r_.check_keys(cp, *c, {"rate", "delay"});
    const YamlNode* rate = c->find("rate");
    if (!rate) r_.fail(cp, *c, "'rate' is required (percent of requests, > 0 and <= 100)");
    const std::string rp = YamlReader::child(cp, c->key_as_written("rate"));
    emit("--request-cancellation-rate", {r_.number_text(rp, *rate)}, rp, *rate);
    if (const YamlNode* d = c->find("delay"); d && !scalar_is_null(*d)) {
      const std::string dp = YamlReader::child(cp, c->key_as_written("delay"));
      emit("--request-cancellation-delay", {r_.duration_text(dp, *d, false)}, dp, *d);
    }
  }
}

void BodyMapper::warmup_shaping(const YamlNode& w, const std::string& wp, const PhaseLoad& prof) {
  const auto at = [&](const char* k) { return YamlReader::child(wp, w.key_as_written(k)); };
  for (const char* k : {"cancellation", "rate_series", "request_rate_series"}) {
    if (const YamlNode* v = w.find(k); v && !scalar_is_null(*v)) {
      r_.fail(at(k), *v,
              std::string(k) == "cancellation"
                  ? "warmup requests are never cancelled; remove 'cancellation' from the warmup"
                  : "the warmup runs at one rate; remove '" + std::string(k) + "' from the warmup");
    }
  }
  // A config file's phases stand alone (AIPerf builds each from its own keys): what the warmup
  // lacks but the profiling phase has is switched off for the warmup (0), not inherited.
  const YamlNode& p = *prof.node;
  if (const YamlNode* v = w.find("prefill_concurrency"); v && !scalar_is_null(*v)) {
    emit("--warmup-prefill-concurrency", {r_.integer_text(at("prefill_concurrency"), *v)},
         at("prefill_concurrency"), *v);
  } else if (present(p, "prefill_concurrency")) {
    emit("--warmup-prefill-concurrency", {"0"}, wp, w, true);
  }
  const bool skip_prefill_ramp = prefill_ramp_without_cap(wp, w);
  for (const ShapingKey& k : kRampKeys) {
    const YamlNode* v = w.find(k.key);
    const bool prefill = std::string_view(k.key) == "prefill_ramp";
    if (v && !scalar_is_null(*v) && !(skip_prefill_ramp && prefill)) {
      if (std::string_view(k.key) == "rate_ramp" && w.find("type")->text == "concurrency") {
        r_.fail(at(k.key), *v, "a concurrency warmup has no rate to ramp; remove 'rate_ramp'");
      }
      ramp(at(k.key), *v, k.warmup_flag, k.warmup_strategy_flag);
    } else if (present(p, k.key)) {
      emit(k.warmup_flag, {"0"}, wp, w, true);
    }
  }
}

}  // namespace aiperf::config::detail

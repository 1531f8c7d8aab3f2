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
    const std::string v = r_.choice(at("collector"), *c, {"dcgm", "pynvml", "amdsmi", "amd_dme"});
    if (v == "amd_dme") {
      r_.fail(at("collector"), *c,
              "the AMD Device Metrics Exporter collector is not supported by this build; use "
              "dcgm, pynvml or amdsmi");
    }
    if (v == "pynvml" || v == "amdsmi") emit("--gpu-telemetry", {v}, at("collector"), *c);
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

void BodyMapper::ramp(const std::string& path, const YamlNode& n, const char* flag) {
  if (scalar_is_null(n)) return;
  if (n.is_scalar()) {  // shorthand: the duration
    emit(flag, {r_.duration_text(path, n, false)}, path, n);
    return;
  }
  r_.expect_map(path, n);
  r_.check_keys(path, n, {"duration", "strategy"});
  if (const YamlNode* s = n.find("strategy")) {
    const std::string sp = YamlReader::child(path, n.key_as_written("strategy"));
    if (r_.choice(sp, *s, {"linear", "exponential", "poisson"}) != "linear") {
      r_.fail(sp, *s, "only linear ramps are supported by this build");
    }
  }
  const YamlNode* d = n.find("duration");
  if (!d) r_.fail(path, n, "'duration' is required (seconds, or '30s', '2m')");
  const std::string dp = YamlReader::child(path, n.key_as_written("duration"));
  emit(flag, {r_.duration_text(dp, *d, false)}, dp, *d);
}

void BodyMapper::phase_shaping(const std::string& pp, const YamlNode& p) {
  const auto at = [&](const char* k) { return YamlReader::child(pp, p.key_as_written(k)); };
  if (const YamlNode* v = p.find("concurrency_ramp")) {
    ramp(at("concurrency_ramp"), *v, "--concurrency-ramp-duration");
  }
  if (const YamlNode* v = p.find("prefill_ramp")) {
    ramp(at("prefill_ramp"), *v, "--prefill-concurrency-ramp-duration");
  }
  if (const YamlNode* v = p.find("rate_ramp")) {
    ramp(at("rate_ramp"), *v, "--request-rate-ramp-duration");
  }
  if (const YamlNode* v = p.find("rate_series"); v && !scalar_is_null(*v)) {
    r_.fail(at("rate_series"), *v,
            "piecewise-linear rate control points are not supported by this build; for a "
            "piecewise-constant rate write request_rate_series: \"10:30s,50:60s\"");
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
  const auto at = [&](const YamlNode& m, const std::string& mp, const char* k) {
    return YamlReader::child(mp, m.key_as_written(k));
  };
  for (const char* k : {"cancellation", "rate_series", "request_rate_series"}) {
    if (const YamlNode* v = w.find(k); v && !scalar_is_null(*v)) {
      r_.fail(at(w, wp, k), *v,
              std::string(k) == "cancellation"
                  ? "warmup requests are never cancelled; remove 'cancellation' from the warmup"
                  : "the warmup runs at one rate; remove '" + std::string(k) + "' from the warmup");
    }
  }
  // The value a shaping key resolves to ("" when absent): ramps in seconds.
  const auto value = [&](const YamlNode& m, const std::string& mp, const char* k) {
    const YamlNode* v = m.find(k);
    if (!v || scalar_is_null(*v)) return std::string();
    const std::string p = at(m, mp, k);
    if (std::string(k) == "prefill_concurrency") return r_.integer_text(p, *v);
    if (v->is_map()) {
      const YamlNode* d = v->find("duration");
      return d ? r_.duration_text(YamlReader::child(p, "duration"), *d, false) : std::string();
    }
    return r_.duration_text(p, *v, false);
  };
  const bool rate_warmup = w.find("type")->text != "concurrency";
  for (const char* k : {"prefill_concurrency", "concurrency_ramp", "prefill_ramp", "rate_ramp"}) {
    const YamlNode* v = w.find(k);
    if (!v || scalar_is_null(*v)) continue;  // inherited from the profiling phase
    const std::string mine = value(w, wp, k);
    const std::string theirs = value(*prof.node, "", k);
    const bool rate_ramp = std::string(k) == "rate_ramp";
    if (rate_ramp && !rate_warmup) {
      r_.fail(at(w, wp, k), *v, "a concurrency warmup has no rate to ramp; remove 'rate_ramp'");
    }
    if (mine != theirs) {
      r_.fail(at(w, wp, k), *v,
              "the warmup shares the profiling phase's " + std::string(k) +
                  " in this build; give both phases the same value or leave it out of the "
                  "warmup");
    }
  }
}

}  // namespace aiperf::config::detail

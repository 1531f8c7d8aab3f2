// Config-file `phases` (AIPerf's named phases `warmup` and `profiling`, each with a `type`) ->
// option occurrences. This build runs the warmup at the profiling phase's load (spec §3.1, as
// AIPerf's command line builds it), so a warmup phase must match it; see yaml_bindings.h.
#include <optional>

#include "aiperf/config/yaml_bindings.h"

namespace aiperf::config::detail {
namespace {

const std::vector<std::string_view> kTypes = {"concurrency", "poisson",      "gamma",
                                              "constant",    "user_centric", "fixed_schedule"};

bool is_rate_type(const std::string& t) {
  return t == "poisson" || t == "gamma" || t == "constant";
}

struct Off {
  const char* key;
  const char* value;
  const char* what;
};

const std::vector<Off> kUnsupported = {
    {"concurrency_ramp", "null", "concurrency ramps"},
    {"prefill_concurrency", "null", "prefill concurrency"},
    {"prefill_ramp", "null", "prefill concurrency ramps"},
    {"cancellation", "null", "request cancellation"},
    {"sla", "[]", "phase SLA filters"},
    {"seamless", "false", "seamless phase transitions"},
    {"rate_ramp", "null", "request-rate ramps"},
    {"adaptive_scale", "false", "adaptive scaling"},
    {"adaptive_sustain_duration", "null", "adaptive scaling"},
    {"adaptive_assessment_period", "null", "adaptive scaling"},
    {"adaptive_min_completed_requests", "1", "adaptive scaling"},
    {"adaptive_control_variable", "concurrency", "adaptive scaling"},
    {"adaptive_scale_min_concurrency", "1", "adaptive scaling"},
    {"adaptive_scale_strategy_type", "ramp_until_fail", "adaptive scaling"},
    {"adaptive_scale_step_policy", "sla_margin", "adaptive scaling"},
    {"adaptive_scale_base_step", "10", "adaptive scaling"},
    {"adaptive_scale_max_step_multiplier", "4", "adaptive scaling"},
    {"adaptive_scale_step_percent", "25", "adaptive scaling"},
};

std::vector<std::string_view> allowed_keys(const std::string& type) {
  std::vector<std::string_view> keys = {"name",
                                        "type",
                                        "exclude_from_results",
                                        "requests",
                                        "duration",
                                        "sessions",
                                        "concurrency",
                                        "concurrency_ramp",
                                        "prefill_concurrency",
                                        "prefill_ramp",
                                        "grace_period",
                                        "cancellation",
                                        "sla",
                                        "seamless"};
  if (type == "concurrency") {
    for (const auto& o : kUnsupported) {
      if (std::string_view(o.key).rfind("adaptive", 0) == 0) keys.push_back(o.key);
    }
  } else if (type == "fixed_schedule") {
    keys.insert(keys.end(), {"auto_offset", "start_offset", "end_offset"});
  } else {
    keys.insert(keys.end(), {"rate", "rate_ramp"});
    if (type == "gamma") keys.push_back("smoothness");
    if (type == "user_centric") keys.push_back("users");
  }
  return keys;
}

/// The load a phase describes, as numbers for comparing warmup with profiling.
struct Load {
  std::string type;
  std::optional<double> concurrency, rate, smoothness;
};

}  // namespace

void BodyMapper::phases(const std::string& path, const YamlNode& n) {
  if (!n.is_seq() || n.items.empty()) {
    r_.fail(path, n,
            "expected a list of named phases ([{name: warmup, ...}, {name: profiling, ...}]) or "
            "one phase mapping with a 'type'");
  }
  const YamlNode* warmup = nullptr;
  const YamlNode* profiling = nullptr;
  std::string warmup_path, profiling_path;
  for (size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& p = n.items[i];
    const std::string pp = YamlReader::index(path, i);
    r_.expect_map(pp, p);
    const YamlNode* name = p.find("name");
    if (!name) r_.fail(pp, p, "'name' is required (warmup or profiling)");
    const std::string nm = r_.choice(YamlReader::child(pp, "name"), *name, {"warmup", "profiling"});
    if ((nm == "warmup" && warmup) || (nm == "profiling" && profiling)) {
      r_.fail(YamlReader::child(pp, "name"), *name, "duplicate phase name '" + nm + "'");
    }
    if (nm == "warmup" && profiling) {
      r_.fail(YamlReader::child(pp, "name"), *name,
              "the warmup phase must come before the profiling phase");
    }
    const YamlNode* type = p.find("type");
    if (!type) {
      r_.fail(pp, p,
              "'type' is required (one of concurrency, poisson, gamma, constant, "
              "user_centric, fixed_schedule)");
    }
    const std::string t = r_.choice(YamlReader::child(pp, "type"), *type, kTypes);
    r_.check_keys(pp, p, allowed_keys(t));
    for (const auto& o : kUnsupported) {
      if (const YamlNode* v = p.find(o.key)) {
        r_.only_default(YamlReader::child(pp, p.key_as_written(o.key)), *v, o.value, o.what);
      }
    }
    if (const YamlNode* e = p.find("exclude_from_results")) {
      const bool want = nm == "warmup";
      if (r_.boolean(YamlReader::child(pp, "exclude_from_results"), *e) != want) {
        r_.fail(YamlReader::child(pp, p.key_as_written("exclude_from_results")), *e,
                "must be " + std::string(want ? "true" : "false") +
                    " (warmup is always excluded, profiling always included)");
      }
    }
    if (nm == "warmup") {
      warmup = &p;
      warmup_path = pp;
    } else {
      profiling = &p;
      profiling_path = pp;
    }
  }
  if (!profiling) {
    r_.fail(path, n, "a phase named 'profiling' is required (a warmup alone is not a benchmark)");
  }

  // ---- profiling
  const YamlNode& p = *profiling;
  const std::string& pp = profiling_path;
  const auto at = [&](const YamlNode& m, const std::string& mp, const char* k) {
    return YamlReader::child(mp, m.key_as_written(k));
  };
  const std::string type = p.find("type")->text;
  const YamlNode& type_node = *p.find("type");
  simple("phase", pp, p);
  Load prof{type, {}, {}, {}};
  if (const YamlNode* c = p.find("concurrency"); c && !scalar_is_null(*c)) {
    prof.concurrency = r_.number(at(p, pp, "concurrency"), *c);
  }
  if (type == "concurrency" && !prof.concurrency) prof.concurrency = 1;  // ConcurrencyPhase
  if (type == "fixed_schedule") {
    emit("--fixed-schedule", {}, at(p, pp, "type"), type_node);
    const YamlNode* start = p.find("start_offset");
    const YamlNode* autoo = p.find("auto_offset");
    const bool auto_on = autoo ? r_.boolean(at(p, pp, "auto_offset"), *autoo) : true;
    if (start && !scalar_is_null(*start) && auto_on) {
      r_.fail(at(p, pp, "start_offset"), *start,
              "auto_offset cannot be true when start_offset is set; add auto_offset: false");
    }
    if (!auto_on && (!start || scalar_is_null(*start))) {
      // Timestamps as absolute offsets from the start == keeping everything from offset 0.
      emit("--fixed-schedule-start-offset", {"0"}, at(p, pp, "auto_offset"), *autoo, true);
    }
  } else {
    if (file_dataset()) emit("--no-fixed-schedule", {}, at(p, pp, "type"), type_node, true);
    if (type != "concurrency") {
      const YamlNode* rate = p.find("rate");
      if (!rate) r_.fail(pp, p, "'rate' is required for a " + type + " phase (requests/s)");
      const std::string rp = at(p, pp, "rate");
      prof.rate = r_.number(rp, *rate);
      if (type == "user_centric") {
        emit("--user-centric-rate", {r_.number_text(rp, *rate)}, rp, *rate);
        if (!p.find("users")) r_.fail(pp, p, "'users' is required for a user_centric phase");
      } else {
        emit("--request-rate", {r_.number_text(rp, *rate)}, rp, *rate);
        emit("--arrival-pattern", {type}, at(p, pp, "type"), type_node);
      }
      if (const YamlNode* s = p.find("smoothness"); s && !scalar_is_null(*s)) {
        prof.smoothness = r_.number(at(p, pp, "smoothness"), *s);
      }
    }
  }
  const bool has_stop = p.find("requests") || p.find("duration") || p.find("sessions");
  out_.needs_stop_condition = type != "fixed_schedule" && !has_stop;
  out_.phase_path = pp;
  out_.phase_line = p.line;

  if (!warmup) return;
  // ---- warmup: runs at the profiling load in this build.
  const YamlNode& w = *warmup;
  const std::string& wp = warmup_path;
  for (const char* k : {"sessions", "grace_period"}) {
    if (const YamlNode* v = w.find(k)) {
      r_.only_default(at(w, wp, k), *v, "null",
                      std::string("a warmup ") + k + " (give requests or duration)");
    }
  }
  const bool wreq = w.find("requests") != nullptr;
  const bool wdur = w.find("duration") != nullptr;
  if (wreq == wdur) {
    r_.fail(wp, w,
            wreq ? "give one of 'requests' or 'duration' for the warmup, not both"
                 : "at least one of 'requests' or 'duration' must be specified");
  }
  simple("warmup", wp, w);
  Load expect;
  if (is_rate_type(type)) {
    expect = prof;
  } else {
    expect.type = "concurrency";
    expect.concurrency = prof.concurrency.value_or(1);
  }
  Load got;
  got.type = w.find("type")->text;
  if (const YamlNode* c = w.find("concurrency"); c && !scalar_is_null(*c)) {
    got.concurrency = r_.number(at(w, wp, "concurrency"), *c);
  }
  if (got.type == "concurrency" && !got.concurrency) got.concurrency = 1;
  if (const YamlNode* v = w.find("rate")) got.rate = r_.number(at(w, wp, "rate"), *v);
  if (const YamlNode* v = w.find("smoothness"); v && !scalar_is_null(*v)) {
    got.smoothness = r_.number(at(w, wp, "smoothness"), *v);
  }
  if (got.type != expect.type || got.concurrency != expect.concurrency || got.rate != expect.rate ||
      got.smoothness != expect.smoothness) {
    std::string want = "type: " + expect.type;
    if (expect.rate) want += ", rate: " + trim_number(*expect.rate);
    if (expect.concurrency) want += ", concurrency: " + trim_number(*expect.concurrency);
    if (expect.smoothness) want += ", smoothness: " + trim_number(*expect.smoothness);
    r_.fail(wp, w,
            "this build runs the warmup at the profiling phase's load; make the warmup phase "
            "match it (" +
                want + ")");
  }
}

}  // namespace aiperf::config::detail

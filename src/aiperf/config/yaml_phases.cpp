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
    {"sla", "[]", "phase SLA filters"},
    {"seamless", "false", "seamless phase transitions"},
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
    // request_rate_series: this build's piecewise-constant rate (--request-rate-series).
    if (type != "user_centric") keys.insert(keys.end(), {"rate_series", "request_rate_series"});
    if (type == "gamma") keys.push_back("smoothness");
    if (type == "user_centric") keys.push_back("users");
  }
  return keys;
}

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
  PhaseLoad prof{type, {}, {}, {}, &p};
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
    const YamlNode* series = p.find("request_rate_series");
    if (series && scalar_is_null(*series)) series = nullptr;
    if (series && type != "concurrency") {
      if (const YamlNode* rate = p.find("rate")) {
        r_.fail(at(p, pp, "rate"), *rate,
                "give 'rate' or 'request_rate_series', not both (the series sets the rate)");
      }
      const std::string sp = at(p, pp, "request_rate_series");
      emit("--request-rate-series", {r_.text(sp, *series)}, sp, *series);
      emit("--arrival-pattern", {type}, at(p, pp, "type"), type_node);
      prof.rate = 1;  // rate-controlled; the value only matters to the warmup checks
    } else if (type != "concurrency") {
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
  phase_shaping(pp, p);
  const bool has_stop = p.find("requests") || p.find("duration") || p.find("sessions") ||
                        (p.find("request_rate_series") && type != "concurrency");
  out_.needs_stop_condition = type != "fixed_schedule" && !has_stop;
  out_.phase_path = pp;
  out_.phase_line = p.line;

  if (!warmup) return;
  warmup_phase(*warmup, warmup_path, prof);
}

void BodyMapper::warmup_phase(const YamlNode& w, const std::string& wp, const PhaseLoad& prof) {
  const auto at = [&](const char* k) { return YamlReader::child(wp, w.key_as_written(k)); };
  const YamlNode& type_node = *w.find("type");
  std::string type = type_node.text;
  if (type == "fixed_schedule") {
    r_.fail(at("type"), type_node,
            "a warmup phase is a concurrency loop or a request rate (concurrency, poisson, gamma, "
            "constant, user_centric)");
  }
  if (type == "user_centric") {
    // AIPerf builds every warmup as a request-rate phase: a user_centric warmup sends at its
    // rate with Poisson arrivals, and its users are not used.
    type = "poisson";
    if (const YamlNode* u = w.find("users"); u && !scalar_is_null(*u)) {
      out_.warnings.push_back(at("users") +
                              ": not used: a warmup runs as a request rate (its 'rate', Poisson "
                              "arrivals), as AIPerf runs it");
    }
  }
  warmup_shaping(w, wp, prof);
  int stops = 0;
  for (const char* k : {"requests", "sessions", "duration"}) stops += w.find(k) ? 1 : 0;
  if (stops != 1) {
    r_.fail(wp, w,
            stops ? "give one of 'requests', 'sessions' or 'duration' for the warmup, not several"
                  : "at least one of 'requests', 'duration', or 'sessions' must be specified");
  }
  if (const YamlNode* v = w.find("requests")) {
    emit("--warmup-request-count", {r_.integer_text(at("requests"), *v)}, at("requests"), *v);
  }
  if (const YamlNode* v = w.find("sessions")) {
    emit("--num-warmup-sessions", {r_.integer_text(at("sessions"), *v)}, at("sessions"), *v);
  }
  if (const YamlNode* v = w.find("duration")) {
    emit("--warmup-duration", {r_.duration_text(at("duration"), *v, false)}, at("duration"), *v);
  }
  if (const YamlNode* v = w.find("grace_period"); v && !scalar_is_null(*v)) {
    emit("--warmup-grace-period", {r_.duration_text(at("grace_period"), *v, false)},
         at("grace_period"), *v);
  }
  const YamlNode* conc = w.find("concurrency");
  if (conc && scalar_is_null(*conc)) conc = nullptr;
  if (type == "concurrency") {
    if (prof.rate) {  // the profiling rate would otherwise carry over to the warmup
      emit("--warmup-request-rate", {"0"}, at("type"), type_node, true);
    }
    // ConcurrencyPhase's default concurrency is 1, not the profiling phase's.
    emit("--warmup-concurrency", {conc ? r_.integer_text(at("concurrency"), *conc) : "1"},
         conc ? at("concurrency") : at("type"), conc ? *conc : type_node, conc == nullptr);
    return;
  }
  const YamlNode* rate = w.find("rate");
  if (!rate) r_.fail(wp, w, "'rate' is required for a " + type + " phase (requests/s)");
  emit("--warmup-request-rate", {r_.number_text(at("rate"), *rate)}, at("rate"), *rate);
  emit("--warmup-arrival-pattern", {type}, at("type"), type_node);
  if (conc) {
    emit("--warmup-concurrency", {r_.integer_text(at("concurrency"), *conc)}, at("concurrency"),
         *conc);
  } else if (prof.concurrency && is_rate_type(prof.type)) {
    r_.fail(wp, w,
            "without 'concurrency' this warmup would take the profiling phase's cap (" +
                trim_number(*prof.concurrency) + ") in this build; write concurrency: " +
                trim_number(*prof.concurrency) + " in the warmup phase");
  }
  if (const YamlNode* sm = w.find("smoothness"); sm && !scalar_is_null(*sm)) {
    const double v = r_.number(at("smoothness"), *sm);
    if (!prof.smoothness || *prof.smoothness != v) {
      r_.fail(at("smoothness"), *sm,
              "the warmup shares the profiling phase's smoothness in this build; give both "
              "gamma phases the same smoothness");
    }
  }
}

}  // namespace aiperf::config::detail

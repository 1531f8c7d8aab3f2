// Load shaping (prefill concurrency, ramps, the rate series), request cancellation, HTTP trace and
// network latency rows of the `aiperf profile` option table (spec §1.3 "Load Generator",
// "Request Cancellation", "HTTP Trace", "Network Latency"), and their cross-option rules (spec
// §1.4). Names and defaults are AIPerf's; --request-rate-series is our extension. Help texts are
// our own words.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string typed(const ParseState& st, std::string_view primary) {
  for (const auto& [p, t] : st.typed) {
    if (p == primary) return t;
  }
  return std::string(primary);
}

double parse_ramp(std::string_view flag, const std::string& v) {
  return parse_number(flag, v, 0, true);
}

/// "30", "30s", "500ms", "2m", "1.5h" -> seconds (> 0).
double parse_segment_duration(std::string_view flag, std::string_view item, std::string_view text) {
  double scale = 1.0;
  std::string_view n = text;
  auto ends = [&](std::string_view suf) {
    return n.size() > suf.size() && n.substr(n.size() - suf.size()) == suf;
  };
  if (ends("ms")) {
    scale = 1e-3;
    n.remove_suffix(2);
  } else if (ends("s")) {
    n.remove_suffix(1);
  } else if (ends("m")) {
    scale = 60.0;
    n.remove_suffix(1);
  } else if (ends("h")) {
    scale = 3600.0;
    n.remove_suffix(1);
  }
  double d = 0;
  try {
    d = parse_number(flag, n, 0, true);
  } catch (const ConfigError&) {
    throw ConfigError(std::string(flag) + ": segment '" + std::string(item) +
                      "' has no valid duration (expected RATE:DURATION such as 10:30s, 50:2m, "
                      "5:500ms; the duration must be > 0)");
  }
  return d * scale;
}

/// "10:30s,50:60s,20:30s" (rate >= 0 req/s : duration > 0).
std::vector<Config::RateSegment> parse_rate_series(std::string_view flag, std::string_view text) {
  std::vector<Config::RateSegment> out;
  for (const std::string& item : split_comma_list(flag, text)) {
    size_t colon = item.find(':');
    if (colon == std::string::npos) {
      throw ConfigError(std::string(flag) + ": segment '" + item +
                        "' is not RATE:DURATION (e.g. \"10:30s,50:60s,20:30s\")");
    }
    Config::RateSegment seg;
    try {
      seg.rate = parse_number(flag, item.substr(0, colon), 0, false);
    } catch (const ConfigError&) {
      throw ConfigError(std::string(flag) + ": segment '" + item +
                        "' has no valid rate (requests per second, >= 0)");
    }
    seg.duration_s = parse_segment_duration(flag, item, std::string_view(item).substr(colon + 1));
    out.push_back(seg);
  }
  bool any = false;
  for (const auto& s : out) any |= s.rate > 0;
  if (!any)
    throw ConfigError(std::string(flag) + ": every segment has rate 0; nothing would be sent");
  return out;
}

/// AIPerf's RateSeriesConfig points: a list, or {"points": [...]}; each {time_s >= 0, qps > 0},
/// at least two, time_s strictly increasing.
std::vector<Config::RatePoint> parse_rate_points(std::string_view flag, const std::string& text,
                                                 const std::string& source) {
  const std::string where = std::string(flag) + " " + source;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(where +
                      ": not valid JSON (expected {\"points\": [{\"time_s\": 0, "
                      "\"qps\": 5}, ...]} or the list of points)");
  }
  if (doc.is_object()) {
    if (doc.size() != 1 || !doc.contains("points")) {
      throw ConfigError(where + ": the object must have exactly one key, points");
    }
    doc = doc["points"];
  }
  if (!doc.is_array()) throw ConfigError(where + ": points must be a list");
  std::vector<Config::RatePoint> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& pt = doc[i];
    const std::string at = where + ": point " + std::to_string(i);
    if (!pt.is_object() || !pt.contains("time_s") || !pt.contains("qps") || pt.size() != 2 ||
        !pt["time_s"].is_number() || !pt["qps"].is_number()) {
      throw ConfigError(at + " must be {\"time_s\": <seconds>, \"qps\": <requests/s>}");
    }
    Config::RatePoint rp{pt["time_s"].get<double>(), pt["qps"].get<double>()};
    if (!std::isfinite(rp.time_s) || !std::isfinite(rp.qps) || rp.time_s < 0 || rp.qps <= 0) {
      throw ConfigError(at + ": time_s must be >= 0 and qps > 0 (finite)");
    }
    if (!out.empty() && rp.time_s <= out.back().time_s) {
      throw ConfigError(at + ": time_s values must be strictly increasing");
    }
    out.push_back(rp);
  }
  if (out.size() < 2) throw ConfigError(where + ": a rate series needs at least two points");
  return out;
}

/// --request-rate-series: inline JSON, a JSON file, or our RATE:DURATION list.
void parse_rate_series_value(Config& c, std::string_view flag, const std::string& v) {
  const size_t first = v.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (v[first] == '[' || v[first] == '{')) {
    c.request_rate_points = parse_rate_points(flag, v, "(inline JSON)");
    return;
  }
  std::error_code ec;
  const bool json_name = v.size() > 5 && v.compare(v.size() - 5, 5, ".json") == 0;
  if (json_name || std::filesystem::is_regular_file(v, ec)) {
    std::ifstream f(v, std::ios::binary);
    std::ostringstream text;
    if (!f || !(text << f.rdbuf())) {
      throw ConfigError(std::string(flag) + " " + v +
                        ": cannot read the rate series file; check the path");
    }
    c.request_rate_points = parse_rate_points(flag, text.str(), v);
    return;
  }
  c.request_rate_series = parse_rate_series(flag, v);
}

}  // namespace

std::vector<OptionSpec> shaping_options() {
  return {
      // ---------------------------------------------------------------- Load Generator
      {{"--prefill-concurrency"},
       ValueKind::kValue,
       "<int>",
       "",
       "Load Generator",
       "At most this many requests may be waiting for their first token (in prefill) at once; "
       "a request that would exceed it waits to be sent. Needs --streaming; at most "
       "--concurrency. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prefill_concurrency = parse_int_at_least(flag, one(values), 1, true);
       }},
      {{"--concurrency-ramp-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Load Generator",
       "Raise the session concurrency from 1 to --concurrency in steps of one, evenly spread "
       "over this many seconds. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.concurrency_ramp_duration_s = parse_ramp(flag, one(values));
       }},
      {{"--prefill-concurrency-ramp-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Load Generator",
       "Raise the prefill concurrency from 1 to --prefill-concurrency in steps of one, evenly "
       "spread over this many seconds. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prefill_concurrency_ramp_duration_s = parse_ramp(flag, one(values));
       }},
      {{"--request-rate-ramp-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Load Generator",
       "Raise the request rate linearly to --request-rate over this many seconds, starting at "
       "rate·0.1/duration and updated every 0.1 s. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_rate_ramp_duration_s = parse_ramp(flag, one(values));
       }},
      {{"--concurrency-ramp-strategy"},
       ValueKind::kValue,
       "linear|exponential|poisson",
       "linear",
       "Load Generator",
       "Curve of --concurrency-ramp-duration: linear, exponential (slow start, fast finish: "
       "progress (t/D)^2) or "
       "poisson (random step times that still end on time). AIPerf's config files name it "
       "per ramp ('strategy'); aiperf-C++ extension on the command line.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.concurrency_ramp_type = parse_ramp_type(flag, one(values));
       }},
      {{"--prefill-concurrency-ramp-strategy"},
       ValueKind::kValue,
       "linear|exponential|poisson",
       "linear",
       "Load Generator",
       "Curve of --prefill-concurrency-ramp-duration, as --concurrency-ramp-strategy.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prefill_concurrency_ramp_type = parse_ramp_type(flag, one(values));
       }},
      {{"--request-rate-ramp-strategy"},
       ValueKind::kValue,
       "linear|exponential|poisson",
       "linear",
       "Load Generator",
       "Curve of --request-rate-ramp-duration (sampled every 0.1 s), as "
       "--concurrency-ramp-strategy.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_rate_ramp_type = parse_ramp_type(flag, one(values));
       }},
      {{"--request-rate-series"},
       ValueKind::kValue,
       "<file|RATE:DURATION,...>",
       "",
       "Load Generator",
       "A request rate that changes over time. AIPerf's form: a JSON file of control points "
       "({\"points\": [{\"time_s\": 0, \"qps\": 5}, {\"time_s\": 60, \"qps\": 50}]} or just the "
       "list; time_s strictly increasing, qps > 0): the rate is interpolated linearly between "
       "points (updated every 0.1 s), starts after --request-rate-ramp-duration, and the last "
       "rate holds after the last point; needs --request-rate (the rate before the series). "
       "aiperf-C++ extension: a piecewise-constant series \"10:30s,50:60s,20:30s\" (10 req/s "
       "for 30 s, then 50 for 60 s, then 20 for 30 s; durations in ms, s, m or h) instead of "
       "--request-rate; without --benchmark-duration the run lasts the series.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         parse_rate_series_value(st.cfg, flag, one(values));
       }},
      // ---------------------------------------------------------------- Request Cancellation
      {{"--request-cancellation-rate"},
       ValueKind::kValue,
       "<percent>",
       "",
       "Request Cancellation",
       "Cancel this percentage of requests (client disconnect): the request is sent in full, "
       "then the connection is closed --request-cancellation-delay seconds later. Cancelled "
       "requests are errors with code 499. Warmup requests are never cancelled. Must be > 0 "
       "and <= 100.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         double v = parse_number(flag, one(values), 0, true);
         if (v > 100.0) {
           throw ConfigError(std::string(flag) + ": must be a percentage > 0 and <= 100 (got " +
                             one(values) + ")");
         }
         st.cfg.request_cancellation_rate_pct = v;
       }},
      {{"--request-cancellation-delay"},
       ValueKind::kValue,
       "<seconds>",
       "0.0",
       "Request Cancellation",
       "Seconds between the moment a cancelled request is fully written and its cancellation; "
       "0 disconnects right after sending. Needs --request-cancellation-rate. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_cancellation_delay_s = parse_number(flag, one(values), 0, false);
       }},
      // ---------------------------------------------------------------- HTTP Trace
      {{"--export-http-trace"},
       ValueKind::kFlag,
       "",
       "",
       "HTTP Trace",
       "Add each request's transport timestamps (connect, TLS, send, first byte, download) and "
       "chunk timings as \"trace_data\" to profile_export.jsonl. The http_req_* metrics are "
       "computed either way.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.export_http_trace = true;
       }},
      {{"--show-trace-timing"},
       ValueKind::kFlag,
       "",
       "",
       "HTTP Trace",
       "Print the HTTP timing table (blocked, DNS, connecting, TLS, sending, waiting, receiving, "
       "duration; k6 names) in the console after the run.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.show_trace_timing = true;
       }},
      // ---------------------------------------------------------------- Network Latency
      {{"--network-latency-automatic"},
       ValueKind::kFlag,
       "",
       "",
       "Network Latency",
       "Measure the network round trip during profiling (a fresh TCP handshake to the server "
       "every --network-latency-ping-interval seconds, at least 5) and report "
       "network_adjusted_* latencies with the mean RTT subtracted.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.network_latency_automatic = true;
       }},
      {{"--network-latency-mean"},
       ValueKind::kValue,
       "<ms>",
       "",
       "Network Latency",
       "Subtract this fixed round trip (milliseconds) instead of measuring it. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.network_latency_mean_ms = parse_number(flag, one(values), 0, false);
       }},
      {{"--network-latency-ping-interval"},
       ValueKind::kValue,
       "<seconds>",
       "1.0",
       "Network Latency",
       "Seconds between two round-trip probes of --network-latency-automatic. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.network_latency_ping_interval_s = parse_number(flag, one(values), 0, true);
       }},
  };
}

void resolve_rate_series(ParseState& st) {
  Config& c = st.cfg;
  if (!c.request_rate_points.empty()) {
    // AIPerf's form: the series takes over from --request-rate (after its ramp).
    if (!c.request_rate) {
      throw ConfigError(typed(st, "--request-rate-series") +
                        " (a JSON series) needs --request-rate: the rate before the series "
                        "starts (the target of --request-rate-ramp-duration, if any)");
    }
    return;
  }
  if (c.request_rate_series.empty()) return;
  const std::string series = typed(st, "--request-rate-series");
  for (const char* f : {"--request-rate", "--user-centric-rate", "--request-rate-ramp-duration"}) {
    if (st.given(f)) {
      throw ConfigError(series + " cannot be used with " + typed(st, f) +
                        ": the series sets the rate over time; drop one of them");
    }
  }
  // Mode selection and the fixed-schedule checks treat the series as the rate flag it replaces,
  // and name it as typed.
  st.typed.emplace_back("--request-rate", series);
  double total = 0, work = 0;
  for (const auto& s : c.request_rate_series) {
    total += s.duration_s;
    work += s.rate * s.duration_s;
  }
  c.request_rate = work / total;  // > 0: some segment has a rate
  if (!c.benchmark_duration_s && !c.request_count && !c.num_sessions) {
    c.benchmark_duration_s = total;
  }
}

namespace {

void check_ramp_fits(const ParseState& st, std::string_view primary,
                     const std::optional<double>& ramp) {
  const Config& c = st.cfg;
  if (!ramp || !c.benchmark_duration_s || *ramp <= *c.benchmark_duration_s) return;
  throw ConfigError(typed(st, primary) + " (" + num(*ramp) + " s) is longer than the run (" +
                    typed(st, "--benchmark-duration") + " " + num(*c.benchmark_duration_s) +
                    " s): the ramp would never reach its target; shorten the ramp or lengthen "
                    "the run");
}

}  // namespace

RampType parse_ramp_type(std::string_view flag, const std::string& value) {
  static constexpr RampType kTypes[] = {RampType::kLinear, RampType::kExponential,
                                        RampType::kPoisson};
  return kTypes[choose(flag, value, {"linear", "exponential", "poisson"}, true)];
}

void resolve_shaping(ParseState& st) {
  Config& c = st.cfg;
  if ((!c.request_rate_series.empty() || !c.request_rate_points.empty()) &&
      c.timing_mode != TimingMode::kRequestRate) {
    throw ConfigError(typed(st, "--request-rate-series") + " cannot be used in " +
                      to_string(c.timing_mode) + " mode; drop it");
  }
  // Prefill concurrency (spec §1.4 phase validators).
  if (c.prefill_concurrency) {
    const std::string flag = typed(st, "--prefill-concurrency");
    if (!c.streaming) {
      throw ConfigError(flag +
                        " requires --streaming (prefill ends with a request's first streamed "
                        "token); pass --streaming or drop " +
                        flag);
    }
    if (c.concurrency && *c.prefill_concurrency > *c.concurrency) {
      throw ConfigError("prefill_concurrency must be <= concurrency: " + flag + " " +
                        std::to_string(*c.prefill_concurrency) + " > --concurrency " +
                        std::to_string(*c.concurrency) +
                        (st.given("--concurrency") ? "" : " (its default)"));
    }
  }
  // Ramps (spec §3.5): each needs the target it ramps to, and must end within the run.
  if (c.concurrency_ramp_duration_s && !c.concurrency) {
    throw ConfigError(typed(st, "--concurrency-ramp-duration") +
                      " needs --concurrency (the session limit it ramps up to)");
  }
  if (c.prefill_concurrency_ramp_duration_s && !c.prefill_concurrency) {
    throw ConfigError(typed(st, "--prefill-concurrency-ramp-duration") +
                      " needs --prefill-concurrency (the limit it ramps up to)");
  }
  if (c.request_rate_ramp_duration_s) {
    if (c.timing_mode == TimingMode::kUserCentric) {
      throw ConfigError(typed(st, "--request-rate-ramp-duration") +
                        " cannot ramp --user-centric-rate (its users keep a fixed turn gap; "
                        "AIPerf ignores it there); drop it or use --request-rate");
    }
    if (c.timing_mode != TimingMode::kRequestRate) {
      throw ConfigError(
          "--request-rate-ramp-duration can only be used with rate-controlled scheduling "
          "(--request-rate or --user-centric-rate). Pass one of those to enable rate ramping, "
          "or drop --request-rate-ramp-duration.");
    }
  }
  for (const auto& [strategy, ramp] :
       {std::pair{"--concurrency-ramp-strategy", "--concurrency-ramp-duration"},
        std::pair{"--prefill-concurrency-ramp-strategy", "--prefill-concurrency-ramp-duration"},
        std::pair{"--request-rate-ramp-strategy", "--request-rate-ramp-duration"}}) {
    if (st.given(strategy) && !st.given(ramp)) {
      throw ConfigError(std::string(strategy) + " needs " + ramp +
                        " (the ramp whose curve it sets); add it or drop " + strategy);
    }
  }
  check_ramp_fits(st, "--concurrency-ramp-duration", c.concurrency_ramp_duration_s);
  check_ramp_fits(st, "--prefill-concurrency-ramp-duration", c.prefill_concurrency_ramp_duration_s);
  check_ramp_fits(st, "--request-rate-ramp-duration", c.request_rate_ramp_duration_s);

  // Request cancellation (spec §1.4).
  if (st.given("--request-cancellation-delay") && !c.request_cancellation_rate_pct) {
    throw ConfigError(
        "--request-cancellation-delay requires --request-cancellation-rate to be set "
        "(cancellation is disabled when rate is unset). Pass --request-cancellation-rate > 0 to "
        "enable cancellation, or drop --request-cancellation-delay.");
  }

  // HTTP trace.
  if (c.export_http_trace && c.export_level == ExportLevel::kSummary) {
    c.warnings.push_back(typed(st, "--export-http-trace") +
                         " has no effect with --export-level summary (no per-request file is "
                         "written); use --export-level records");
  }

  // Network latency (spec §1.4).
  if (c.network_latency_automatic && c.network_latency_mean_ms) {
    throw ConfigError(
        "Cannot use both --network-latency-automatic and --network-latency-mean together. Pass "
        "one: measure the round trip, or give it.");
  }
  if (st.given("--network-latency-ping-interval") && !c.network_latency_automatic) {
    throw ConfigError(
        "--network-latency-ping-interval only applies with --network-latency-automatic; pass "
        "it or drop --network-latency-ping-interval");
  }
}

}  // namespace aiperf::config::detail

// `aiperf profile` argument parsing: a scan that finds each option by the table (aliases, -vv,
// missing values, AIPerf's consume-multiple lists, nearest-name suggestions), CLI11 collecting
// the values under each option's names, each row's apply step, then resolve(): the defaults and
// cross-option rules of spec §1.4 that need every flag at once.
#include "aiperf/config/cli_options.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/config/file_merge.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/option_table.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config {
namespace {

using detail::OptionSpec;
using detail::ParseState;
using detail::ValueKind;

const std::vector<OptionSpec>& table() {
  return detail::option_table();
}

/// Table index of an option name (any alias), or -1.
int find_option(std::string_view name) {
  const auto& t = table();
  for (size_t i = 0; i < t.size(); ++i) {
    for (const auto& n : t[i].names) {
      if (n == name) return int(i);
    }
  }
  return -1;
}

bool is_negative_number(std::string_view tok) {
  if (tok.size() < 2 || tok[0] != '-') return false;
  return std::isdigit(static_cast<unsigned char>(tok[1])) || tok[1] == '.';
}

/// A token in option position that names (or tries to name) an option.
bool looks_like_option(std::string_view tok) {
  return tok.size() > 1 && tok[0] == '-' && !is_negative_number(tok);
}

/// In value position, a token that is clearly the next option rather than a value: any
/// "--name" and known short names. "-1" or "-x" stay values.
bool is_next_option(std::string_view tok) {
  if (tok.size() > 2 && tok.substr(0, 2) == "--") return true;
  return tok.size() >= 2 && tok[0] == '-' && find_option(tok) >= 0;
}

/// AIPerf's list options that may also stand alone: a bare `--gpu-telemetry` turns the GPU
/// table on with the default sources (its docs and tutorials spell it so).
bool bare_is_meaningful(const OptionSpec& s) {
  return s.names.front() == "--gpu-telemetry";
}

std::string value_form(const OptionSpec& s) {
  return std::string(s.metavar);
}

struct Occurrence {
  int index;
  std::string typed;
  std::string value;
};

/// Scans args into occurrences, reporting unknown options, missing values and stray arguments.
std::vector<Occurrence> scan(const std::vector<std::string>& args) {
  std::vector<Occurrence> out;
  const auto& t = table();
  std::string previous_value_option;
  for (size_t i = 0; i < args.size();) {
    const std::string& tok = args[i];
    if (!looks_like_option(tok) || tok == "--") {
      std::string msg = "unexpected argument '" + tok + "'; aiperf profile takes only options";
      if (previous_value_option == "--goodput") {
        msg +=
            " (quote several goodput pairs as one value: --goodput \"request_latency:250 "
            "time_to_first_token:50\")";
      } else {
        msg += " (see aiperf profile --help)";
      }
      throw ConfigError(msg);
    }
    std::string name = tok;
    std::optional<std::string> inline_value;
    if (tok.rfind("--", 0) == 0) {
      if (size_t eq = tok.find('='); eq != std::string::npos) {
        name = tok.substr(0, eq);
        inline_value = tok.substr(eq + 1);
      }
    }
    int idx = find_option(name);
    if (idx < 0) {
      std::string msg = "unknown option " + name;
      // "-x" is too short for a useful guess; every short name is one edit away.
      auto best = name.size() > 3 ? nearest(name, profile_flag_names()) : std::nullopt;
      msg += best ? "; did you mean " + *best + "?" : std::string(" (see aiperf profile --help)");
      throw ConfigError(msg);
    }
    const OptionSpec& spec = t[size_t(idx)];
    ++i;
    if (spec.kind == ValueKind::kFlag) {
      if (inline_value) {
        throw ConfigError(name + ": is a switch and takes no value (got '" + tok + "')");
      }
      out.push_back({idx, name, {}});
      previous_value_option.clear();
      continue;
    }
    if (!inline_value) {
      if (i >= args.size() || is_next_option(args[i])) {
        if (!bare_is_meaningful(spec)) {
          throw ConfigError(name + ": missing value (expected " + value_form(spec) + ")");
        }
        inline_value = std::string();  // the row's apply step skips the empty value
      } else {
        inline_value = args[i++];
      }
    }
    out.push_back({idx, name, *inline_value});
    if (spec.consume_multiple) {
      while (i < args.size() && !looks_like_option(args[i])) out.push_back({idx, name, args[i++]});
    }
    previous_value_option = spec.names.front();
  }
  return out;
}

/// Registers the table with CLI11 and lets it collect the values of the canonical tokens.
/// Returns, per table row, the values given (flags: one empty string per occurrence).
std::vector<std::vector<std::string>> collect(const std::vector<Occurrence>& occ) {
  const auto& t = table();
  CLI::App app{"aiperf profile", "profile"};
  app.set_help_flag();  // --help is a table row; HelpRequested is raised before this point
  std::vector<CLI::Option*> opts;
  for (const auto& s : t) {
    std::string names;
    for (const auto& n : s.names) {
      if (n.size() > 2 && n[0] == '-' && n[1] != '-') continue;  // "-vv": CLI11 needs 1 char
      names += (names.empty() ? "" : ",") + n;
    }
    CLI::Option* o =
        s.kind == ValueKind::kFlag ? app.add_flag(names, s.help) : app.add_option(names, s.help);
    o->group(s.group);
    if (s.kind == ValueKind::kValue) {
      o->type_name(s.metavar)->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
    opts.push_back(o);
  }
  std::vector<std::string> tokens;
  for (const auto& o : occ) {
    const std::string& primary = t[size_t(o.index)].names.front();
    if (t[size_t(o.index)].kind == ValueKind::kFlag) {
      tokens.push_back(primary);
    } else if (o.value.empty()) {
      tokens.push_back(primary);  // CLI11 reads "--x=" as a missing value; "--x" "" is empty
      tokens.emplace_back();
    } else {
      tokens.push_back(primary + "=" + o.value);  // "=" keeps values like "-1" from parsing
    }
  }
  std::reverse(tokens.begin(), tokens.end());  // CLI11 consumes from the back
  try {
    app.parse(tokens);
  } catch (const CLI::ParseError& e) {
    throw ConfigError(std::string("invalid arguments: ") + e.what());
  }
  std::vector<std::vector<std::string>> values(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind == ValueKind::kFlag) {
      values[i].assign(opts[i]->count(), std::string());
    } else {
      values[i] = opts[i]->results();
    }
  }
  return values;
}

/// Dataset source (synthetic, --input-file, --public-dataset) and the flags that only make sense
/// with one of them (spec §1.4).
void resolve_dataset_source(ParseState& st) {
  Config& c = st.cfg;
  if (c.input_file && c.public_dataset) {
    throw ConfigError(st.typed_as("--input-file") + " and " + st.typed_as("--public-dataset") +
                      " cannot be used together; pass one dataset source");
  }
  if (c.hf_subset &&
      (!c.public_dataset || *c.public_dataset == "sharegpt" || *c.public_dataset == "spec_bench")) {
    throw ConfigError(st.typed_as("--hf-subset") +
                      " applies to the Hugging Face datasets of --public-dataset (not " +
                      (c.public_dataset ? *c.public_dataset : std::string("without one")) + ")");
  }
  if (c.custom_dataset_type && !c.input_file) {
    throw ConfigError(st.typed_as("--custom-dataset-type") +
                      " requires --input-file (the file to read in that format)");
  }
  if (c.input_file || c.public_dataset) {
    // --isl-block-size stays allowed with files: it sets the hash_ids block size (AIPerf's
    // CLI rejects it, its YAML accepts it; docs/datasets.md).
    std::string flags;
    // --shared-system-prompt-length and --user-context-prompt-length stay allowed: they are
    // added to file-based conversations too, as AIPerf's composer does (its skill guide runs
    // them with --input-file; the dataset stage refuses files of raw request bodies).
    for (const char* f :
         {"--prompt-prefix-pool-size", "--prompt-prefix-length", "--prompt-input-tokens-mean",
          "--prompt-input-tokens-stddev", "--prompt-batch-size", "--seq-dist", "--image-batch-size",
          "--image-source", "--image-source-sampling", "--audio-batch-size",
          "--video-batch-size"}) {
      if (st.given(f)) flags += (flags.empty() ? "" : ", ") + st.typed_as(f);
    }
    if (!flags.empty()) {
      throw ConfigError(flags +
                        " is only supported with synthetic datasets; use a synthetic dataset "
                        "(no --input-file) or drop " +
                        flags + ".");
    }
  }
  if (c.input_file && !c.custom_dataset_type) {
    c.custom_dataset_type = detect_custom_dataset_type(*c.input_file);
  }
  const bool pool = c.num_prefix_prompts > 0 || c.prefix_prompt_length > 0;
  const bool shared = c.shared_system_prompt_length || c.user_context_prompt_length;
  if (pool && shared) {
    throw ConfigError(
        "pool_size/length and shared_system_length/user_context_length are mutually exclusive: "
        "pass --prefix-prompt-pool-size/--prefix-prompt-length, or "
        "--shared-system-prompt-length/--user-context-prompt-length, not both");
  }
  if ((c.num_prefix_prompts > 0) != (c.prefix_prompt_length > 0)) {
    throw ConfigError(
        "--prefix-prompt-pool-size and --prefix-prompt-length must be given together (both > 0)");
  }
}

/// Fixed schedule: explicit flag, or auto-promotion of a timestamped trace (spec §1.4), and
/// its offsets (spec §3.6).
bool resolve_fixed_schedule(ParseState& st) {
  Config& c = st.cfg;
  if (st.fixed_schedule_flag && st.no_fixed_schedule_flag) {
    throw ConfigError("--fixed-schedule and --no-fixed-schedule cannot be used together");
  }
  bool fixed = st.fixed_schedule_flag;
  if (!fixed && !st.no_fixed_schedule_flag && c.input_file && c.custom_dataset_type &&
      is_trace_type(*c.custom_dataset_type) &&
      first_record_has_timestamp(*c.input_file, *c.custom_dataset_type)) {
    std::string bad;
    for (const char* f :
         {"--request-rate", "--user-centric-rate", "--num-users", "--arrival-smoothness"}) {
      if (st.given(f)) bad += (bad.empty() ? "" : ", ") + st.typed_as(f);
    }
    if (!bad.empty()) {
      throw ConfigError(
          "Trace dataset has per-record timestamps and would be auto-promoted to "
          "fixed_schedule, but the following flags are incompatible with fixed_schedule mode: "
          "[" +
          bad + "]. Drop the conflicting flags, or pass --no-fixed-schedule to use them.");
    }
    fixed = true;
    c.warnings.push_back(std::string(to_string(*c.custom_dataset_type)) +
                         " file has timestamps: replaying them (fixed schedule); pass "
                         "--no-fixed-schedule to use --concurrency or --request-rate instead");
  }
  if (st.fixed_schedule_flag || st.no_fixed_schedule_flag || fixed) c.fixed_schedule = fixed;
  const bool offsets = st.given("--fixed-schedule-auto-offset") ||
                       st.given("--fixed-schedule-start-offset") ||
                       st.given("--fixed-schedule-end-offset");
  if (offsets && !fixed) {
    throw ConfigError(
        "--fixed-schedule-{auto,start,end}-offset requires --fixed-schedule. Pass "
        "--fixed-schedule with a trace file to enable offsets, or drop these flags.");
  }
  if (!fixed) return false;
  if (c.request_rate || c.user_centric_rate) {
    throw ConfigError(std::string(c.request_rate ? st.typed_as("--request-rate")
                                                 : st.typed_as("--user-centric-rate")) +
                      " cannot be used with --fixed-schedule (the trace timestamps set the "
                      "send times); drop it, or pass --no-fixed-schedule");
  }
  if (c.fixed_schedule_auto_offset && c.fixed_schedule_start_offset_ms) {
    throw ConfigError(
        "auto_offset cannot be True when start_offset is set: drop "
        "--fixed-schedule-auto-offset or --fixed-schedule-start-offset");
  }
  if (c.fixed_schedule_start_offset_ms && c.fixed_schedule_end_offset_ms &&
      *c.fixed_schedule_start_offset_ms > *c.fixed_schedule_end_offset_ms) {
    throw ConfigError("start_offset must be <= end_offset (--fixed-schedule-start-offset " +
                      std::to_string(*c.fixed_schedule_start_offset_ms) +
                      " > --fixed-schedule-end-offset " +
                      std::to_string(*c.fixed_schedule_end_offset_ms) + ")");
  }
  // AIPerf's effective default: auto offset on unless a start offset is given.
  if (!c.fixed_schedule_auto_offset) {
    c.fixed_schedule_auto_offset = !c.fixed_schedule_start_offset_ms.has_value();
  }
  if (!c.input_file && !c.public_dataset) {
    throw ConfigError(
        "--fixed-schedule needs a dataset with timestamps: pass --input-file with a trace "
        "(mooncake_trace, bailian_trace, burst_gpt_trace) or a single_turn/multi_turn file with "
        "\"timestamp\" fields");
  }
  if (c.public_dataset) {
    throw ConfigError("--fixed-schedule needs timestamps, which --public-dataset " +
                      *c.public_dataset + " does not have; pass --input-file with a trace");
  }
  if (c.dataset_sampling_strategy &&
      *c.dataset_sampling_strategy != SamplingStrategy::kSequential) {
    throw ConfigError(std::string("fixed_schedule requires sequential sampling, but dataset '") +
                      *c.input_file + "' uses '" + to_string(*c.dataset_sampling_strategy) +
                      "' sampling; drop --dataset-sampling-strategy");
  }
  return true;
}

/// User-centric rate (spec §1.4, §3.7).
void resolve_user_centric(ParseState& st) {
  Config& c = st.cfg;
  if (c.num_users && !c.user_centric_rate) {
    throw ConfigError(
        "--num-users requires --user-centric-rate. Pass --user-centric-rate to enable "
        "user-centric mode, or drop --num-users.");
  }
  if (!c.user_centric_rate) return;
  if (!c.num_users) {
    throw ConfigError(
        "--user-centric-rate requires --num-users (the number of simulated users sharing the "
        "rate)");
  }
  if (c.input_file) {
    if (c.custom_dataset_type != CustomDatasetType::kMultiTurn) {
      throw ConfigError(std::string("user_centric timing requires a multi_turn dataset, but '") +
                        *c.input_file + "' is " + custom_dataset_format(c) +
                        "; use --custom-dataset-type multi_turn or --request-rate");
    }
  } else if (c.session_turns_mean < 2) {
    throw ConfigError(
        "User-centric rate mode requires --session-turns-mean >= 2. For single-turn workloads, "
        "use --request-rate instead.");
  }
  const int64_t users = *c.num_users;
  if (c.num_sessions && *c.num_sessions < users) {
    throw ConfigError("--num-sessions (" + std::to_string(*c.num_sessions) +
                      ") must be >= --num-users (" + std::to_string(users) +
                      "). Each user needs at least one session.");
  }
  if (c.request_count && *c.request_count < users) {
    throw ConfigError("--request-count (" + std::to_string(*c.request_count) +
                      ") must be >= --num-users (" + std::to_string(users) +
                      "). Each user sends at least one request.");
  }
}

/// Timing mode, concurrency and arrival pattern (spec §1.4 "timing mode selection": fixed
/// schedule, then user-centric, then request rate, else concurrency).
void resolve_timing(ParseState& st) {
  Config& c = st.cfg;
  const bool fixed = resolve_fixed_schedule(st);
  resolve_user_centric(st);
  if (fixed) {
    c.timing_mode = TimingMode::kFixedSchedule;
  } else if (c.user_centric_rate) {
    c.timing_mode = TimingMode::kUserCentric;
  }
  if (fixed || c.user_centric_rate) {
    if (st.arrival_smoothness) {
      throw ConfigError(
          "--arrival-smoothness is only supported with --arrival-pattern gamma. Pass "
          "--request-rate with --arrival-pattern gamma, or drop " +
          st.typed_as("--arrival-smoothness") + ".");
    }
    if (st.arrival_pattern) {
      c.warnings.push_back(st.typed_as("--arrival-pattern") + " has no effect in " +
                           to_string(c.timing_mode) + " mode; ignored");
    }
    return;  // --concurrency, if given, is a ceiling
  }
  if (c.request_rate) {
    c.timing_mode = TimingMode::kRequestRate;
    if (st.arrival_pattern) {
      c.arrival_pattern = *st.arrival_pattern;
      if (c.arrival_pattern == ArrivalPattern::kConcurrencyBurst) {
        c.arrival_pattern = ArrivalPattern::kPoisson;
        c.warnings.push_back(
            st.typed_as("--arrival-pattern") +
            " concurrency_burst: rate runs use poisson arrivals for it (as AIPerf does)");
      }
    } else if (st.arrival_smoothness) {
      c.arrival_pattern = ArrivalPattern::kGamma;  // AIPerf: smoothness alone selects gamma
    } else {
      c.arrival_pattern = ArrivalPattern::kPoisson;
    }
  } else {
    c.timing_mode = TimingMode::kConcurrency;
    c.arrival_pattern = st.arrival_pattern.value_or(ArrivalPattern::kPoisson);
    if (!c.concurrency) c.concurrency = 1;  // AIPerf's ConcurrencyPhase default
  }
  if (st.arrival_smoothness) {
    if (c.timing_mode != TimingMode::kRequestRate || c.arrival_pattern != ArrivalPattern::kGamma) {
      throw ConfigError(
          "--arrival-smoothness is only supported with --arrival-pattern gamma. Pass "
          "--request-rate with --arrival-pattern gamma, or drop " +
          st.typed_as("--arrival-smoothness") + ".");
    }
    c.arrival_smoothness = *st.arrival_smoothness;
  }
  if (st.arrival_pattern && c.timing_mode == TimingMode::kConcurrency) {
    c.warnings.push_back(st.typed_as("--arrival-pattern") +
                         " has no effect without --request-rate (concurrency mode); ignored");
  }
}

/// Stop conditions, grace, warmup and dataset size (spec §1.3, §1.4, §3.9).
void resolve_stop(ParseState& st) {
  Config& c = st.cfg;
  const bool count_given = c.request_count.has_value();
  if (!c.request_count && !c.benchmark_duration_s && !c.num_sessions &&
      c.timing_mode != TimingMode::kFixedSchedule) {
    c.request_count = 10;  // fixed schedule: the trace itself is the stop condition
  }
  if (st.grace_period_s && !c.benchmark_duration_s) {
    throw ConfigError(
        "--benchmark-grace-period requires --benchmark-duration to be set. Pass "
        "--benchmark-duration, or drop --benchmark-grace-period.");
  }
  c.benchmark_grace_period_s = st.grace_period_s.value_or(30.0);
  if (c.warmup_request_count && c.warmup_duration_s) {
    c.warnings.push_back(st.typed_as("--warmup-duration") +
                         " is ignored: " + st.typed_as("--warmup-request-count") +
                         " ends the warmup (AIPerf's precedence)");
    c.warmup_duration_s.reset();
  }

  // Dataset size (spec §1.3): explicit entries, else explicit --num-conversations, else
  // explicit request count, else 100.
  if (st.num_dataset_entries) {
    c.num_dataset_entries = *st.num_dataset_entries;
  } else if (st.num_conversations) {
    c.num_dataset_entries = *st.num_conversations;
  } else if (count_given) {
    c.num_dataset_entries = *c.request_count;
  } else {
    c.num_dataset_entries = 100;
  }
}

/// Defaults that depend on other flags, and the cross-option rules (spec §1.4, §3.9, §6.1).
/// --endpoint-type kserve / kserve_vllm (docs/triton.md): options that act on HTTP requests only
/// are refused rather than silently ignored.
void resolve_kserve(ParseState& st) {
  const Config& c = st.cfg;
  if (c.endpoint_type != EndpointType::kKserve && c.endpoint_type != EndpointType::kKserveVllm)
    return;
  const char* type = to_string(c.endpoint_type);
  auto refuse = [&](const char* flag) {
    throw ConfigError(st.typed_as(flag) + " applies to HTTP requests; --endpoint-type " + type +
                      " speaks gRPC (docs/triton.md): drop it");
  };
  if (c.request_cancellation_rate_pct) refuse("--request-cancellation-rate");
  if (c.prefill_concurrency) refuse("--prefill-concurrency");
  if (c.export_http_trace) refuse("--export-http-trace");
  if (c.tls_insecure) {
    throw ConfigError(st.typed_as("--insecure") + " does not apply to --endpoint-type " + type +
                      ": its TLS (https:// URLs) verifies against the system's roots; drop it");
  }
}

void resolve(ParseState& st, const ParseEnv& env) {
  Config& c = st.cfg;
  detail::resolve_study(st);
  if (c.models.empty()) {
    throw ConfigError(
        "--model: at least one model name is required (e.g. --model Qwen/Qwen3-0.6B)");
  }
  c.extra_inputs_json = st.extra_inputs.dump();
  detail::resolve_endpoint_type(st);
  detail::resolve_servers(st);
  detail::resolve_tutorial(st);
  resolve_dataset_source(st);
  detail::resolve_media(st);
  detail::resolve_length_distributions(st);
  detail::resolve_telemetry(st);
  detail::resolve_plots(st);
  detail::resolve_rate_series(st);
  resolve_timing(st);
  resolve_stop(st);
  detail::resolve_warmup(st);
  detail::resolve_shaping(st);
  resolve_kserve(st);

  // Logging and UI.
  if (st.extra_verbose) {
    c.log_level = LogLevel::kTrace;
  } else if (st.verbose) {
    c.log_level = LogLevel::kDebug;
  }
  if (st.ui) {
    c.ui = *st.ui;
  } else if (!env.stdout_is_tty) {
    c.ui = UiType::kNone;  // spec §1.3: none when stdout is not a terminal
  } else {
    c.ui = st.verbose || st.extra_verbose ? UiType::kSimple : UiType::kDashboard;
  }

  // Tokenizer default (spec §1.3).
  if (!c.tokenizer && is_placeholder_model_name(c.models.front())) {
    c.warnings.push_back("model '" + c.models.front() +
                         "' looks like a placeholder; using the builtin tokenizer (pass "
                         "--tokenizer to choose another)");
  }

  // AIPERF_HTTP_SSL_VERIFY=false has the effect of --insecure (docs/environment-variables.md).
  if (!env::flag("AIPERF_HTTP_SSL_VERIFY")) c.tls_insecure = true;

  // Artifact directory (spec §6.1).
  if (!st.artifact_dir_given) c.artifact_dir = "artifacts/" + artifact_subdir_name(c);
}

std::string wrap(std::string_view text, size_t indent, size_t width) {
  std::string out;
  std::string line(indent, ' ');
  size_t line_len = indent;
  std::istringstream words{std::string(text)};
  std::string w;
  bool first = true;
  while (words >> w) {
    if (!first && line_len + 1 + w.size() > width) {
      out += line + "\n";
      line = std::string(indent, ' ');
      line_len = indent;
      first = true;
    }
    if (!first) {
      line += ' ';
      ++line_len;
    }
    line += w;
    line_len += w.size();
    first = false;
  }
  if (!first) out += line + "\n";
  return out;
}

/// Control characters from user values become visible escapes, so an error stays one line.
std::string one_line(std::string_view msg) {
  std::string out;
  for (unsigned char ch : msg) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += char(ch);
    }
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 9;
    if (n == 9 || (n == 1 && c < 0xc2) || i + n >= s.size() + (n ? 0 : 1)) return false;
    uint32_t cp = n == 0 ? c : c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

/// (primary flag, value) pairs that replace what the arguments give for those options (one
/// point of a study, study/study.h); an option not among the arguments is added.
using Overrides = std::vector<std::pair<std::string, std::string>>;

/// `file`/`variation`: one run of a config file (else -f among `args` is read); `overrides`:
/// one point of a study, applied over the file and the arguments.
Config parse_checked(const std::vector<std::string>& args, const ParseEnv& env,
                     const LoadedConfigFile* file, const Variation* variation,
                     const Overrides& overrides = {}) {
  // Values end up in JSON request bodies and exports, which must be UTF-8.
  for (size_t i = 0; i < args.size(); ++i) {
    if (!valid_utf8(args[i])) {
      throw ConfigError("argument " + std::to_string(i + 1) +
                        " after 'profile' is not valid UTF-8; pass text in UTF-8");
    }
  }
  std::vector<Occurrence> occ = scan(args);
  std::vector<std::vector<std::string>> values = collect(occ);

  ParseState st;
  const auto& t = table();
  for (const auto& o : occ) {
    const std::string& primary = t[size_t(o.index)].names.front();
    auto it = std::find_if(st.typed.begin(), st.typed.end(),
                           [&](const auto& p) { return p.first == primary; });
    if (it == st.typed.end())
      st.typed.emplace_back(primary, o.typed);
    else
      it->second = o.typed;
  }

  // -f/--config: the file's keys become occurrences of the same rows; flags given win.
  std::optional<FileOptions> from_file;
  const auto& config_values = values[size_t(detail::option_index("--config"))];
  if (file) {
    from_file = file_options(*file, *variation);
  } else if (!config_values.empty()) {
    LoadedConfigFile loaded = load_config_file(config_values.back());
    from_file = file_options(loaded, expand_variations(loaded).front());
    // A file's sweep runs as a study of its variations; its multi_run alone becomes the study
    // options (flags win: `--num-profile-runs 1` over a file's num_runs runs once, as AIPerf).
    st.cfg.config_file_study = loaded.study.sweep.has_value();
  }
  if (from_file) {
    detail::merge_file_options(*from_file, values, st);
    detail::check_merged(*from_file, values);
    st.cfg.user_files_json = from_file->user_files_json;
    st.cfg.config_variables_json = from_file->variables_json;
    st.cfg.plot_config_yaml = from_file->plot_yaml;
    st.cfg.plot_config_origin = from_file->plot_origin;
  }

  st.study_point = !overrides.empty();
  for (const auto& [primary, value] : overrides) {
    int idx = find_option(primary);
    if (idx < 0) throw ConfigError("internal: no option " + primary + " to set a study point");
    values[size_t(idx)] = {value};
    if (!st.given(primary)) st.typed.emplace_back(primary, primary);
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (values[i].empty()) continue;
    const std::string flag = st.typed_as(t[i].names.front());
    if (!t[i].repeatable && values[i].size() > 1) {
      throw ConfigError(flag + ": given more than once ('" + values[i][0] + "' and '" +
                        values[i][1] + "'); pass it once");
    }
    try {
      // A comma list of several values on a sweep flag is a parameter sweep (spec §1.2): the
      // first value stands in for the base config.
      if (auto first = detail::take_sweep_list(st, t[i], flag, values[i].back())) {
        values[i].back() = *first;
      }
      t[i].apply(st, flag, values[i]);
    } catch (const ConfigError& e) {
      if (!from_file || flag.rfind("-", 0) == 0) throw;
      throw ConfigError(e.what() + detail::locate(*from_file, e.what()));
    }
  }
  try {
    resolve(st, env);
  } catch (const ConfigError& e) {
    if (!from_file) throw;
    throw ConfigError(e.what() + detail::locate(*from_file, e.what()));
  }
  if (from_file) {
    st.cfg.warnings.insert(st.cfg.warnings.end(), from_file->warnings.begin(),
                           from_file->warnings.end());
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (!values[i].empty()) st.cfg.given_options.emplace_back(t[i].names.front(), values[i]);
  }
  detail::canonical_given_options(st.cfg.given_options);
  st.cfg.argv = {"aiperf", "profile"};
  st.cfg.argv.insert(st.cfg.argv.end(), args.begin(), args.end());
  return std::move(st.cfg);
}

}  // namespace

Config parse_profile_args(const std::vector<std::string>& args, const ParseEnv& env) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") throw HelpRequested(profile_help_text());
  }
  try {
    return parse_checked(args, env, nullptr, nullptr);
  } catch (const ConfigError& e) {
    throw ConfigError(one_line(e.what()));
  }
}

Config parse_profile_variation(const std::vector<std::string>& args, const ParseEnv& env,
                               const LoadedConfigFile& file, const Variation& variation) {
  try {
    return parse_checked(args, env, &file, &variation);
  } catch (const ConfigError& e) {
    throw ConfigError(one_line(e.what()));
  }
}

Config parse_profile_point(const Config& base,
                           const std::vector<std::pair<std::string, std::string>>& values) {
  Overrides overrides;
  for (const auto& pv : values) {  // (clang 14 cannot capture a structured binding)
    const std::string& path = pv.first;
    const auto& lists = detail::magic_lists();
    auto it = std::find_if(lists.begin(), lists.end(),
                           [&](const detail::MagicList& m) { return path == m.path; });
    if (it == lists.end()) throw ConfigError("no flag sets the sweep parameter " + path);
    overrides.emplace_back(it->flag, pv.second);
  }
  overrides.emplace_back("--ui-type", to_string(base.ui));  // as resolved for the study
  std::vector<std::string> args;
  if (base.argv.size() > 2) args.assign(base.argv.begin() + 2, base.argv.end());
  try {
    return parse_checked(args, ParseEnv{}, nullptr, nullptr, overrides);
  } catch (const ConfigError& e) {
    throw ConfigError(one_line(e.what()));
  }
}

Config parse_profile_args(const std::vector<std::string>& args) {
  ParseEnv env;
  env.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
  return parse_profile_args(args, env);
}

std::vector<std::string> profile_flag_names() {
  std::vector<std::string> out;
  for (const auto& s : table()) out.insert(out.end(), s.names.begin(), s.names.end());
  return out;
}

std::vector<OptionDoc> profile_option_docs() {
  std::vector<OptionDoc> out;
  for (auto group : detail::kHelpGroups) {
    for (const auto& s : table()) {
      if (group != s.group) continue;
      OptionDoc d;
      d.names = s.names;
      d.takes_value = s.kind == ValueKind::kValue;
      d.metavar = s.metavar;
      d.default_text = s.default_text;
      d.group = s.group;
      d.help = s.help;
      std::string m = s.metavar;
      if (m.size() > 4 && m.compare(m.size() - 4, 4, " ...") == 0)
        m.resize(m.size() - 4);  // a list
      if (d.takes_value && m.find('|') != std::string::npos && m.find('<') == std::string::npos) {
        size_t start = 0;
        while (true) {
          const size_t bar = m.find('|', start);
          d.choices.push_back(m.substr(start, bar == std::string::npos ? bar : bar - start));
          if (bar == std::string::npos) break;
          start = bar + 1;
        }
      }
      if (d.names.front() == "--endpoint-type") {  // "<type>": every built-in type
        for (std::string_view n : endpoint_type_names()) d.choices.emplace_back(n);
      }
      if (d.names.front() == "--custom-dataset-type") d.choices = custom_dataset_type_names();
      for (const char* hint : {"<path", "<file", "<dir", "<yaml", "<jsonl"}) {
        d.file_value = d.file_value || m.find(hint) != std::string::npos;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string profile_help_text() {
  constexpr size_t kWidth = 88;
  std::string out =
      "Usage: aiperf profile [OPTIONS]\n\n"
      "Benchmark an OpenAI-compatible inference server (chat or completions).\n";
  for (auto group : detail::kHelpGroups) {
    std::string body;
    for (const auto& s : table()) {
      if (group != s.group) continue;
      // Short names first, then long names in AIPerf's order.
      std::vector<std::string> names;
      for (const auto& n : s.names) {
        if (n.rfind("--", 0) != 0) names.push_back(n);
      }
      for (const auto& n : s.names) {
        if (n.rfind("--", 0) == 0) names.push_back(n);
      }
      std::string head = "  ";
      for (size_t i = 0; i < names.size(); ++i) head += (i ? ", " : "") + names[i];
      if (s.kind == ValueKind::kValue) head += " " + std::string(s.metavar);
      body += head + "\n";
      std::string text = s.help;
      if (*s.default_text) text += " [default: " + std::string(s.default_text) + "]";
      body += wrap(text, 6, kWidth);
    }
    if (!body.empty()) out += "\n" + std::string(group) + ":\n" + body;
  }
  return out;
}

std::string artifact_subdir_name(const Config& cfg) {
  std::string model = cfg.models.empty() ? std::string("model") : cfg.models.front();
  std::replace(model.begin(), model.end(), '/', '_');
  if (cfg.models.size() > 1) model += "_multi";
  const bool triton =
      cfg.endpoint_type == EndpointType::kKserve || cfg.endpoint_type == EndpointType::kKserveVllm;
  std::string name =
      model + (triton && cfg.plugin_endpoint.empty() ? "-triton-" : "-openai-") +
      (cfg.plugin_endpoint.empty() ? to_string(cfg.endpoint_type) : cfg.plugin_endpoint);
  // AIPerf looks the rate up under a missing attribute, so rate phases are named by their
  // concurrency cap only (spec §6.1); we keep the names scripts already depend on.
  if (cfg.concurrency) name += "-concurrency" + std::to_string(*cfg.concurrency);
  return name;
}

}  // namespace aiperf::config

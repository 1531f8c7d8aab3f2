// Reading a config file: YAML, `${VAR}` references, the envelope keys and the study keys
// (`sweep`, `multi_run`). The body is mapped to options in yaml_bindings.cpp; variations are
// expanded in study_expand.cpp.
#include "aiperf/config/config_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/config/study_paths.h"
#include "aiperf/config/yaml_reader.h"

namespace aiperf::config {
namespace {

using detail::YamlReader;
namespace fs = std::filesystem;

const std::vector<std::string_view> kEnvelopeKeys = {"schema_version", "benchmark",     "sweep",
                                                     "multi_run",      "plot",          "variables",
                                                     "random_seed",    "no_sweep_table"};

/// `${VAR}` and `${VAR:default}` in every scalar (AIPerf's substitute_env_vars): a scalar that
/// is exactly one reference takes the value's type (true, 8, 0.5); an unset variable without a
/// default is an error naming the key.
void substitute_env(YamlNode& n, const std::string& path, const YamlReader& r) {
  static const std::regex kRef(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\})");
  static const std::regex kWhole(R"(^\$\{[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?\}$)");
  if (n.is_map()) {
    for (auto& [k, v] : n.fields) substitute_env(v, YamlReader::child(path, k), r);
    return;
  }
  if (n.is_seq()) {
    for (size_t i = 0; i < n.items.size(); ++i) {
      substitute_env(n.items[i], YamlReader::index(path, i), r);
    }
    return;
  }
  if (!n.is_scalar() || n.text.find("${") == std::string::npos) return;
  std::string out;
  auto begin = std::sregex_iterator(n.text.begin(), n.text.end(), kRef);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += n.text.substr(last, size_t(m.position()) - last);
    const std::string name = m[1].str();
    if (auto v = env::user_variable(name)) {
      out += *v;
    } else if (m[2].matched) {
      out += m[2].str();
    } else {
      r.fail(path, n,
             "environment variable " + name + " is not set (export it, or write ${" + name +
                 ":default})");
    }
    last = size_t(m.position() + m.length());
  }
  out += n.text.substr(last);
  if (out.find("${") != std::string::npos &&
      std::regex_search(out, std::regex(R"(\$\{[^}\n]*$)"))) {
    r.fail(path, n, "'${' without a closing '}' in '" + n.text + "'");
  }
  if (std::regex_match(n.text, kWhole)) n.quoted = false;  // the value's own type
  n.text = out;
}

StudySpec::Convergence parse_convergence(const YamlNode& n, const std::string& path,
                                         const YamlReader& r) {
  r.check_keys(path, n, {"metric", "stat", "mode", "threshold", "min_runs"});
  StudySpec::Convergence c;
  const YamlNode* metric = n.find("metric");
  if (!metric) r.fail(path, n, "'metric' is required (a metric tag such as time_to_first_token)");
  c.metric = r.text(YamlReader::child(path, "metric"), *metric);
  if (auto* v = n.find("stat")) {
    c.stat = r.choice(YamlReader::child(path, "stat"), *v, {"avg", "p50", "p90", "p95", "p99"});
  }
  if (auto* v = n.find("mode")) {
    c.mode = r.choice(YamlReader::child(path, "mode"), *v, {"ci_width", "cv", "distribution"});
  }
  if (auto* v = n.find("threshold"); v && !scalar_is_null(*v)) {
    const double t = r.number(YamlReader::child(path, "threshold"), *v);
    if (!(t > 0 && t < 1)) r.fail(YamlReader::child(path, "threshold"), *v, "must be in (0, 1)");
    c.threshold = t;
  }
  if (auto* v = n.find("min_runs")) {
    c.min_runs = std::stoll(r.integer_text(YamlReader::child(path, "min_runs"), *v));
    if (c.min_runs < 2) r.fail(YamlReader::child(path, "min_runs"), *v, "must be >= 2");
  }
  return c;
}

StudySpec::MultiRun parse_multi_run(const YamlNode& n, const std::string& path,
                                    const YamlReader& r) {
  StudySpec::MultiRun m;
  if (scalar_is_null(n)) return m;
  r.check_keys(path, n,
               {"num_runs", "cooldown_seconds", "confidence_level", "set_consistent_seed",
                "vary_seed_per_trial", "disable_warmup_after_first", "convergence"});
  auto at = [&](const char* k) { return YamlReader::child(path, k); };
  if (auto* v = n.find("num_runs")) {
    m.num_runs = std::stoll(r.integer_text(at("num_runs"), *v));
    if (m.num_runs < 1 || m.num_runs > 10) r.fail(at("num_runs"), *v, "must be in 1..10");
  }
  if (auto* v = n.find("cooldown_seconds")) {
    m.cooldown_s = r.number(at("cooldown_seconds"), *v);
    if (m.cooldown_s < 0 || m.cooldown_s > 86400) {
      r.fail(at("cooldown_seconds"), *v, "must be in 0..86400 seconds");
    }
  }
  if (auto* v = n.find("confidence_level")) {
    m.confidence_level = r.number(at("confidence_level"), *v);
    if (!(m.confidence_level > 0 && m.confidence_level < 1)) {
      r.fail(at("confidence_level"), *v, "must be in (0, 1), e.g. 0.95");
    }
  }
  if (auto* v = n.find("set_consistent_seed")) {
    m.set_consistent_seed = r.boolean(at("set_consistent_seed"), *v);
  }
  if (auto* v = n.find("vary_seed_per_trial")) {
    m.vary_seed_per_trial = r.boolean(at("vary_seed_per_trial"), *v);
  }
  if (auto* v = n.find("disable_warmup_after_first")) {
    m.disable_warmup_after_first = r.boolean(at("disable_warmup_after_first"), *v);
  }
  if (auto* v = n.find("convergence"); v && !scalar_is_null(*v)) {
    m.convergence = parse_convergence(*v, at("convergence"), r);
    if (m.convergence->min_runs > m.num_runs) {
      r.fail(at("convergence.min_runs"), *v,
             "convergence.min_runs (" + std::to_string(m.convergence->min_runs) +
                 ") must be <= num_runs (" + std::to_string(m.num_runs) + ")");
    }
  }
  return m;
}

void parse_sweep_params(StudySpec::Sweep& s, const YamlNode& params, const std::string& path,
                        const YamlReader& r) {
  r.expect_map(path, params);
  if (params.fields.empty()) r.fail(path, params, "needs at least one parameter");
  size_t length = 0;
  for (const auto& [key, values] : params.fields) {
    const std::string p = YamlReader::child(path, key);
    std::string resolved;
    try {
      resolved = detail::resolve_sweep_path(key);
    } catch (const std::invalid_argument& e) {
      r.fail(p, values, e.what());
    }
    if (!values.is_seq() || values.items.empty()) {
      r.fail(p, values, "expected a non-empty list of values");
    }
    for (const auto& [k, v] : s.parameters) {
      if (k == resolved) {
        r.fail(p, values, "resolves to '" + resolved + "', which is already a parameter");
      }
    }
    for (const auto& v : values.items) {
      if (v.is_scalar() && !v.quoted) {
        const std::string& t = v.text;
        if (t == ".nan" || t == ".inf" || t == "-.inf" || t == ".NaN" || t == ".Inf") {
          r.fail(p, v, "values must be finite numbers");
        }
      }
    }
    if (s.type == "zip" && length != 0 && values.items.size() != length) {
      r.fail(p, values,
             "zip sweep parameters must all have the same length (" + std::to_string(length) +
                 " and " + std::to_string(values.items.size()) + ")");
    }
    length = values.items.size();
    s.parameters.emplace_back(resolved, values.items);
  }
}

StudySpec::Sweep parse_sweep(const YamlNode& n, const std::string& path, const YamlReader& r) {
  r.expect_map(path, n);
  StudySpec::Sweep s;
  if (auto* t = n.find("type")) {
    const std::string type = r.text(YamlReader::child(path, "type"), *t);
    if (type == "sobol" || type == "latin_hypercube" || type == "adaptive_search") {
      r.fail(YamlReader::child(path, "type"), *t,
             type + " sweeps are not supported by this build; use grid, zip or scenarios");
    }
    s.type = r.choice(YamlReader::child(path, "type"), *t, {"grid", "zip", "scenarios"});
  }
  std::vector<std::string_view> keys = {"type",         "cooldown_seconds", "sla_filters",
                                        "post_process", "recipe_name",      "iteration_order",
                                        "same_seed"};
  keys.push_back(s.type == "scenarios" ? "runs" : "parameters");
  r.check_keys(path, n, keys);
  auto at = [&](const char* k) { return YamlReader::child(path, k); };
  if (auto* v = n.find("cooldown_seconds")) {
    s.cooldown_s = r.number(at("cooldown_seconds"), *v);
    if (s.cooldown_s < 0) r.fail(at("cooldown_seconds"), *v, "must be >= 0");
  }
  if (auto* v = n.find("sla_filters")) r.only_default(at("sla_filters"), *v, "[]", "sla_filters");
  if (auto* v = n.find("post_process")) {
    r.only_default(at("post_process"), *v, "null", "post_process");
  }
  if (auto* v = n.find("iteration_order")) {
    s.iteration_order = r.choice(at("iteration_order"), *v, {"repeated", "independent"});
  }
  if (auto* v = n.find("same_seed")) s.same_seed = r.boolean(at("same_seed"), *v);
  if (s.type == "scenarios") {
    const YamlNode* runs = n.find("runs");
    if (!runs || !runs->is_seq() || runs->items.empty()) {
      r.fail(at("runs"), runs ? *runs : n, "expected a non-empty list of runs");
    }
    for (size_t i = 0; i < runs->items.size(); ++i) {
      const YamlNode& run = runs->items[i];
      const std::string rp = YamlReader::index(at("runs"), i);
      r.check_keys(rp, run, {"name", "variables", "benchmark", "values"});
      std::string name;
      if (auto* nm = run.find("name")) {
        name = r.text(YamlReader::child(rp, "name"), *nm);
        if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
            name.find("..") != std::string::npos) {
          r.fail(YamlReader::child(rp, "name"), *nm,
                 "is not usable as a directory name (no '/', '\\' or '..')");
        }
        for (const auto& [other, body] : s.runs) {
          if (!name.empty() && other == name) {
            r.fail(YamlReader::child(rp, "name"), *nm, "duplicate run name '" + name + "'");
          }
        }
      }
      if (auto* vals = run.find("values"); vals && !vals->is_map()) {
        r.fail(YamlReader::child(rp, "values"), *vals, "expected a mapping of scalar values");
      }
      s.runs.emplace_back(name, run);
    }
  } else {
    const YamlNode* params = n.find("parameters");
    if (!params) r.fail(path, n, "'parameters' is required for a " + s.type + " sweep");
    parse_sweep_params(s, *params, at("parameters"), r);
  }
  return s;
}

}  // namespace

LoadedConfigFile load_config_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    throw ConfigError("--config: cannot read '" + path +
                      "' (no such file or not readable); pass the path of a YAML config");
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return load_config_text(ss.str(), path);
}

const std::vector<std::string>& plot_name_maps() {
  static const std::vector<std::string> maps = {"multi_run_plots", "single_run_plots",
                                                "group_display_names"};
  return maps;
}

namespace {

/// AIPerf's plot envelope: a path to a plot configuration (relative to the config file's
/// folder) or the configuration inline; checked by the report stage before the run starts.
void plot_section(const YamlNode& v, const YamlReader& r, LoadedConfigFile& out) {
  if (v.is_scalar()) {
    fs::path p = r.text("plot", v);
    if (p.is_relative()) p = fs::path(out.path).parent_path() / p;
    std::error_code ec;
    if (!fs::exists(p, ec)) r.fail("plot", v, "cannot read the plot configuration " + p.string());
    if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) > (4u << 20)) {
      r.fail("plot", v, p.string() + " is not a plot configuration file (a YAML file up to 4 MB)");
    }
    std::ifstream f(p, std::ios::binary);
    std::ostringstream text;
    if (!f || !(text << f.rdbuf())) {
      r.fail("plot", v, "cannot read the plot configuration " + p.string());
    }
    // Written again (on its own lines) for the camelCase keys AIPerf's envelope also accepts.
    const YamlNode file = parse_yaml(text.str(), p.string());
    if (!file.is_map()) r.fail("plot", v, p.string() + " is not a plot configuration (a mapping)");
    out.plot_yaml = emit_yaml_at_lines(file, plot_name_maps());
    out.plot_origin = p.string();
    return;
  }
  r.expect_map("plot", v);
  out.plot_yaml = emit_yaml_at_lines(v, plot_name_maps());
  out.plot_origin = out.path;
}

}  // namespace

LoadedConfigFile load_config_text(const std::string& text, const std::string& path) {
  LoadedConfigFile out;
  out.path = path;
  YamlReader r(path);
  out.envelope = parse_yaml(text, path);
  YamlNode& env = out.envelope;
  if (!env.is_map()) {
    throw ConfigError(path +
                      ": a config file is a mapping with a 'benchmark' key (see aiperf "
                      "config init --list for examples)");
  }
  r.check_keys("", env, kEnvelopeKeys);
  substitute_env(env, "", r);
  if (auto* v = env.find("schema_version")) {
    const std::string s = r.text("schema_version", *v);
    if (s != "2.0") r.fail("schema_version", *v, "only \"2.0\" is supported (got '" + s + "')");
  }
  YamlNode* body = env.find("benchmark");
  if (!body) {
    throw ConfigError(path +
                      ": 'benchmark' is required (the run's models, endpoint, dataset "
                      "and phases)");
  }
  r.expect_map("benchmark", *body);
  detail::normalize_body(*body, r);
  if (auto* v = env.find("plot"); v && !scalar_is_null(*v)) plot_section(*v, r, out);
  if (auto* v = env.find("variables"); v && !scalar_is_null(*v)) r.expect_map("variables", *v);
  if (auto* v = env.find("multi_run")) out.study.multi_run = parse_multi_run(*v, "multi_run", r);
  if (auto* v = env.find("sweep"); v && !scalar_is_null(*v)) {
    out.study.sweep = parse_sweep(*v, "sweep", r);
  }
  if (!out.study.sweep) out.study.sweep = detail::magic_list_sweep(env);
  if (auto* v = env.find("no_sweep_table")) {
    out.study.no_sweep_table = r.boolean("no_sweep_table", *v);
  }
  return out;
}

}  // namespace aiperf::config

#include "aiperf/cli/config_study.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/jinja_lite.h"
#include "aiperf/study/study.h"

namespace aiperf::cli {
namespace {

/// A variation's scalar values as the study's point values (nested scenario overrides have no
/// single value and are left to the label and directory name).
std::vector<study::PointValue> point_values(const nlohmann::ordered_json& values) {
  std::vector<study::PointValue> out;
  for (const auto& [path, v] : values.items()) {
    if (!v.is_number() && !v.is_string() && !v.is_boolean()) continue;
    study::PointValue pv;
    pv.path = path;
    pv.value.text = config::jinja_str(v);
    pv.value.integer = v.is_number_integer();
    pv.value.number = v.is_number() ? v.get<double>() : std::nan("");
    out.push_back(std::move(pv));
  }
  return out;
}

study::StudyPlan make_plan(const std::vector<std::string>& args, const config::Config& base) {
  if (base.study.is_sweep()) {
    throw ConfigError("list-valued flags (" + base.study.sweep.front().flag +
                      " ...) cannot be combined with the sweep of " + *base.config_file +
                      "; sweep in one place");
  }
  if (base.study.search != config::SearchParameter::kNone) {
    throw ConfigError("--search cannot be combined with the sweep of " + *base.config_file);
  }
  const config::LoadedConfigFile file = config::load_config_file(*base.config_file);
  const auto variations = config::expand_variations(file);
  study::StudyPlan plan;
  plan.base = base;
  plan.base_dir = base.artifact_dir;
  // AIPerf: a study without a seed uses 42 for every run unless set_consistent_seed is off.
  if (!plan.base.random_seed && base.study.set_consistent_seed) plan.base.random_seed = 42;
  config::ParseEnv env;
  env.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
  const bool sweep = variations.size() > 1;
  for (const auto& v : variations) {
    config::Config c;
    try {
      c = config::parse_profile_variation(args, env, file, v);
    } catch (const ConfigError& e) {
      if (!sweep) throw;
      throw ConfigError("sweep point " + v.label + ": " + e.what());
    }
    c.study = config::StudyConfig{};  // each point is one run
    plan.configs.push_back(std::move(c));
    study::Variation sv;
    sv.index = v.index;
    if (sweep) {
      sv.label = v.label;
      sv.dir_name = v.dir_name;
      sv.values = point_values(v.values);
    }
    plan.variations.push_back(std::move(sv));
  }
  plan.build_point = [](const std::vector<study::PointValue>&) -> config::Config {
    throw ConfigError("a capacity search cannot start from a config file's sweep");
  };
  return plan;
}

}  // namespace

int run_config_file_study(const std::vector<std::string>& args, const config::Config& base,
                          const study::StudyOptions& opts) {
  study::StudyPlan plan;
  try {
    plan = make_plan(args, base);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  }
  return study::run_study(plan, opts);
}

}  // namespace aiperf::cli

// `aiperf config init | expand | validate` (spec §1.1): templates, the runs a config file turns
// into, and a check of a config file through the same path `aiperf profile -f` takes.
#include "aiperf/cli/config_cmd.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/templates.h"
#include "aiperf/config/yaml_tree.h"
#include "aiperf/report/plot_config.h"

namespace aiperf::cli {
namespace {

using J = nlohmann::ordered_json;

constexpr const char* kConfigUsage =
    "Usage: aiperf config COMMAND [OPTIONS]\n\n"
    "Configuration files.\n\n"
    "Commands:\n"
    "  init      Write a config file from a bundled template (--list shows them).\n"
    "  expand    List the runs a config file turns into (its sweep points).\n"
    "  validate  Check a config file the way aiperf profile -f reads it.\n";

constexpr const char* kInitUsage =
    "Usage: aiperf config init [OPTIONS]\n\n"
    "Write a config file from a bundled template, or list the templates.\n\n"
    "Options:\n"
    "  -t, --template <name>   Template to write (see --list).\n"
    "  -l, --list              List the templates by category.\n"
    "  -s, --search <text>     List the templates whose name, title, tags, ... contain text.\n"
    "  -c, --category <name>   With --list: only this category.\n"
    "  -v, --verbose           With --list/--search: also show tags and difficulty.\n"
    "  -m, --model <name>      Put this model name in the template.\n"
    "  -u, --url <url>         Put this endpoint URL in the template.\n"
    "  -o, --output <path>     Write to this file instead of stdout.\n"
    "  -h, --help              Show this help.\n";

constexpr const char* kExpandUsage =
    "Usage: aiperf config expand [--config-file] FILE [OPTIONS]\n\n"
    "List the runs (sweep variations) a config file turns into, without running them.\n\n"
    "Options:\n"
    "  -F, --full              Also print each run's benchmark body.\n"
    "  -i, --index <n>         Only the run with this zero-based index (implies --full).\n"
    "  -f, --format <fmt>      text (default), yaml or json.\n"
    "  -h, --help              Show this help.\n";

constexpr const char* kValidateUsage =
    "Usage: aiperf config validate [--config-file] FILE\n\n"
    "Check a config file: errors exit 1, warnings are printed to stderr (exit 0).\n";

/// A tiny option scanner for these subcommands (the value forms are simple).
struct Args {
  std::vector<std::string> rest;
  std::map<std::string, std::string> values;
  std::vector<std::string> flags;
};

Args scan(const std::vector<std::string>& args, const std::vector<std::vector<std::string>>& valued,
          const std::vector<std::vector<std::string>>& switches) {
  Args out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      inline_value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
    }
    bool known = false;
    for (const auto& names : valued) {
      if (std::find(names.begin(), names.end(), a) == names.end()) continue;
      known = true;
      if (!inline_value) {
        if (i + 1 >= args.size()) throw ConfigError(a + ": missing value");
        inline_value = args[++i];
      }
      out.values[names.front()] = *inline_value;
    }
    for (const auto& names : switches) {
      if (std::find(names.begin(), names.end(), a) == names.end()) continue;
      known = true;
      out.flags.push_back(names.front());
    }
    if (known) continue;
    if (a.size() > 1 && a[0] == '-') throw ConfigError("unknown option " + a);
    out.rest.push_back(a);
  }
  return out;
}

bool has(const Args& a, const char* flag) {
  return std::find(a.flags.begin(), a.flags.end(), flag) != a.flags.end();
}

void print_table(const std::vector<config::TemplateInfo>& ts, bool verbose) {
  size_t w = 4;
  for (const auto& t : ts) w = std::max(w, t.name.size());
  std::string category;
  for (const auto& t : ts) {
    if (t.category != category) {
      if (!category.empty()) std::printf("\n");
      category = t.category;
      std::printf("%s\n", category.c_str());
    }
    std::printf("  %-*s  %s: %s", int(w), t.name.c_str(), t.title.c_str(), t.description.c_str());
    if (verbose) {
      std::string tags;
      for (const auto& g : t.tags) tags += (tags.empty() ? "" : ", ") + g;
      std::printf("  [%s; %s]", tags.c_str(), t.difficulty.c_str());
    }
    std::printf("\n");
  }
}

int init(const std::vector<std::string>& argv) {
  const Args a = scan(argv,
                      {{"--template", "-t"},
                       {"--search", "-s"},
                       {"--category", "-c"},
                       {"--model", "-m"},
                       {"--url", "-u"},
                       {"--output", "-o"}},
                      {{"--list", "-l"}, {"--verbose", "-v"}, {"--help", "-h"}});
  if (has(a, "--help")) {
    std::fputs(kInitUsage, stdout);
    return kExitOk;
  }
  if (!a.rest.empty()) throw ConfigError("unexpected argument '" + a.rest.front() + "'");
  const bool verbose = has(a, "--verbose");
  if (has(a, "--list")) {
    const std::string category = a.values.count("--category") ? a.values.at("--category") : "";
    const auto ts = config::templates_in(category);
    if (ts.empty()) {
      std::printf("No templates in category '%s'.\n", category.c_str());
      return kExitOk;
    }
    print_table(ts, verbose);
    std::printf("\nUse 'aiperf config init --template <name>' to generate a template.\n");
    return kExitOk;
  }
  if (a.values.count("--search")) {
    const std::string q = a.values.at("--search");
    const auto ts = config::search_templates(q);
    if (ts.empty()) {
      std::printf(
          "No templates match '%s'.\nRun 'aiperf config init --list' to see all "
          "templates.\n",
          q.c_str());
      return kExitOk;
    }
    print_table(ts, verbose);
    return kExitOk;
  }
  if (!a.values.count("--template")) {
    std::fprintf(stderr,
                 "aiperf: error: specify a template with --template, or run 'aiperf config init "
                 "--list' to see what is available\n");
    return kExitUsage;
  }
  const std::string name = a.values.at("--template");
  auto text = config::template_text(name);
  if (!text) {
    std::string names;
    for (const auto& t : config::templates()) names += (names.empty() ? "" : ", ") + t.name;
    std::fprintf(stderr, "aiperf: error: unknown template '%s'; available templates: %s\n",
                 name.c_str(), names.c_str());
    return kExitBenchmarkFailed;  // AIPerf exits 1 here
  }
  const std::string out =
      config::customize_template(*text, a.values.count("--model") ? a.values.at("--model") : "",
                                 a.values.count("--url") ? a.values.at("--url") : "");
  if (!a.values.count("--output")) {
    std::fputs(out.c_str(), stdout);
    return kExitOk;
  }
  const std::filesystem::path path = a.values.at("--output");
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream f(path, std::ios::binary);
  if (!(f << out)) {
    std::fprintf(stderr, "aiperf: error: --output: cannot write '%s'\n", path.c_str());
    return kExitBenchmarkFailed;
  }
  std::printf("Wrote %s template to %s\n", name.c_str(), path.c_str());
  return kExitOk;
}

std::string config_file_arg(const Args& a, const char* usage) {
  if (a.values.count("--config-file")) return a.values.at("--config-file");
  if (a.rest.size() == 1) return a.rest.front();
  if (a.rest.empty()) throw ConfigError(std::string("a config file is required\n") + usage);
  throw ConfigError("unexpected argument '" + a.rest[1] + "'");
}

std::string sweep_type(const config::LoadedConfigFile& f) {
  if (!f.study.sweep || f.study.sweep->from_magic_lists) {
    return f.study.sweep ? "GridSweep" : "none";
  }
  const std::string& t = f.study.sweep->type;
  return t == "zip" ? "ZipSweep" : t == "scenarios" ? "ScenarioSweep" : "GridSweep";
}

/// The variation's benchmark body after `{{ }}` rendering.
config::YamlNode rendered_body(const config::LoadedConfigFile& f, const config::Variation& v) {
  return *config::render_variation(f, v).find("benchmark");
}

int expand(const std::vector<std::string>& argv) {
  const Args a = scan(argv, {{"--config-file"}, {"--index", "-i"}, {"--format", "-f"}},
                      {{"--full", "-F"}, {"--help", "-h"}});
  if (has(a, "--help")) {
    std::fputs(kExpandUsage, stdout);
    return kExitOk;
  }
  const std::string fmt = a.values.count("--format") ? a.values.at("--format") : "text";
  if (fmt != "text" && fmt != "yaml" && fmt != "json") {
    throw ConfigError("--format: expected text, yaml or json (got '" + fmt + "')");
  }
  bool full = has(a, "--full");
  const std::string path = config_file_arg(a, kExpandUsage);
  config::LoadedConfigFile f;
  std::vector<config::Variation> vars;
  try {
    f = config::load_config_file(path);
    vars = config::expand_variations(f);
    for (const auto& v : vars) config::file_options(f, v);  // each run's keys are checked
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitBenchmarkFailed;
  }
  const size_t total = vars.size();
  if (a.values.count("--index")) {
    const std::string& is = a.values.at("--index");
    long idx = -1;
    try {
      idx = std::stol(is);
    } catch (const std::exception&) {
    }
    if (idx < 0 || size_t(idx) >= total) {
      std::fprintf(stderr, "aiperf: error: --index %s out of range; sweep has %zu variation(s)\n",
                   is.c_str(), total);
      return kExitBenchmarkFailed;
    }
    vars = {vars[size_t(idx)]};
    full = true;
  }
  if (fmt == "text") {
    if (vars.size() == total) {
      std::printf("Sweep type: %s (%zu variation%s)\n\n", sweep_type(f).c_str(), total,
                  total == 1 ? "" : "s");
    } else {
      std::printf("Sweep type: %s (showing %zu of %zu)\n\n", sweep_type(f).c_str(), vars.size(),
                  total);
    }
    for (const auto& v : vars) {
      std::printf("[%d] dir=%s  label=%s\n", v.index, v.dir_name.c_str(), v.label.c_str());
      if (!full) continue;
      const std::string body = config::emit_yaml(rendered_body(f, v));
      size_t pos = 0;
      while (pos < body.size()) {
        const size_t nl = body.find('\n', pos);
        std::printf("    %s\n", body.substr(pos, nl - pos).c_str());
        pos = nl == std::string::npos ? body.size() : nl + 1;
      }
      std::printf("\n");
    }
    return kExitOk;
  }
  J payload = J::object();
  payload["sweep_type"] = sweep_type(f);
  payload["variations"] = J::array();
  for (const auto& v : vars) {
    J e = J::object();
    e["index"] = v.index;
    e["dir_name"] = v.dir_name;
    e["label"] = v.label;
    e["values"] = v.values;
    if (full) e["benchmark"] = config::to_json(rendered_body(f, v));
    payload["variations"].push_back(std::move(e));
  }
  if (fmt == "json") {
    std::printf("%s\n", payload.dump(2).c_str());
  } else {
    std::fputs(config::emit_yaml(config::from_json(payload)).c_str(), stdout);
  }
  return kExitOk;
}

int validate(const std::vector<std::string>& argv) {
  const Args a = scan(argv, {{"--config-file"}}, {{"--help", "-h"}});
  if (has(a, "--help")) {
    std::fputs(kValidateUsage, stdout);
    return kExitOk;
  }
  const std::string path = config_file_arg(a, kValidateUsage);
  std::vector<std::string> warnings;
  try {
    const config::LoadedConfigFile f = config::load_config_file(path);
    // The plot section is read by the report stage: checked here as a run checks it.
    if (f.plot_yaml) report::parse_plot_config(*f.plot_yaml, f.plot_origin);
    config::ParseEnv env;
    for (const auto& v : config::expand_variations(f)) {
      const config::Config cfg = config::parse_profile_variation({}, env, f, v);
      for (const auto& w : cfg.warnings) {
        const std::string line = f.study.active() ? "[" + v.label + "] " + w : w;
        if (std::find(warnings.begin(), warnings.end(), line) == warnings.end()) {
          warnings.push_back(line);
        }
      }
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "Error: %s\n", e.what());
    return kExitBenchmarkFailed;
  }
  for (const auto& w : warnings) std::fprintf(stderr, "Warning: %s\n", w.c_str());
  if (warnings.empty()) {
    std::printf("Configuration valid: %s\n", path.c_str());
  } else {
    std::printf("Configuration valid with %zu warning%s: %s\n", warnings.size(),
                warnings.size() == 1 ? "" : "s", path.c_str());
  }
  return kExitOk;
}

}  // namespace

int run_config(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kConfigUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (args[0] == "init") return init(rest);
    if (args[0] == "expand") return expand(rest);
    if (args[0] == "validate") return validate(rest);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  }
  std::fprintf(stderr,
               "aiperf: error: unknown config command '%s' (commands: init, expand, validate)\n",
               args[0].c_str());
  return kExitUsage;
}

}  // namespace aiperf::cli

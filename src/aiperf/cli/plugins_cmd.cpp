// `aiperf plugins [CATEGORY [TYPE]] [--all] [--validate] [--plugin PATH]` (spec §1.1, §9.4): the
// registries of this build and of loaded plugins (plugin/plugin.h).
#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "aiperf/cli/cli.h"
#include "aiperf/common/error.h"
#include "aiperf/plugin/plugin.h"

namespace aiperf::cli {

namespace {

const char* const kUsage =
    "Usage: aiperf plugins [CATEGORY [TYPE]] [OPTIONS]\n\n"
    "Explore the plugin registries: every category and its types, one category's types with\n"
    "their descriptions, or one type's details.\n\n"
    "Arguments:\n"
    "  CATEGORY, --category <name>  Category to explore (e.g. endpoint).\n"
    "  TYPE, --name <type>          Type name for details (e.g. chat).\n\n"
    "Options:\n"
    "  -a, --all                    Show every category with each type's description.\n"
    "  -v, --validate               Load the plugins and check the registries.\n"
    "  --plugin <path>              Load a plugin shared object first (repeatable; also\n"
    "                               AIPERF_PLUGIN_PATH, colon-separated).\n"
    "  -h, --help                   Show this message.\n";

/// snake_case → Title Case, acronyms upper-case (AIPerf's category titles).
std::string title(std::string_view cat) {
  static const std::set<std::string> kAcronyms = {"ui",  "api",  "gpu", "cpu", "http", "zmq",
                                                  "csv", "json", "hf",  "tei", "url",  "mpi"};
  std::string out;
  size_t i = 0;
  while (i <= cat.size()) {
    size_t j = cat.find('_', i);
    if (j == std::string_view::npos) j = cat.size();
    std::string w(cat.substr(i, j - i));
    if (!out.empty()) out += ' ';
    if (kAcronyms.count(w)) {
      for (char& c : w) c = char(std::toupper(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      w[0] = char(std::toupper(static_cast<unsigned char>(w[0])));
    }
    out += w;
    i = j + 1;
  }
  return out;
}

void print_packages() {
  std::printf("Installed Packages\n");
  std::printf("  %-20s %-10s %7s  %s\n", "Package", "Version", "Plugins", "Description");
  size_t builtin = 0;
  for (const auto& c : plugin::categories()) {
    for (const auto& e : c.entries) builtin += e.package == "aiperf";
  }
  std::printf("  %-20s %-10s %7zu  %s\n", "aiperf", kVersion, builtin,
              "built-in endpoints, datasets, timing, exporters and UIs");
  for (const plugin::LoadedPlugin& p : plugin::loaded_plugins()) {
    std::printf("  %-20s %-10s %7zu  %s\n", p.package.c_str(),
                p.version.empty() ? "-" : p.version.c_str(),
                p.endpoints.size() + p.exporters.size(),
                p.description.empty() ? "-" : p.description.c_str());
  }
}

void print_overview() {
  std::printf("\nPlugin Categories\n");
  for (const auto& c : plugin::categories()) {
    std::string names;
    for (const auto& e : c.entries) names += (names.empty() ? "" : ", ") + e.name;
    std::printf("  %-24s %s\n", title(c.name).c_str(), names.c_str());
  }
  std::printf("\nUsage: aiperf plugins <category> to see its types and their descriptions\n");
}

void print_category(const plugin::Category& c) {
  std::printf("%s\n\n%s Types\n", std::string(c.description).c_str(), title(c.name).c_str());
  size_t w = 4;
  for (const auto& e : c.entries) w = std::max(w, e.name.size());
  for (const auto& e : c.entries) {
    std::string desc = e.description.empty() ? "-" : e.description;
    if (e.package != "aiperf") desc += " [plugin " + e.package + "]";
    std::printf("  %-*s  %s\n", int(w), e.name.c_str(), desc.c_str());
  }
}

void print_all() {
  print_packages();
  for (const auto& c : plugin::categories()) {
    std::printf("\n");
    print_category(c);
  }
}

int print_type(const plugin::Category& c, const std::string& name) {
  for (const auto& e : c.entries) {
    if (e.name != name) continue;
    std::printf("%s:%s\n  Type:     %s\n  Category: %s\n  Package:  %s\n",
                std::string(c.name).c_str(), e.name.c_str(), e.name.c_str(),
                std::string(c.name).c_str(), e.package.c_str());
    for (const plugin::LoadedPlugin& p : plugin::loaded_plugins()) {
      if (p.package == e.package) std::printf("  File:     %s\n", p.path.c_str());
    }
    std::printf("\n  %s\n", e.description.empty() ? "No description" : e.description.c_str());
    return kExitOk;
  }
  std::string avail;
  for (const auto& e : c.entries) avail += (avail.empty() ? "" : ", ") + e.name;
  std::fprintf(stderr, "aiperf: error: plugins: no type '%s' in category %s (available: %s)\n",
               name.c_str(), std::string(c.name).c_str(), avail.c_str());
  return kExitUsage;
}

int validate() {
  std::printf("Validating plugins...\n\n");
  bool ok = true;
  for (const auto& c : plugin::categories()) {
    std::set<std::string> seen;
    for (const auto& e : c.entries) {
      if (!seen.insert(e.name).second) {
        std::printf("(FAIL) %s: '%s' is registered twice\n", std::string(c.name).c_str(),
                    e.name.c_str());
        ok = false;
      }
    }
  }
  if (ok) std::printf("(OK) Names are unique in every category\n");
  std::printf("(OK) %zu plugin(s) loaded with ABI version %d\n", plugin::loaded_plugins().size(),
              AIPERF_PLUGIN_ABI_VERSION);
  std::printf("\n%s\n", ok ? "All checks passed" : "Validation failed");
  return ok ? kExitOk : kExitBenchmarkFailed;
}

}  // namespace

int run_plugins(const std::vector<std::string>& args) {
  std::vector<std::string> positional, plugin_paths;
  std::string category, name;
  bool all = false, check = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= args.size()) throw ConfigError(std::string(flag) + " needs a value");
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (a == "-a" || a == "--all") {
      all = true;
    } else if (a == "--no-all") {
      all = false;
    } else if (a == "-v" || a == "--validate") {
      check = true;
    } else if (a == "--no-validate") {
      check = false;
    } else if (a == "--category") {
      category = value("--category");
    } else if (a == "--name") {
      name = value("--name");
    } else if (a == "--plugin") {
      plugin_paths.push_back(value("--plugin"));
    } else if (a.rfind("--plugin=", 0) == 0) {
      plugin_paths.push_back(a.substr(9));
    } else if (!a.empty() && a[0] == '-') {
      throw ConfigError("plugins: unknown option '" + a + "' (see aiperf plugins --help)");
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() > 2) throw ConfigError("plugins: at most CATEGORY and TYPE are taken");
  if (!positional.empty() && category.empty()) category = positional[0];
  if (positional.size() > 1 && name.empty()) name = positional[1];
  std::vector<std::string> paths = plugin::env_plugin_paths();
  paths.insert(paths.end(), plugin_paths.begin(), plugin_paths.end());
  plugin::load_plugins(paths);

  if (check) return validate();
  if (all) {
    print_all();
    return kExitOk;
  }
  if (category.empty()) {
    print_packages();
    print_overview();
    return kExitOk;
  }
  const std::vector<plugin::Category> cats = plugin::categories();
  auto it =
      std::find_if(cats.begin(), cats.end(), [&](const auto& c) { return c.name == category; });
  if (it == cats.end()) {
    std::string avail;
    for (const auto& c : cats) avail += (avail.empty() ? "" : ", ") + std::string(c.name);
    throw ConfigError("plugins: unknown category '" + category + "' (categories: " + avail + ")");
  }
  if (!name.empty()) return print_type(*it, name);
  print_category(*it);
  std::printf("\nUsage: aiperf plugins %s <type> for details\n", std::string(it->name).c_str());
  return kExitOk;
}

}  // namespace aiperf::cli

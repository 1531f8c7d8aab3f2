// Plugins (spec §9.4, docs/plugins.md): the registries `aiperf plugins` lists, and shared-object
// plugins loaded through the versioned C ABI of aiperf_plugin.h (endpoints and exporters).
//
// Load order: `aiperf profile` loads every --plugin PATH and everything on AIPERF_PLUGIN_PATH
// before it parses the other flags, so a plugin endpoint is a valid --endpoint-type value.
// Loading is idempotent per file. Not thread-safe: call on the main thread before a run.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/plugin/aiperf_plugin.h"

namespace aiperf::plugin {

/// One loaded shared object.
struct LoadedPlugin {
  std::string path;
  std::string package;
  std::string version;
  std::string description;
  std::vector<std::string> endpoints;  // names registered
  std::vector<std::string> exporters;
};

/// Loads each file (a directory: every *.so in it, sorted). Throws aiperf::ConfigError with one
/// line naming the file and the problem: not found, not loadable, no aiperf_plugin_init
/// symbol, a different ABI version, a bad or duplicate name.
void load_plugins(const std::vector<std::string>& paths);
/// The entries of AIPERF_PLUGIN_PATH (colon-separated; empty entries skipped).
std::vector<std::string> env_plugin_paths();
/// --plugin values found in a profile command line (`--plugin X` and `--plugin=X`), in order.
std::vector<std::string> plugin_flags(const std::vector<std::string>& args);
const std::vector<LoadedPlugin>& loaded_plugins();

/// A plugin exporter (registered by load_plugins).
struct ExporterEntry {
  std::string name;
  std::string description;
  std::string package;
  const aiperf_exporter_v1* table = nullptr;
};
const std::vector<ExporterEntry>& plugin_exporters();

/// Runs every plugin exporter after a run's files are written. Returns (label, path) of the
/// files they wrote; an exporter's failure is logged as one line and does not stop the others.
std::vector<std::pair<std::string, std::string>> run_plugin_exporters(
    const std::string& artifact_dir, const std::string& summary_json_path,
    const std::string& records_jsonl_path);

// ---- registries (for `aiperf plugins`) --------------------------------------------------------

struct Entry {
  std::string name;
  std::string description;
  std::string package = "aiperf";  // "aiperf" for built-ins, else the plugin's package
};

struct Category {
  std::string_view name;         // AIPerf's category name, e.g. "endpoint"
  std::string_view description;  // one paragraph
  std::vector<Entry> entries;
};

/// Every registry of this build, in a fixed order, with the loaded plugins' entries.
std::vector<Category> categories();

}  // namespace aiperf::plugin

// Loading shared-object plugins (plugin.h, aiperf_plugin.h): dlopen, the ABI check, and the
// registration of their endpoints and exporters.
#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/plugin/plugin.h"
#include "aiperf/plugin/plugin_endpoint.h"

namespace aiperf::plugin {

namespace fs = std::filesystem;

namespace {

std::vector<LoadedPlugin>& plugins() {
  static std::vector<LoadedPlugin> v;
  return v;
}

std::vector<ExporterEntry>& exporters() {
  static std::vector<ExporterEntry> v;
  return v;
}

// The endpoint registry takes plain factory functions; each plugin endpoint gets one of these
// slots (a function that builds an adapter over the slot's table).
constexpr size_t kSlots = 64;
std::array<const aiperf_endpoint_v1*, kSlots> g_slots{};
size_t g_used = 0;

template <size_t I>
std::unique_ptr<endpoint::Endpoint> slot_factory() {
  return make_plugin_endpoint(*g_slots[I]);
}

template <size_t... I>
constexpr std::array<endpoint::EndpointFactory, kSlots> make_factories(std::index_sequence<I...>) {
  return {&slot_factory<I>...};
}
constexpr auto kFactories = make_factories(std::make_index_sequence<kSlots>{});

bool valid_name(const char* s) {
  if (!s || !*s) return false;
  for (const char* p = s; *p; ++p) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
      return false;
    }
  }
  return true;
}

std::string str_or(const char* s, const char* dflt = "") {
  return s ? std::string(s) : std::string(dflt);
}

void load_one(const std::string& path) {
  std::error_code ec;
  const std::string canon = fs::weakly_canonical(path, ec).string();
  for (const LoadedPlugin& p : plugins()) {
    if (p.path == canon) return;  // already loaded
  }
  const std::string who = "plugin " + path;
  if (!fs::exists(path, ec))
    throw ConfigError(who + ": no such file (--plugin / AIPERF_PLUGIN_PATH)");
  void* h = dlopen(canon.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    throw ConfigError(who + ": cannot load: " + (e ? e : "unknown error"));
  }
  auto init = reinterpret_cast<aiperf_plugin_init_fn>(dlsym(h, AIPERF_PLUGIN_INIT_SYMBOL));
  if (!init) {
    throw ConfigError(who + ": no " + AIPERF_PLUGIN_INIT_SYMBOL +
                      " symbol (not an aiperf plugin? see src/aiperf/plugin/aiperf_plugin.h)");
  }
  const aiperf_plugin_v1* t = init();
  if (!t) throw ConfigError(who + ": " + AIPERF_PLUGIN_INIT_SYMBOL + " returned NULL");
  if (t->abi_version != AIPERF_PLUGIN_ABI_VERSION) {
    throw ConfigError(who + ": built for plugin ABI version " + std::to_string(t->abi_version) +
                      ", this aiperf loads version " + std::to_string(AIPERF_PLUGIN_ABI_VERSION) +
                      " (rebuild it against this aiperf's aiperf_plugin.h)");
  }
  LoadedPlugin lp;
  lp.path = canon;
  lp.package = str_or(t->package, "?");
  lp.version = str_or(t->version);
  lp.description = str_or(t->description);
  for (size_t i = 0; i < t->num_endpoints; ++i) {
    const aiperf_endpoint_v1& e = t->endpoints[i];
    if (!valid_name(e.name) || !e.render_body || !e.parse) {
      throw ConfigError(who + ": endpoint #" + std::to_string(i + 1) +
                        " needs a name of [a-z0-9_-] and both render_body and parse");
    }
    if (g_used >= kSlots) {
      throw ConfigError(who + ": more than " + std::to_string(kSlots) + " plugin endpoints");
    }
    g_slots[g_used] = &e;
    if (!endpoint::register_endpoint(e.name, str_or(e.description), kFactories[g_used])) {
      g_slots[g_used] = nullptr;
      throw ConfigError(who + ": endpoint '" + e.name + "' is already defined");
    }
    ++g_used;
    config::register_plugin_endpoint_name(e.name);  // a valid --endpoint-type from now on
    lp.endpoints.push_back(e.name);
  }
  for (size_t i = 0; i < t->num_exporters; ++i) {
    const aiperf_exporter_v1& x = t->exporters[i];
    if (!valid_name(x.name) || !x.export_run) {
      throw ConfigError(who + ": exporter #" + std::to_string(i + 1) +
                        " needs a name of [a-z0-9_-] and export_run");
    }
    for (const ExporterEntry& o : exporters()) {
      if (o.name == x.name)
        throw ConfigError(who + ": exporter '" + o.name + "' is already defined");
    }
    exporters().push_back({x.name, str_or(x.description), lp.package, &x});
    lp.exporters.push_back(x.name);
  }
  spdlog::debug("plugin {} {} loaded from {}", lp.package, lp.version, lp.path);
  plugins().push_back(std::move(lp));
}

void append(void* ctx, const char* data, size_t len) {
  static_cast<std::string*>(ctx)->append(data, len);
}

}  // namespace

std::vector<std::string> env_plugin_paths() {
  std::vector<std::string> out;
  const char* v = std::getenv("AIPERF_PLUGIN_PATH");
  if (!v) return out;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ':')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::vector<std::string> plugin_flags(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--plugin" && i + 1 < args.size()) {
      out.push_back(args[++i]);
    } else if (args[i].rfind("--plugin=", 0) == 0) {
      out.push_back(args[i].substr(9));
    }
  }
  return out;
}

void load_plugins(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& de : fs::directory_iterator(p, ec)) {
        if (de.path().extension() == ".so") files.push_back(de.path().string());
      }
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) load_one(f);
    } else {
      load_one(p);
    }
  }
}

const std::vector<LoadedPlugin>& loaded_plugins() {
  return plugins();
}

const std::vector<ExporterEntry>& plugin_exporters() {
  return exporters();
}

std::vector<std::pair<std::string, std::string>> run_plugin_exporters(
    const std::string& artifact_dir, const std::string& summary_json_path,
    const std::string& records_jsonl_path) {
  std::vector<std::pair<std::string, std::string>> files;
  if (exporters().empty()) return files;
  std::ifstream f(summary_json_path, std::ios::binary);
  std::string summary((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  aiperf_export_input in{};
  in.artifact_dir = artifact_dir.c_str();
  in.summary_json = summary.data();
  in.summary_json_len = summary.size();
  std::error_code ec;
  in.records_jsonl_path = !records_jsonl_path.empty() && fs::exists(records_jsonl_path, ec)
                              ? records_jsonl_path.c_str()
                              : nullptr;
  for (const ExporterEntry& x : exporters()) {
    std::string path, err;
    aiperf_writer pw{&path, &append};
    aiperf_writer ew{&err, &append};
    int rc = x.table->export_run(&in, &pw, &ew);
    if (rc != 0) {
      spdlog::error("exporter {} (plugin {}) failed: {}", x.name, x.package,
                    err.empty() ? "no reason given" : err);
      continue;
    }
    if (!path.empty()) files.emplace_back(x.name + " (plugin)", path);
  }
  return files;
}

}  // namespace aiperf::plugin

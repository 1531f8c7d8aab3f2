// The Scale-out and Plugins rows of the `aiperf profile` option table: aiperf-C++ extensions
// (AIPerf scales out with its own services and loads Python plugins; docs/scale-out.md,
// docs/plugins.md, docs/differences.md).
#include <arpa/inet.h>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {

namespace {

bool ip_literal(const std::string& ip) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return true;
  std::string bare =
      ip.size() > 2 && ip.front() == '[' && ip.back() == ']' ? ip.substr(1, ip.size() - 2) : ip;
  return inet_pton(AF_INET6, bare.c_str(), buf) == 1;
}

std::vector<std::string>& plugin_endpoint_names() {
  static std::vector<std::string> v;
  return v;
}

}  // namespace

std::vector<OptionSpec> scale_options() {
  return {
      // ---------------------------------------------------------------- Scale-out
      {{"--source-ip"},
       ValueKind::kValue,
       "<ip>[,<ip>...]",
       "",
       "Scale-out",
       "Local addresses new connections bind to, in turn (e.g. 127.0.0.2,127.0.0.3): one "
       "source address reaches one server port through ~28k ephemeral ports, N addresses "
       "through N times that. Each must be an address of this host.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const std::string& v : values) {
           for (const std::string& ip : split_comma_list(flag, v)) {
             if (!ip_literal(ip)) {
               throw ConfigError(std::string(flag) + ": '" + ip +
                                 "' is not an IPv4 or IPv6 address (give IP literals, "
                                 "comma-separated)");
             }
             st.cfg.source_ips.push_back(ip);
           }
         }
       }},
      // ---------------------------------------------------------------- Plugins
      {{"--plugin"},
       ValueKind::kValue,
       "<path>",
       "",
       "Plugins",
       "A plugin shared object (or a directory of them) to load before the run: its "
       "endpoints become --endpoint-type values and its exporters write after the run. "
       "Repeatable; AIPERF_PLUGIN_PATH (colon-separated) adds more. See aiperf plugins.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>& values) {
         st.cfg.plugins.insert(st.cfg.plugins.end(), values.begin(), values.end());
       }},
  };
}

}  // namespace aiperf::config::detail

namespace aiperf::config {

void register_plugin_endpoint_name(std::string name) {
  if (!is_plugin_endpoint_name(name)) detail::plugin_endpoint_names().push_back(std::move(name));
}

bool is_plugin_endpoint_name(std::string_view name) {
  for (const std::string& n : detail::plugin_endpoint_names()) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace aiperf::config

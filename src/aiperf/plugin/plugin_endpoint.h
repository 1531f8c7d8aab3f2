// Private to plugin/: an endpoint::Endpoint over a plugin's aiperf_endpoint_v1 table.
#pragma once
#include <memory>

#include "aiperf/endpoint/endpoint.h"
#include "aiperf/plugin/aiperf_plugin.h"

namespace aiperf::plugin {

std::unique_ptr<endpoint::Endpoint> make_plugin_endpoint(const aiperf_endpoint_v1& table);

}  // namespace aiperf::plugin

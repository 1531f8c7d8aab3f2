// Start-up reachability check: before any worker starts, each --url gets one TCP connect with
// a short timeout, so a dead or unreachable server is reported in a second with a clear message
// instead of as N failed requests (or, for a black-holed address, a 6-hour request timeout).
#pragma once
#include <optional>
#include <string>

#include "aiperf/transport/url.h"

namespace aiperf::run {

/// nullopt when a TCP connection to `url` could be opened within `timeout_ms`; otherwise a
/// one-line reason ("connection refused", "timed out after 5 s", "cannot resolve host").
std::optional<std::string> probe_tcp(const transport::Url& url, int timeout_ms);

}  // namespace aiperf::run

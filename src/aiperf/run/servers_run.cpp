// ProfileRun's readiness wait (--wait-for-model-timeout, spec §5.5): the probe of servers.h over
// the run's parsed URLs, with the run's headers.
#include <cstdio>

#include "aiperf/run/profile_run.h"
#include "aiperf/run/servers.h"

namespace aiperf::run {

void ProfileRun::wait_until_ready() {
  ReadinessOptions o;
  o.cfg = &cfg_;
  o.urls = plan_.client.urls;
  config::Config plain = cfg_;
  plain.streaming = false;  // the one-token probe is not streamed
  o.inference_path = endpoint_->path(plain);
  o.header_lines = "Content-Type: application/json\r\nAccept: application/json\r\n";
  for (const auto& [k, v] : cfg_.headers) o.header_lines += k + ": " + v + "\r\n";
  if (cfg_.api_key) o.header_lines += "Authorization: Bearer " + *cfg_.api_key + "\r\n";
  o.send = http_probe_sender(cfg_);
  o.on_waiting = [this](const std::string& what) {
    std::fprintf(stderr, "aiperf: waiting up to %g s for %s (--wait-for-model-mode %s)\n",
                 cfg_.wait_for_model_timeout_s, what.c_str(),
                 config::to_string(cfg_.wait_for_model_mode));
  };
  wait_for_model(o);
}

}  // namespace aiperf::run

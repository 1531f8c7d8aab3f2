// One endpoint's scrape loop and its acceptance rules (endpoint_scraper.h).
#include "aiperf/telemetry/endpoint_scraper.h"

#include <spdlog/spdlog.h>

#include <functional>

#include "aiperf/common/clock.h"

namespace aiperf::telemetry {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string normalize_metrics_url(const std::string& item, std::string* err) {
  std::string s = item;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t b = s.find_first_not_of(" \t");
  s = b == std::string::npos ? std::string() : s.substr(b);
  if (s.empty()) {
    if (err) *err = "empty URL";
    return {};
  }
  if (!starts_with_ci(s, "http://") && !starts_with_ci(s, "https://")) s = "http://" + s;
  while (!s.empty() && s.back() == '/') s.pop_back();
  std::string perr;
  auto url = transport::parse_url(s, &perr);
  if (!url) {
    if (err) *err = perr;
    return {};
  }
  if (url->path.empty() || url->path == "/") url->path = "/metrics";
  url->fragment.clear();
  return url->to_string();
}

EndpointScraper::EndpointScraper(std::string url, EndpointSettings settings,
                                 OnExposition on_exposition)
    : url_(std::move(url)),
      active_url_(url_),
      settings_(std::move(settings)),
      on_exposition_(std::move(on_exposition)) {
  auto u = transport::parse_url(url_);
  client_ = std::make_unique<ScrapeClient>(u ? *u : transport::Url{}, settings_.scrape);
}

EndpointScraper::~EndpointScraper() {
  stop();
}

void EndpointScraper::start() {
  poller_.start(settings_.interval_ns, [this] { return tick(); });
}

bool EndpointScraper::scrape_now(int64_t timeout_ns) {
  if (disabled_) return false;
  return poller_.poll_now(timeout_ns);
}

void EndpointScraper::stop() {
  poller_.stop();
  client_->close();
}

void EndpointScraper::drop(const std::string& message, bool quiet) {
  disabled_ = true;
  if (quiet) {
    spdlog::info("{}", message);
  } else {
    spdlog::warn("{}", message);
  }
}

bool EndpointScraper::fetch_and_parse(ScrapeResult* r, bool* not_prometheus, std::string* why) {
  *not_prometheus = false;
  const int64_t wall_before = wall_ns(), mono_before = mono_ns();
  *r = client_->get();
  ++info_.total_fetches;
  int64_t sent_wall = wall_before + (r->sent_mono_ns ? r->sent_mono_ns - mono_before : 0);
  if (info_.first_fetch_wall_ns == 0) info_.first_fetch_wall_ns = sent_wall;
  info_.last_fetch_wall_ns = sent_wall;
  if (!r->ok) {
    *why = r->error;
    return false;
  }
  if (r->status != 200) {
    *why = "HTTP " + std::to_string(r->status);
    return false;
  }
  info_.latency_sum_ms += double(r->done_mono_ns - r->sent_mono_ns) / 1e6;
  std::string_view ct = r->content_type;
  size_t b = ct.find_first_not_of(" \t");
  if (b != std::string_view::npos && starts_with_ci(ct.substr(b), "application/json")) {
    *not_prometheus = true;
    *why = "it answers Content-Type " + r->content_type + ", not Prometheus text";
    return false;
  }
  uint64_t h = std::hash<std::string_view>{}(r->body);
  bool duplicate = info_.unique_updates > 0 && h == last_hash_;
  ParseError perr;
  if (!parse_exposition_lenient(std::move(r->body), r->content_type, &exposition_, &perr)) {
    *not_prometheus = true;
    *why = perr.line ? "line " + std::to_string(perr.line) + ": " + perr.message : perr.message;
    return false;
  }
  if (!duplicate) {
    ++info_.unique_updates;
    last_hash_ = h;
  }
  const int64_t at = r->first_byte_mono_ns ? r->first_byte_mono_ns : r->done_mono_ns;
  const int64_t at_wall = wall_before + (at - mono_before);
  if (!duplicate) info_.update_wall_ns.push_back(at_wall);
  ScrapedBody body{exposition_, at, at_wall, sent_wall, r->done_mono_ns - r->sent_mono_ns,
                   duplicate};
  on_exposition_(body);
  return true;
}

bool EndpointScraper::try_fallback(const std::string& why) {
  fallback_tried_ = true;
  std::string alt = active_url_.substr(0, active_url_.size() - 8) + "/prometheus/metrics";
  auto u = transport::parse_url(alt);
  if (!u) return false;
  spdlog::info("{}: {} is not Prometheus ({}); trying {} (TensorRT-LLM)", settings_.what,
               active_url_, why, alt);
  client_->retarget(*u);
  ScrapeResult r;
  bool np = false;
  std::string why2;
  if (fetch_and_parse(&r, &np, &why2)) {
    active_url_ = alt;
    spdlog::info("{}: collecting from {}", settings_.what, alt);
    return true;
  }
  auto orig = transport::parse_url(active_url_);
  client_->retarget(*orig);
  return false;
}

bool EndpointScraper::tick() {
  ScrapeResult r;
  bool not_prometheus = false;
  std::string why;
  if (fetch_and_parse(&r, &not_prometheus, &why)) {
    succeeded_ = true;
    return true;
  }
  if (not_prometheus) {
    if (settings_.trtllm_fallback && !fallback_tried_ && ends_with(active_url_, "/metrics") &&
        !ends_with(active_url_, "/prometheus/metrics") && try_fallback(why)) {
      succeeded_ = true;
      return true;
    }
    drop(settings_.what + ": " + active_url_ + " is not a Prometheus endpoint (" + why +
             "); it is skipped for this run (" + settings_.silence_hint + " silences this)",
         false);
    return false;
  }
  if (!succeeded_) {
    drop(settings_.what + ": cannot read " + active_url_ + " (" + why +
             "); it is skipped for this run",
         r.ok ? settings_.quiet_if_refused : settings_.quiet_if_unreachable);
    return false;
  }
  ++info_.failed_fetches;
  info_.last_error = why;
  return true;
}

}  // namespace aiperf::telemetry

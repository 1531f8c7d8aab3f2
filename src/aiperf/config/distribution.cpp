#include "aiperf/config/distribution.h"

#include <algorithm>
#include <cmath>

#include "aiperf/common/error.h"

namespace aiperf::config {
namespace {

using nlohmann::json;

double weighted_pick(Rng& rng, const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  const double r = rng.uniform01() * total;
  double acc = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    if (r < acc) return double(i);
  }
  return double(weights.size() - 1);
}

class Reader {
 public:
  explicit Reader(std::string_view flag) : flag_(flag) {}

  Distribution read(const json& j, const std::string& at) {
    Distribution d;
    if (j.is_number()) {
      d.value = finite(j, at);
      return d;
    }
    if (!j.is_object()) fail(at, "expected a number or an object (mean/stddev, mean/median, ...)");
    for (auto it = j.begin(); it != j.end(); ++it) {
      static const char* kKeys[] = {"type",  "value",  "mean", "stddev", "median",
                                    "peaks", "points", "min",  "max"};
      const std::string& key = it.key();
      if (std::none_of(std::begin(kKeys), std::end(kKeys),
                       [&](const char* x) { return key == x; })) {
        fail(at + "." + key, "unknown key");
      }
    }
    d.kind = kind_of(j, at);
    switch (d.kind) {
      case Distribution::Kind::kFixed:
        d.value = finite(need(j, "value", at), at + ".value");
        break;
      case Distribution::Kind::kNormal:
        d.mean = finite(need(j, "mean", at), at + ".mean");
        d.stddev = j.contains("stddev") ? finite(j["stddev"], at + ".stddev") : 0.0;
        if (d.mean < 0 || d.stddev < 0) fail(at, "mean and stddev must be >= 0");
        break;
      case Distribution::Kind::kLogNormal:
        d.mean = finite(need(j, "mean", at), at + ".mean");
        d.median = finite(need(j, "median", at), at + ".median");
        if (d.mean <= 0 || d.median <= 0) fail(at, "mean and median must be > 0");
        if (d.median > d.mean) fail(at, "the log-normal median must be <= its mean");
        break;
      case Distribution::Kind::kMultimodal: {
        const json& peaks = j["peaks"];
        if (!peaks.is_array() || peaks.size() < 2) fail(at + ".peaks", "needs at least 2 peaks");
        for (size_t i = 0; i < peaks.size(); ++i) {
          const std::string pa = at + ".peaks[" + std::to_string(i) + "]";
          json p = peaks[i];
          double w = 1.0;
          if (p.is_object() && p.contains("weight")) {
            w = finite(p["weight"], pa + ".weight");
            if (w < 0) fail(pa + ".weight", "must be >= 0");
            p.erase("weight");
          }
          if (p.is_object() && p.contains("distribution")) p = p["distribution"];
          d.peaks.emplace_back(w, read(p, pa));
        }
        break;
      }
      case Distribution::Kind::kEmpirical: {
        const json& pts = j["points"];
        if (!pts.is_array() || pts.empty()) fail(at + ".points", "needs at least 1 point");
        for (size_t i = 0; i < pts.size(); ++i) {
          const std::string pa = at + ".points[" + std::to_string(i) + "]";
          if (!pts[i].is_object() || !pts[i].contains("value"))
            fail(pa, "expected {value, weight}");
          const double w = pts[i].contains("weight") ? finite(pts[i]["weight"], pa) : 1.0;
          if (w <= 0) fail(pa + ".weight", "must be > 0");
          d.points.emplace_back(finite(pts[i]["value"], pa + ".value"), w);
        }
        break;
      }
    }
    if (j.contains("min") && !j["min"].is_null()) d.min = finite(j["min"], at + ".min");
    if (j.contains("max") && !j["max"].is_null()) d.max = finite(j["max"], at + ".max");
    if (d.min && d.max && *d.min > *d.max) fail(at, "min is greater than max");
    return d;
  }

 private:
  Distribution::Kind kind_of(const json& j, const std::string& at) {
    using K = Distribution::Kind;
    if (j.contains("type")) {
      const std::string t = j["type"].is_string() ? j["type"].get<std::string>() : "";
      static const std::pair<const char*, K> kTypes[] = {{"fixed", K::kFixed},
                                                         {"normal", K::kNormal},
                                                         {"lognormal", K::kLogNormal},
                                                         {"multimodal", K::kMultimodal},
                                                         {"empirical", K::kEmpirical}};
      for (const auto& [name, k] : kTypes) {
        if (t == name) return k;
      }
      fail(at + ".type", "expected one of fixed, normal, lognormal, multimodal, empirical");
    }
    if (j.contains("peaks")) return K::kMultimodal;
    if (j.contains("points")) return K::kEmpirical;
    if (j.contains("median")) return K::kLogNormal;
    if (j.contains("stddev")) return K::kNormal;
    if (j.contains("value")) return K::kFixed;
    if (j.contains("mean")) return K::kNormal;
    fail(at, "needs mean, mean/stddev, mean/median, peaks, points or value");
  }
  const json& need(const json& j, const char* key, const std::string& at) {
    if (!j.contains(key)) fail(at, std::string("needs '") + key + "'");
    return j[key];
  }
  double finite(const json& v, const std::string& at) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) fail(at, "expected a finite number");
    return v.get<double>();
  }
  [[noreturn]] void fail(const std::string& at, const std::string& what) {
    throw ConfigError(std::string(flag_) + ": " + (at.empty() ? "" : at + ": ") + what);
  }
  std::string_view flag_;
};

}  // namespace

double Distribution::sample(Rng& rng) const {
  double v = 0;
  switch (kind) {
    case Kind::kFixed:
      v = value;
      break;
    case Kind::kNormal:
      v = mean;
      if (stddev > 0) {
        for (int i = 0; i < 10000; ++i) {
          const double x = rng.normal(mean, stddev);
          if (x >= 0) {
            v = x;
            break;
          }
        }
      }
      break;
    case Kind::kLogNormal:
      v = mean;
      if (median < mean)
        v = std::exp(rng.normal(std::log(median), std::sqrt(2.0 * std::log(mean / median))));
      break;
    case Kind::kMultimodal: {
      std::vector<double> w;
      for (const auto& p : peaks) w.push_back(p.first);
      v = peaks[size_t(weighted_pick(rng, w))].second.sample(rng);
      break;
    }
    case Kind::kEmpirical: {
      std::vector<double> w;
      for (const auto& p : points) w.push_back(p.second);
      v = points[size_t(weighted_pick(rng, w))].first;
      break;
    }
  }
  if (min && v < *min) v = *min;
  if (max && v > *max) v = *max;
  return v;
}

int64_t Distribution::sample_length(Rng& rng) const {
  return std::max<int64_t>(1, int64_t(std::ceil(sample(rng))));
}

double Distribution::expected_value() const {
  switch (kind) {
    case Kind::kFixed:
      return value;
    case Kind::kNormal:
    case Kind::kLogNormal:
      return mean;
    case Kind::kMultimodal: {
      double total = 0, acc = 0;
      for (const auto& p : peaks) total += p.first;
      for (const auto& p : peaks) acc += p.first / total * p.second.expected_value();
      return acc;
    }
    case Kind::kEmpirical: {
      double total = 0, acc = 0;
      for (const auto& p : points) total += p.second;
      for (const auto& p : points) acc += p.second / total * p.first;
      return acc;
    }
  }
  return 0;
}

nlohmann::ordered_json Distribution::to_json() const {
  nlohmann::ordered_json j;
  switch (kind) {
    case Kind::kFixed:
      j["value"] = value;
      break;
    case Kind::kNormal:
      j["mean"] = mean;
      j["stddev"] = stddev;
      break;
    case Kind::kLogNormal:
      j["mean"] = mean;
      j["median"] = median;
      break;
    case Kind::kMultimodal:
      j["peaks"] = nlohmann::ordered_json::array();
      for (const auto& [w, p] : peaks) {
        auto pj = p.to_json();
        pj["weight"] = w;
        j["peaks"].push_back(pj);
      }
      break;
    case Kind::kEmpirical:
      j["points"] = nlohmann::ordered_json::array();
      for (const auto& [v, w] : points) j["points"].push_back({{"value", v}, {"weight", w}});
      break;
  }
  if (min) j["min"] = *min;
  if (max) j["max"] = *max;
  return j;
}

Distribution parse_distribution(std::string_view flag, const std::string& json_text) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception&) {
    throw ConfigError(std::string(flag) +
                      ": not valid JSON (e.g. {\"mean\": 512, \"median\": 400} or {\"peaks\": "
                      "[{\"mean\": 128, \"stddev\": 20, \"weight\": 60}, ...]})");
  }
  return Reader(flag).read(j, "");
}

}  // namespace aiperf::config

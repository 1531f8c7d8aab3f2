// The runs a config file turns into (AIPerf's sweep/expand.py): grid, zip, scenarios, and
// magic lists in the phases; paths and names as AIPerf forms them, so `aiperf config expand`
// lists the same variations and directory names.
#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/jinja_lite.h"
#include "aiperf/config/study_paths.h"

namespace aiperf::config {
namespace detail {

// AIPerf's MAGIC_LIST_FIELDS restricted to the phase keys (phase-rooted detection only).
const std::set<std::string> kMagicPhaseKeys = {"level",    "concurrency", "prefill_concurrency",
                                               "rate",     "count",       "requests",
                                               "duration", "sessions",    "users",
                                               "time",     "mean"};

namespace {

const std::vector<std::pair<std::string, std::string>> kAliases = {
    {"concurrency", "phases.profiling.concurrency"},
    {"prefill_concurrency", "phases.profiling.prefill_concurrency"},
    {"rate", "phases.profiling.rate"},
    {"requests", "phases.profiling.requests"},
    {"duration", "phases.profiling.duration"},
    {"sessions", "phases.profiling.sessions"},
    {"users", "phases.profiling.users"},
    {"smoothness", "phases.profiling.smoothness"},
    {"grace_period", "phases.profiling.grace_period"},
    {"concurrency_ramp", "phases.profiling.concurrency_ramp"},
    {"prefill_ramp", "phases.profiling.prefill_ramp"},
    {"rate_ramp", "phases.profiling.rate_ramp"},
};

std::vector<std::string> split_dots(const std::string& p) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = p.find('.', start);
    out.push_back(p.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool is_named_list(const YamlNode& n) {
  if (!n.is_seq() || n.items.empty()) return false;
  for (const auto& i : n.items) {
    const YamlNode* name = i.is_map() ? i.find_exact("name") : nullptr;
    if (!name || !name->is_scalar()) return false;
  }
  return true;
}

YamlNode* find_named(YamlNode& list, const std::string& name, const std::string& parent) {
  for (auto& i : list.items) {
    if (i.find_exact("name")->text == name) return &i;
  }
  if (name == "profiling" && parent == "phases") {  // the only non-warmup phase
    YamlNode* only = nullptr;
    int count = 0;
    for (auto& i : list.items) {
      if (i.find_exact("name")->text != "warmup") {
        only = &i;
        ++count;
      }
    }
    if (count == 1) return only;
  }
  return nullptr;
}

std::string names_of(const YamlNode& list) {
  std::string out;
  for (const auto& i : list.items) out += (out.empty() ? "" : ", ") + i.find_exact("name")->text;
  return "[" + out + "]";
}

}  // namespace

std::string resolve_sweep_path(std::string_view sv) {
  std::string p(sv);
  if (p.find('.') == std::string::npos) {
    for (const auto& [alias, full] : kAliases) {
      if (to_snake(p) == alias) p = full;
    }
  }
  if (p.empty()) throw std::invalid_argument("dimension path must be a non-empty string");
  if (p.front() == '.' || p.back() == '.' || p.find("..") != std::string::npos) {
    throw std::invalid_argument("dimension path '" + p +
                                "' must not start or end with '.' or contain '..'");
  }
  const std::string first = to_snake(p.substr(0, p.find('.')));
  if (first == "sweep") {
    throw std::invalid_argument("dimension path '" + p +
                                "' targets the sweep config itself; 'sweep.*' is not sweepable");
  }
  if (first == "multi_run" || first == "random_seed") {
    throw std::invalid_argument("dimension path '" + p + "' targets non-sweepable top-level '" +
                                first + "'");
  }
  if (first == "benchmark") {
    throw std::invalid_argument("dimension path '" + p +
                                "' must not start with 'benchmark.' (paths are rooted at the "
                                "benchmark block, e.g. 'phases.profiling.rate')");
  }
  return p;
}

void set_at_path(YamlNode& root, const std::string& path, const YamlNode& value) {
  const auto keys = split_dots(path);
  YamlNode* cur = &root;
  for (size_t i = 0; i < keys.size(); ++i) {
    const bool last = i + 1 == keys.size();
    const std::string& key = keys[i];
    const std::string parent = i > 0 ? keys[i - 1] : "";
    if (is_named_list(*cur)) {
      YamlNode* match = find_named(*cur, key, to_snake(parent));
      if (!match) {
        throw std::invalid_argument("no entry named '" + key + "' (existing: " + names_of(*cur) +
                                    ")");
      }
      if (last) {
        throw std::invalid_argument("'" + key + "' names a whole entry; add a field after it");
      }
      cur = match;
      continue;
    }
    if (cur->is_null()) *cur = YamlNode::map();
    if (!cur->is_map()) {
      throw std::invalid_argument("cannot descend into a value at '" + key + "'");
    }
    if (last) {
      cur->set(key, value);
      return;
    }
    YamlNode* next = cur->find(to_snake(key));
    if (!next) next = const_cast<YamlNode*>(cur->find_exact(key));
    if (!next) {
      cur->fields.emplace_back(key, YamlNode::map());
      next = &cur->fields.back().second;
    }
    cur = next;
  }
}

}  // namespace detail

namespace {

using J = nlohmann::ordered_json;

std::string py_str(const YamlNode& v) {
  return jinja_str(to_json(v));
}

std::string sanitize(std::string s) {
  s = std::regex_replace(s, std::regex(R"([/\\]|\.\.)"), "");
  s = std::regex_replace(s, std::regex(R"([<>:"|?*])"), "");
  if (s.find_first_not_of('.') == std::string::npos) return "";
  return s;
}

std::string dir_name_for(const J& values, const std::string& label, int index) {
  bool nested = false;
  for (const auto& [k, v] : values.items()) nested = nested || v.is_object() || v.is_array();
  if (!values.empty() && !nested) {
    std::string parts;
    for (const auto& [k, v] : values.items()) {
      const std::string last = k.substr(k.rfind('.') == std::string::npos ? 0 : k.rfind('.') + 1);
      parts += (parts.empty() ? "" : "__") + last + "_" + jinja_str(v);
    }
    if (auto s = sanitize(parts); !s.empty()) return s;
  }
  if (auto s = sanitize(label); !s.empty()) return s;
  return "variation_" + std::to_string(index);
}

YamlNode without_sweep(const YamlNode& env) {
  YamlNode out = env;
  out.erase("sweep");
  return out;
}

Variation make_variation(int index, const std::string& label, J values, YamlNode envelope) {
  Variation v;
  v.index = index;
  v.label = label;
  v.dir_name = dir_name_for(values, label, index);
  v.values = std::move(values);
  v.envelope = std::move(envelope);
  return v;
}

/// Sets one parameter value in a variation envelope (body-rooted unless `variables.`).
void apply_param(YamlNode& env, const std::string& path, const YamlNode& value) {
  const bool envelope_rooted = to_snake(path.substr(0, path.find('.'))) == "variables";
  if (envelope_rooted) {
    detail::set_at_path(env, path, value);
  } else {
    YamlNode* body = env.find("benchmark");
    detail::set_at_path(*body, path, value);
  }
}

std::vector<Variation> grid_or_zip(
    const LoadedConfigFile& f, const StudySpec::Sweep& s,
    const std::vector<std::pair<std::string, std::vector<YamlNode>>>& params_in, bool sort_paths,
    bool zip) {
  auto params = params_in;
  if (sort_paths) {
    std::sort(params.begin(), params.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  (void)s;
  std::vector<std::vector<size_t>> combos;
  if (zip) {
    for (size_t i = 0; i < params.front().second.size(); ++i) {
      combos.emplace_back(params.size(), i);
    }
  } else {
    combos.emplace_back();
    for (const auto& [path, values] : params) {
      std::vector<std::vector<size_t>> next;
      for (const auto& c : combos) {
        for (size_t i = 0; i < values.size(); ++i) {
          auto n = c;
          n.push_back(i);
          next.push_back(std::move(n));
        }
      }
      combos = std::move(next);
    }
  }
  std::vector<Variation> out;
  for (size_t ci = 0; ci < combos.size(); ++ci) {
    YamlNode env = without_sweep(f.envelope);
    J values = J::object();
    std::string label;
    for (size_t p = 0; p < params.size(); ++p) {
      const YamlNode& v = params[p].second[combos[ci][p]];
      try {
        apply_param(env, params[p].first, v);
      } catch (const std::invalid_argument& e) {
        throw ConfigError("sweep.parameters." + params[p].first + ": " + e.what() + " at " +
                          f.path + ":" + std::to_string(v.line));
      }
      values[params[p].first] = to_json(v);
      label += (label.empty() ? "" : ", ") + params[p].first + "=" + py_str(v);
    }
    out.push_back(make_variation(int(ci), label, std::move(values), std::move(env)));
  }
  return out;
}

std::vector<Variation> scenarios(const LoadedConfigFile& f, const StudySpec::Sweep& s) {
  std::vector<Variation> out;
  for (size_t i = 0; i < s.runs.size(); ++i) {
    const auto& [name, run] = s.runs[i];
    YamlNode env = without_sweep(f.envelope);
    YamlNode over = run;
    over.erase("name");
    over.erase("values");
    // A scenario's singular `benchmark.dataset` merges into the base's one dataset.
    if (YamlNode* b = over.find("benchmark"); b && b->is_map()) {
      if (YamlNode* ds = b->find("dataset")) {
        YamlNode entry = *ds;
        const YamlNode* base_ds = env.find("benchmark")->find("datasets");
        std::string ds_name = "default";
        if (base_ds && base_ds->is_seq() && base_ds->items.size() == 1) {
          if (auto* nm = base_ds->items[0].find_exact("name")) ds_name = nm->text;
        }
        if (!entry.find_exact("name")) {
          entry.fields.insert(entry.fields.begin(), {"name", YamlNode::scalar(ds_name)});
        }
        b->erase("dataset");
        YamlNode list = YamlNode::seq(entry.line);
        list.items.push_back(std::move(entry));
        b->set("datasets", std::move(list));
      }
    }
    deep_merge(env, over);
    const std::string label = name.empty() ? "scenario_" + std::to_string(i) : name;
    J values = J::object();
    if (const YamlNode* v = run.find("values")) {
      values = to_json(*v);
    } else {
      values = to_json(over);
    }
    out.push_back(make_variation(int(i), label, std::move(values), std::move(env)));
  }
  return out;
}

/// Lists of numbers at magic phase keys (`concurrency: [8, 16]`) sweep as a grid.
std::vector<std::pair<std::string, std::vector<YamlNode>>> magic_lists(const YamlNode& env) {
  std::vector<std::pair<std::string, std::vector<YamlNode>>> out;
  const YamlNode* body = env.find("benchmark");
  const YamlNode* phases = body ? body->find("phases") : nullptr;
  if (!phases || !phases->is_seq()) return out;
  for (const auto& phase : phases->items) {
    const YamlNode* name = phase.is_map() ? phase.find_exact("name") : nullptr;
    if (!name || !name->is_scalar()) continue;
    for (const auto& [k, v] : phase.fields) {
      if (!detail::kMagicPhaseKeys.count(to_snake(k)) || !v.is_seq() || v.items.empty()) continue;
      bool numbers = true;
      for (const auto& i : v.items) {
        J j = to_json(i);
        numbers = numbers && j.is_number();
      }
      if (numbers) out.emplace_back("phases." + name->text + "." + k, v.items);
    }
  }
  return out;
}

}  // namespace

std::vector<Variation> expand_variations(const LoadedConfigFile& f) {
  if (f.study.sweep) {
    const auto& s = *f.study.sweep;
    if (s.type == "scenarios") return scenarios(f, s);
    return grid_or_zip(f, s, s.parameters, !s.from_magic_lists, s.type == "zip");
  }
  return {make_variation(0, "base", J::object(), without_sweep(f.envelope))};
}

namespace detail {

std::optional<StudySpec::Sweep> magic_list_sweep(const YamlNode& envelope) {
  auto magic = magic_lists(envelope);
  if (magic.empty()) return std::nullopt;
  StudySpec::Sweep s;
  s.parameters = std::move(magic);
  s.from_magic_lists = true;
  return s;
}

}  // namespace detail

}  // namespace aiperf::config

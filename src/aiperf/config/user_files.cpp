#include "aiperf/config/user_files.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/config/jinja_lite.h"
#include "aiperf/config/yaml_tree.h"

namespace aiperf::config {
namespace {

namespace fs = std::filesystem;
using J = nlohmann::ordered_json;

/// A rendered string as AIPerf coerces it for json / yaml files: true/false, an int, a float.
J coerce(const std::string& s) {
  std::string low = s;
  for (char& ch : low) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (low == "true") return true;
  if (low == "false") return false;
  static const std::regex kInt(R"(^\s*[-+]?[0-9]+(_[0-9]+)*\s*$)");
  if (std::regex_match(s, kInt)) {
    std::string digits;
    for (char ch : s) {
      if (ch != '_' && !std::isspace(static_cast<unsigned char>(ch))) digits += ch;
    }
    try {
      return std::stoll(digits);
    } catch (const std::out_of_range&) {
      return s;  // beyond 64 bits: kept as text
    }
  }
  static const std::regex kFloat(
      R"(^\s*[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|inf|infinity|nan)\s*$)",
      std::regex::icase);
  if (std::regex_match(s, kFloat)) {
    const double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return v;
  }
  return s;
}

class Renderer {
 public:
  Renderer(J context, std::string where) : ctx_(std::move(context)), where_(std::move(where)) {}

  J value(const J& v, bool coerce_strings) const {
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (!has_jinja(s)) return v;
      const J r = render(s);
      if (!coerce_strings) return r.is_string() ? r : J(jinja_str(r));
      return r.is_string() ? coerce(r.get<std::string>()) : r;
    }
    if (v.is_object()) {
      J out = J::object();
      for (const auto& [k, x] : v.items()) out[k] = value(x, coerce_strings);
      return out;
    }
    if (v.is_array()) {
      J out = J::array();
      for (const auto& x : v) out.push_back(value(x, coerce_strings));
      return out;
    }
    return v;
  }

 private:
  J render(const std::string& text) const {
    try {
      return render_jinja(text, [this](const std::string& name) -> std::optional<J> {
        if (ctx_.contains(name)) return ctx_[name];
        return std::nullopt;
      });
    } catch (const std::invalid_argument& e) {
      std::string names;
      for (const auto& [k, v] : ctx_.items()) names += (names.empty() ? "" : ", ") + k;
      throw ConfigError(where_ + ": " + e.what() + " (names available: " + names + ")");
    }
  }

  J ctx_;
  std::string where_;
};

/// `rel` under `dir`, refusing a path that a symbolic link leads out of the directory.
fs::path inside(const fs::path& dir, const std::string& rel, const std::string& where) {
  const fs::path target = dir / rel;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw std::runtime_error("cannot create " + target.parent_path().string() + " for " + where +
                             ": " + ec.message());
  }
  const fs::path root = fs::weakly_canonical(dir, ec);
  const fs::path real = fs::weakly_canonical(target, ec);
  const auto [end, at] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (end != root.end()) {
    throw ConfigError(where + ": " + rel + " leads to " + real.string() +
                      ", outside the run's directory " + root.string());
  }
  return target;
}

}  // namespace

std::vector<std::string> write_user_files(const Config& cfg, const UserFileRun& run) {
  std::vector<std::string> warnings;
  if (cfg.user_files_json.empty()) return warnings;
  J ctx = cfg.config_variables_json.empty() ? J::object() : J::parse(cfg.config_variables_json);
  const J injected = {{"epoch", run.epoch},
                      {"job_name", run.job_name},
                      {"namespace", ""},
                      {"model", cfg.models.empty() ? "" : cfg.models.front()},
                      {"endpoint_url", cfg.urls.empty() ? "" : cfg.urls.front()},
                      {"artifact_dir", run.artifact_dir}};
  for (const auto& [k, v] : injected.items()) {
    if (ctx.contains(k)) {
      warnings.push_back("artifacts.user_files: the variable '" + k +
                         "' is shadowed by the run's own '" + k + "'; rename the variable");
    }
    ctx[k] = v;
  }
  const J files = J::parse(cfg.user_files_json);
  for (size_t i = 0; i < files.size(); ++i) {
    const J& f = files[i];
    const std::string path = f["path"].get<std::string>();
    const std::string format = f["format"].get<std::string>();
    const std::string where = "artifacts.user_files[" + std::to_string(i) + "] (" + path + ")";
    const J rendered = Renderer(ctx, where).value(f["content"], format != "text");
    std::string text;
    if (format == "json") {
      text = rendered.dump(2);
    } else if (format == "yaml") {
      text = emit_yaml(from_json(rendered));
    } else {
      text = rendered.get<std::string>();
    }
    const fs::path target = inside(run.artifact_dir, path, where);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!(out << text) || !out.flush()) {
      throw std::runtime_error("cannot write " + target.string() + " (" + where + ")");
    }
  }
  return warnings;
}

}  // namespace aiperf::config

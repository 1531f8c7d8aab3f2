#include "aiperf/config/templates.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace aiperf::config {
namespace detail {
// Generated from the templates directory (cmake/embed_templates.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_templates();
}  // namespace detail

const std::vector<std::string_view> kTemplateCategories = {
    "Getting Started", "Load Testing",         "Datasets", "Sweep & Multi-Run", "Advanced",
    "Multimodal",      "Specialized Endpoints"};

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> csv(const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    const size_t comma = v.find(',', start);
    std::string item = trim(v.substr(start, comma == std::string::npos ? comma : comma - start));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

/// The `# key: value` lines right after `# @template` (AIPerf's discovery rules).
TemplateInfo parse_meta(std::string_view name, std::string_view text) {
  TemplateInfo t;
  t.name = name;
  bool in_block = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const std::string line =
        trim(std::string(text.substr(pos, nl == std::string_view::npos ? nl : nl - pos)));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!in_block) {
      in_block = line == "# @template";
      continue;
    }
    if (line.rfind("# ", 0) != 0) break;
    const size_t sep = line.find(": ", 2);
    if (sep == std::string::npos) break;
    const std::string key = trim(line.substr(2, sep - 2));
    const std::string value = trim(line.substr(sep + 2));
    if (key.empty() || value.empty()) break;
    if (key == "title") t.title = value;
    if (key == "description") t.description = value;
    if (key == "category") t.category = value;
    if (key == "difficulty") t.difficulty = value;
    if (key == "tags") t.tags = csv(value);
    if (key == "features") t.features = csv(value);
  }
  if (!in_block || t.title.empty() || t.category.empty()) {
    throw std::logic_error("template " + std::string(name) +
                           ".yaml lacks a '# @template' block with title and category");
  }
  return t;
}

size_t category_rank(const std::string& c) {
  auto it = std::find(kTemplateCategories.begin(), kTemplateCategories.end(), c);
  return size_t(it - kTemplateCategories.begin());
}

}  // namespace

const std::vector<TemplateInfo>& templates() {
  static const std::vector<TemplateInfo> kAll = [] {
    std::vector<TemplateInfo> out;
    for (const auto& [name, text] : detail::embedded_templates()) {
      out.push_back(parse_meta(name, text));
    }
    std::sort(out.begin(), out.end(), [](const TemplateInfo& a, const TemplateInfo& b) {
      return std::pair(category_rank(a.category), a.name) <
             std::pair(category_rank(b.category), b.name);
    });
    return out;
  }();
  return kAll;
}

std::vector<TemplateInfo> templates_in(std::string_view category) {
  std::vector<TemplateInfo> out;
  for (const auto& t : templates()) {
    if (lower(t.category).find(lower(category)) != std::string::npos) out.push_back(t);
  }
  return out;
}

std::vector<TemplateInfo> search_templates(std::string_view query) {
  const std::string q = lower(query);
  std::vector<TemplateInfo> by_name, others;
  for (const auto& t : templates()) {
    std::vector<std::string> fields = {t.name, t.title, t.description, t.category};
    fields.insert(fields.end(), t.tags.begin(), t.tags.end());
    fields.insert(fields.end(), t.features.begin(), t.features.end());
    bool hit = false;
    for (const auto& f : fields) hit = hit || lower(f).find(q) != std::string::npos;
    if (!hit) continue;
    (lower(t.name).find(q) != std::string::npos ? by_name : others).push_back(t);
  }
  by_name.insert(by_name.end(), others.begin(), others.end());
  return by_name;
}

std::optional<std::string> template_text(std::string_view name) {
  for (const auto& [n, text] : detail::embedded_templates()) {
    if (n == name) return std::string(text);
  }
  return std::nullopt;
}

std::string customize_template(const std::string& text, const std::string& model,
                               const std::string& url) {
  std::string out;
  bool model_done = model.empty(), url_done = url.empty();
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? nl : nl - pos + 1);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    const size_t indent = line.find_first_not_of(' ');
    const bool nested = indent != std::string::npos && indent > 0 && line[indent] != '#';
    auto replace = [&](const std::string& key, const std::string& value, bool list) {
      if (!nested || line.compare(indent, key.size() + 1, key + ":") != 0) return false;
      const size_t comment = line.find(" #", indent);
      std::string tail = comment == std::string::npos ? "\n" : "  " + line.substr(comment + 1);
      if (tail.back() != '\n') tail += '\n';
      const std::string quoted = "\"" + value + "\"";
      line = line.substr(0, indent) + key + ": " + (list ? "[" + quoted + "]" : quoted) + tail;
      return true;
    };
    if (!model_done) model_done = replace("model", model, false) || replace("models", model, true);
    if (!url_done) url_done = replace("url", url, false) || replace("urls", url, true);
    out += line;
  }
  return out;
}

}  // namespace aiperf::config

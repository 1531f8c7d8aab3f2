// The config templates of `aiperf config init` (spec §1.1): YAML files in
// src/aiperf/config/templates/, compiled into the binary (cmake/embed_templates.cmake). Each
// starts with a `# @template` comment block (title, description, category, tags, difficulty,
// features), as AIPerf's templates do; the file itself is the only source of that metadata.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::config {

struct TemplateInfo {
  std::string name;  // file name without .yaml
  std::string title;
  std::string description;
  std::string category;  // one of kTemplateCategories
  std::vector<std::string> tags;
  std::string difficulty = "beginner";  // beginner | intermediate | advanced
  std::vector<std::string> features;
};

/// AIPerf's category order.
extern const std::vector<std::string_view> kTemplateCategories;

/// Every template, by category (in kTemplateCategories order) then name.
const std::vector<TemplateInfo>& templates();

/// Templates whose category contains `category` (case-insensitive); all when empty.
std::vector<TemplateInfo> templates_in(std::string_view category);

/// Templates matching `query` (case-insensitive) in their name, title, description, category,
/// tags or features; name matches first.
std::vector<TemplateInfo> search_templates(std::string_view query);

/// The YAML text of a template, nullopt when there is none of that name.
std::optional<std::string> template_text(std::string_view name);

/// The template text with `model` and `url` put in place of the first `model:` / `models:` and
/// `url:` / `urls:` values of the benchmark body, every comment kept. Empty = unchanged.
std::string customize_template(const std::string& text, const std::string& model,
                               const std::string& url);

}  // namespace aiperf::config

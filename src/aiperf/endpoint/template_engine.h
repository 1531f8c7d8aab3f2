// Private: the two small languages of the template endpoint (spec §5.4 "template").
//
// BodyTemplate: the subset of Jinja2 that request-body templates use, with AIPerf's settings
// (autoescape on). Supported: {{ expr }}, {% if %}/{% elif %}/{% else %}/{% endif %},
// {% for x in expr %}...{% endfor %} (loop.index, loop.index0, loop.first, loop.last, loop.length),
// {# comments #}, whitespace control ({%- -%} {{- -}}). Expressions: names, .attr, [index],
// ["key"], string / integer literals, `not`, `and`, `or`, `==`, `!=`, `is none`, `is not none`,
// `in`, and the filters tojson, length, first, last, join(sep), default(value), lower, upper,
// string, int. Anything else is rejected when the template is compiled, naming the construct.
//
// FieldPath: the subset of JMESPath that response_field uses: identifiers (bare or "quoted"),
// `.`, [N] (negative from the end), [*] projections and [] flattening, e.g.
// `data[0].embedding`, `results[*].score`, `choices[0].message.content`.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aiperf::endpoint::detail {

class BodyTemplate {
 public:
  /// Throws aiperf::ConfigError (one line: what is wrong and where) on a syntax error or an
  /// unsupported construct.
  explicit BodyTemplate(std::string_view source);
  ~BodyTemplate();
  BodyTemplate(BodyTemplate&&) noexcept;
  BodyTemplate& operator=(BodyTemplate&&) noexcept;

  /// Renders with `vars` (a JSON object of template variables). Thread-safe (const, no state).
  /// Throws aiperf::InputError when a value cannot be rendered (e.g. tojson of an undefined).
  std::string render(const nlohmann::json& vars) const;

  struct Node;

 private:
  std::unique_ptr<Node> root_;
};

class FieldPath {
 public:
  /// Throws aiperf::ConfigError on a syntax error or an unsupported construct.
  explicit FieldPath(std::string_view expr);
  /// The value at the path, or null.
  nlohmann::json search(const nlohmann::json& doc) const;

  struct Step {
    enum Kind { kField, kIndex, kProject, kFlatten } kind;
    std::string name;
    long index = 0;
  };

 private:
  std::vector<Step> steps_;
};

}  // namespace aiperf::endpoint::detail

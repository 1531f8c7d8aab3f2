// A YAML document as a plain tree that remembers the line of every node, so that a config error
// can name the key path and the line (`benchmark.phases[1].type: ... at bench.yaml:14`).
// yaml-cpp parses; everything else (lookups by snake_case or camelCase key, dotted-path edits for
// sweeps, deep merges for scenarios, emitting) works on this tree. Cold path; not thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace aiperf::config {

struct YamlField;

struct YamlNode {
  enum class Type { kNull, kScalar, kSequence, kMap };
  Type type = Type::kNull;
  std::string text;               // scalar text (kScalar)
  bool quoted = false;            // a quoted scalar: always a string, never null/bool/number
  std::vector<YamlNode> items;    // kSequence
  std::vector<YamlField> fields;  // kMap, in file order
  int line = 0;                   // 1-based; 0 = not from a file
  int key_line = 0;               // a mapping's value: the line of its key (0: not known)

  bool is_null() const { return type == Type::kNull; }
  bool is_scalar() const { return type == Type::kScalar; }
  bool is_seq() const { return type == Type::kSequence; }
  bool is_map() const { return type == Type::kMap; }

  /// The field whose key is `key` written in snake_case or camelCase (`auto_offset` finds
  /// `autoOffset`); nullptr when absent. Exact keys for free-form maps: find_exact().
  const YamlNode* find(std::string_view snake_key) const;
  YamlNode* find(std::string_view snake_key);
  const YamlNode* find_exact(std::string_view key) const;
  /// The key as written for `snake_key` ("" when absent).
  std::string key_as_written(std::string_view snake_key) const;
  /// Removes the field (any spelling); true when it was there.
  bool erase(std::string_view snake_key);
  /// Sets a field: replaces the value of an existing key of any spelling, else appends.
  void set(const std::string& key, YamlNode value);

  static YamlNode scalar(std::string text, int line = 0, bool quoted = false);
  static YamlNode map(int line = 0);
  static YamlNode seq(int line = 0);
};

/// One key of a mapping (first: the key as written, second: its value).
struct YamlField {
  YamlField(std::string key, YamlNode value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  YamlNode second;
};

/// "autoOffset" -> "auto_offset"; snake_case keys are returned as they are.
std::string to_snake(std::string_view key);

/// Parses YAML text (one document). Throws aiperf::ConfigError "<file>:<line>: <problem>" for
/// syntax errors, duplicate keys and non-scalar keys. Anchors and aliases are expanded.
YamlNode parse_yaml(const std::string& text, const std::string& file_name);

/// Block-style YAML text for the tree (keys in order; scalars quoted where needed).
std::string emit_yaml(const YamlNode& node);

/// YAML text for the tree that puts each value on the line it came from (blank lines pad the
/// gaps; a mapping or list written on one line stays on one line, in flow style), so a parser
/// of the text reports the original file's line numbers. Keys are written in snake_case except
/// the keys of the maps named in `keep_keys_of` (user-chosen names, e.g. plot preset names).
std::string emit_yaml_at_lines(const YamlNode& node, const std::vector<std::string>& keep_keys_of);

/// JSON for the tree, scalars typed by YAML's core schema (null, true/false, ints, floats).
nlohmann::ordered_json to_json(const YamlNode& node);

/// The tree for a JSON value (line 0 everywhere).
YamlNode from_json(const nlohmann::ordered_json& j);

/// Scalar text typed by YAML's core schema: "null" for null scalars, else the text.
bool scalar_is_null(const YamlNode& n);

/// Deep merge of `over` into `base`: maps merge key by key, lists of maps that all carry a
/// string `name` merge entry by name (new names appended), anything else is replaced.
void deep_merge(YamlNode& base, const YamlNode& over);

}  // namespace aiperf::config

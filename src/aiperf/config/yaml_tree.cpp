#include "aiperf/config/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>
#include <set>

#include "aiperf/common/error.h"

namespace aiperf::config {
int invalid_utf8_line(const std::string& s);

namespace {

/// A scalar as yaml-cpp decoded it (escapes included) must still be UTF-8 text: values end up
/// in JSON bodies, exports and run_config.yaml.
void check_text(const std::string& text, const std::string& file, int line) {
  if (invalid_utf8_line(text)) {
    throw ConfigError(file + ":" + std::to_string(line) +
                      ": a value that is not UTF-8 text once its escapes are read; write it "
                      "with \\u escapes of Unicode characters");
  }
}

YamlNode convert(const YAML::Node& n, const std::string& file) {
  YamlNode out;
  out.line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.type = YamlNode::Type::kNull;
      break;
    case YAML::NodeType::Scalar:
      out.type = YamlNode::Type::kScalar;
      out.text = n.Scalar();
      check_text(out.text, file, out.line);
      out.quoted = n.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      out.type = YamlNode::Type::kSequence;
      for (const auto& item : n) out.items.push_back(convert(item, file));
      break;
    case YAML::NodeType::Map: {
      out.type = YamlNode::Type::kMap;
      std::set<std::string> seen;
      for (const auto& kv : n) {
        const int kline = kv.first.Mark().line + 1;
        if (!kv.first.IsScalar()) {
          throw ConfigError(file + ":" + std::to_string(kline) +
                            ": a mapping key must be a plain name, not a list or mapping");
        }
        const std::string key = kv.first.Scalar();
        check_text(key, file, kline);
        if (!seen.insert(key).second) {
          throw ConfigError(file + ":" + std::to_string(kline) + ": key '" + key +
                            "' appears twice in the same mapping; keep one");
        }
        YamlNode value = convert(kv.second, file);
        if (value.is_null() || value.line == 0) value.line = kline;
        value.key_line = kline;
        out.fields.emplace_back(key, std::move(value));
      }
      break;
    }
  }
  return out;
}

bool looks_typed(const std::string& s) {
  static const std::regex kTyped(
      R"(^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$)");
  return s.empty() || std::regex_match(s, kTyped);
}

void emit(YAML::Emitter& e, const YamlNode& n) {
  switch (n.type) {
    case YamlNode::Type::kNull:
      e << YAML::Null;
      break;
    case YamlNode::Type::kScalar:
      if (n.quoted && looks_typed(n.text)) {
        e << YAML::DoubleQuoted << n.text;
      } else {
        e << n.text;
      }
      break;
    case YamlNode::Type::kSequence: {
      bool flat = !n.items.empty();
      for (const auto& i : n.items) flat = flat && i.is_scalar();
      if (flat && n.items.size() <= 8) e << YAML::Flow;
      e << YAML::BeginSeq;
      for (const auto& i : n.items) emit(e, i);
      e << YAML::EndSeq;
      break;
    }
    case YamlNode::Type::kMap:
      e << YAML::BeginMap;
      for (const auto& [k, v] : n.fields) {
        e << YAML::Key << k << YAML::Value;
        emit(e, v);
      }
      e << YAML::EndMap;
      break;
  }
}

bool named_list(const YamlNode& n) {
  if (!n.is_seq() || n.items.empty()) return false;
  for (const auto& i : n.items) {
    const YamlNode* name = i.is_map() ? i.find_exact("name") : nullptr;
    if (!name || !name->is_scalar()) return false;
  }
  return true;
}

std::set<std::string> dist_keys(const YamlNode& n) {
  std::set<std::string> out;
  for (const auto& [k, v] : n.fields) {
    const std::string s = to_snake(k);
    if (s == "peaks" || s == "points" || s == "value" || s == "median" || s == "stddev") {
      out.insert(s);
    }
  }
  return out;
}

}  // namespace

std::string to_snake(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != '_') out += '_';
      out += char(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

const YamlNode* YamlNode::find(std::string_view snake_key) const {
  for (const auto& [k, v] : fields) {
    if (k == snake_key || to_snake(k) == snake_key) return &v;
  }
  return nullptr;
}

YamlNode* YamlNode::find(std::string_view snake_key) {
  for (auto& [k, v] : fields) {
    if (k == snake_key || to_snake(k) == snake_key) return &v;
  }
  return nullptr;
}

const YamlNode* YamlNode::find_exact(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string YamlNode::key_as_written(std::string_view snake_key) const {
  for (const auto& [k, v] : fields) {
    if (k == snake_key || to_snake(k) == snake_key) return k;
  }
  return "";
}

bool YamlNode::erase(std::string_view snake_key) {
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (it->first == snake_key || to_snake(it->first) == snake_key) {
      fields.erase(it);
      return true;
    }
  }
  return false;
}

void YamlNode::set(const std::string& key, YamlNode value) {
  if (type != Type::kMap) {
    type = Type::kMap;
    text.clear();
    items.clear();
  }
  const std::string snake = to_snake(key);
  for (auto& [k, v] : fields) {
    if (k == key || to_snake(k) == snake) {
      v = std::move(value);
      return;
    }
  }
  fields.emplace_back(key, std::move(value));
}

YamlNode YamlNode::scalar(std::string text, int line, bool quoted) {
  YamlNode n;
  n.type = Type::kScalar;
  n.text = std::move(text);
  n.line = line;
  n.quoted = quoted;
  return n;
}

YamlNode YamlNode::map(int line) {
  YamlNode n;
  n.type = Type::kMap;
  n.line = line;
  return n;
}

YamlNode YamlNode::seq(int line) {
  YamlNode n;
  n.type = Type::kSequence;
  n.line = line;
  return n;
}

/// Line (1-based) of the first byte that is not part of valid UTF-8, or 0.
int invalid_utf8_line(const std::string& s) {
  int line = 1;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    if (c == '\n') ++line;
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 9;
    if (n == 9 || (n == 1 && c < 0xc2) || i + n >= s.size() + (n ? 0 : 1)) return line;
    uint32_t cp = n == 0 ? c : c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return line;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return line;
    }
    i += n + 1;
  }
  return 0;
}

YamlNode parse_yaml(const std::string& text, const std::string& file_name) {
  // Values end up in JSON request bodies and exports, which must be UTF-8.
  if (int line = invalid_utf8_line(text)) {
    throw ConfigError(file_name + ":" + std::to_string(line) +
                      ": not valid UTF-8; save the file as UTF-8");
  }
  // YAML's character set has no control characters but tab and line ends (PyYAML refuses
  // them too); yaml-cpp reads a NUL in a key as a byte that is not UTF-8.
  int line = 1;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') ++line;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      throw ConfigError(file_name + ":" + std::to_string(line) + ": control character " + hex +
                        " (YAML allows only tab and line ends); remove it or write it as an "
                        "escape in a double-quoted string");
    }
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(file_name + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML (" +
                      e.msg + ")");
  }
  return convert(root, file_name);
}

std::string emit_yaml(const YamlNode& node) {
  YAML::Emitter e;
  e.SetIndent(2);
  e.SetSeqFormat(YAML::Block);
  emit(e, node);
  std::string out = e.c_str();
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

bool scalar_is_null(const YamlNode& n) {
  if (n.is_null()) return true;
  if (!n.is_scalar() || n.quoted) return false;
  return n.text == "~" || n.text == "null" || n.text == "Null" || n.text == "NULL";
}

nlohmann::ordered_json to_json(const YamlNode& n) {
  using J = nlohmann::ordered_json;
  switch (n.type) {
    case YamlNode::Type::kNull:
      return nullptr;
    case YamlNode::Type::kScalar: {
      if (n.quoted) return n.text;
      if (scalar_is_null(n)) return nullptr;
      const std::string& s = n.text;
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
      static const std::regex kInt(R"(^[-+]?[0-9]+$)");
      static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
      if (std::regex_match(s, kInt)) {
        try {
          return J(std::stoll(s));
        } catch (const std::exception&) {
          return s;
        }
      }
      if (std::regex_match(s, kFloat)) {
        try {
          return J(std::stod(s));
        } catch (const std::exception&) {
          return s;  // out of a double's range: kept as text
        }
      }
      return s;
    }
    case YamlNode::Type::kSequence: {
      J arr = J::array();
      for (const auto& i : n.items) arr.push_back(to_json(i));
      return arr;
    }
    case YamlNode::Type::kMap: {
      J obj = J::object();
      for (const auto& [k, v] : n.fields) obj[k] = to_json(v);
      return obj;
    }
  }
  return nullptr;
}

YamlNode from_json(const nlohmann::ordered_json& j) {
  if (j.is_null()) return YamlNode{};
  if (j.is_object()) {
    YamlNode m = YamlNode::map();
    for (const auto& [k, v] : j.items()) m.fields.emplace_back(k, from_json(v));
    return m;
  }
  if (j.is_array()) {
    YamlNode s = YamlNode::seq();
    for (const auto& v : j) s.items.push_back(from_json(v));
    return s;
  }
  if (j.is_string()) return YamlNode::scalar(j.get<std::string>(), 0, true);
  return YamlNode::scalar(j.dump());
}

void deep_merge(YamlNode& base, const YamlNode& over) {
  if (base.is_map() && over.is_map()) {
    const auto bd = dist_keys(base);
    const auto od = dist_keys(over);
    if (!bd.empty() && !od.empty() && bd != od) {  // a different distribution kind
      base = over;
      return;
    }
    for (const auto& [k, v] : over.fields) {
      YamlNode* existing = base.find(to_snake(k));
      if (existing == nullptr) existing = const_cast<YamlNode*>(base.find_exact(k));
      if (existing) {
        deep_merge(*existing, v);
      } else {
        base.fields.emplace_back(k, v);
      }
    }
    return;
  }
  if (named_list(base) && named_list(over)) {
    for (const auto& o : over.items) {
      const std::string name = o.find_exact("name")->text;
      YamlNode* match = nullptr;
      for (auto& b : base.items) {
        if (b.find_exact("name")->text == name) match = &b;
      }
      if (match) {
        deep_merge(*match, o);
      } else {
        base.items.push_back(o);
      }
    }
    return;
  }
  base = over;
}

}  // namespace aiperf::config

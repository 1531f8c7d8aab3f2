// `artifacts.user_files` (AIPerf's UserFile): files of the user's own, rendered with `{{ }}` at
// run time and written into the run's artifact directory before it starts (config/user_files.h).
// Here they are checked as AIPerf checks them when it loads the file, and kept unrendered.
#include <nlohmann/json.hpp>

#include "aiperf/config/yaml_bindings.h"
#include "aiperf/config/yaml_reader.h"

namespace aiperf::config::detail {
namespace {

/// Why `p` cannot name a file inside the run's directory ("" when it can).
std::string bad_path(const std::string& p) {
  if (p.empty()) return "is empty";
  for (unsigned char c : p) {
    if (c < 32 || c == 127) return "contains a control character";
  }
  if (p.front() == '/') return "is absolute; give a path relative to the run's directory";
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    if (slash == std::string::npos) slash = p.size();
    if (p.compare(start, slash - start, "..") == 0 && slash - start == 2) {
      return "has a '..' part; files stay inside the run's directory";
    }
    start = slash + 1;
  }
  return "";
}

}  // namespace

void BodyMapper::user_files(const std::string& path, const YamlNode& n) {
  if (scalar_is_null(n)) return;
  if (!n.is_seq()) r_.fail(path, n, "expected a list of {path, format, content}");
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& item = n.items[i];
    const std::string ip = YamlReader::index(path, i);
    r_.expect_map(ip, item);
    r_.check_keys(ip, item, {"path", "format", "content"});
    const YamlNode* p = item.find("path");
    if (!p) r_.fail(ip, item, "'path' is required (a file name relative to the run's directory)");
    const std::string file = r_.text(YamlReader::child(ip, "path"), *p);
    if (std::string why = bad_path(file); !why.empty()) {
      r_.fail(YamlReader::child(ip, "path"), *p, "'" + file + "' " + why);
    }
    const YamlNode* content = item.find("content");
    if (!content) r_.fail(ip, item, "'content' is required");
    nlohmann::ordered_json c = to_json(*content);
    std::string format = c.is_string() ? "text" : "json";
    if (const YamlNode* f = item.find("format"); f && !scalar_is_null(*f)) {
      format = r_.choice(YamlReader::child(ip, "format"), *f, {"json", "yaml", "text"});
    }
    const std::string cp = YamlReader::child(ip, "content");
    if (format != "text" && c.is_string()) {
      r_.fail(cp, *content,
              "format " + format +
                  " needs structured content (a mapping, a list or a number); got a string: "
                  "wrap it in a mapping or set format: text");
    }
    if (format == "text" && !c.is_string()) {
      r_.fail(cp, *content, "format text needs string content; set format: json or yaml");
    }
    files.push_back({{"path", file}, {"format", format}, {"content", std::move(c)}});
  }
  out_.user_files_json = files.empty() ? "" : files.dump();
}

}  // namespace aiperf::config::detail

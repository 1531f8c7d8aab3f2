#include "aiperf/config/file_merge.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Header values of both sides, by name: the command line's replace the file's of the same name.
std::vector<std::string> merge_headers(const std::vector<std::string>& file,
                                       const std::vector<std::string>& cli) {
  std::vector<std::string> cli_names;
  for (const auto& v : cli) {
    try {
      for (const auto& [name, value] : parse_headers("--header", v)) {
        cli_names.push_back(lower(name));
      }
    } catch (const ConfigError&) {
      // the command line's own value is reported when it is applied
    }
  }
  std::vector<std::string> out;
  for (const auto& v : file) {
    const std::string name = lower(v.substr(0, v.find(':')));
    if (std::find(cli_names.begin(), cli_names.end(), name) == cli_names.end()) out.push_back(v);
  }
  out.insert(out.end(), cli.begin(), cli.end());
  return out;
}

/// --goodput "a:1 b:2" from the file and the command line, the command line's tags winning.
std::string merge_goodput(const std::string& file, const std::string& cli) {
  std::vector<std::string> cli_tags;
  for (size_t pos = 0; pos < cli.size();) {
    size_t end = cli.find_first_of(" \t", pos);
    std::string item = cli.substr(pos, end == std::string::npos ? end : end - pos);
    if (!item.empty()) cli_tags.push_back(item.substr(0, item.find(':')));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  std::string out;
  for (size_t pos = 0; pos < file.size();) {
    size_t end = file.find(' ', pos);
    std::string item = file.substr(pos, end == std::string::npos ? end : end - pos);
    const std::string tag = item.substr(0, item.find(':'));
    if (!item.empty() && std::find(cli_tags.begin(), cli_tags.end(), tag) == cli_tags.end()) {
      out += (out.empty() ? "" : " ") + item;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out.empty() ? cli : out + " " + cli;
}

bool given(const std::vector<std::vector<std::string>>& values, const char* flag) {
  const int i = option_index(flag);
  return i >= 0 && !values[size_t(i)].empty();
}

}  // namespace

int option_index(std::string_view name) {
  const auto& t = option_table();
  for (size_t i = 0; i < t.size(); ++i) {
    for (const auto& n : t[i].names) {
      if (n == name) return int(i);
    }
  }
  return -1;
}

void merge_file_options(const FileOptions& fo, std::vector<std::vector<std::string>>& values,
                        ParseState& st) {
  const std::vector<std::vector<std::string>> cli = values;
  for (const FileOption& o : fo.options) {
    const int idx = option_index(o.flag);
    if (idx < 0) {
      throw std::logic_error("config file key " + o.path + " maps to unknown option " + o.flag);
    }
    auto& slot = values[size_t(idx)];
    const auto& from_cli = cli[size_t(idx)];
    // Implicit schema defaults that a related command-line option makes moot.
    if (o.implicit) {
      if (o.flag == "--custom-dataset-type" && given(cli, "--input-file")) continue;
      if (o.flag == "--no-fixed-schedule" && given(cli, "--fixed-schedule")) continue;
    }
    // A switch the command line turns the other way (--no-x over the file's --x, and back).
    const std::string other =
        o.flag.rfind("--no-", 0) == 0 ? "--" + o.flag.substr(5) : "--no-" + o.flag.substr(2);
    if (option_index(other) >= 0 && given(cli, other.c_str())) continue;
    if (!from_cli.empty()) {
      if (o.flag == "--header") {
        slot = merge_headers(o.values, from_cli);
      } else if (o.flag == "--extra-inputs") {
        slot = o.values;  // the command line's keys are merged over the file's
        slot.insert(slot.end(), from_cli.begin(), from_cli.end());
      } else if (o.flag == "--goodput") {
        slot = {merge_goodput(o.values.front(), from_cli.back())};
      }
      continue;  // otherwise the command line wins
    }
    slot = o.values;
    const std::string& primary = option_table()[size_t(idx)].names.front();
    st.typed.emplace_back(primary, o.path);
  }
}

void check_merged(const FileOptions& fo, const std::vector<std::vector<std::string>>& values) {
  if (fo.needs_stop_condition && !given(values, "--request-count") &&
      !given(values, "--benchmark-duration") && !given(values, "--conversation-num") &&
      !given(values, "--fixed-schedule")) {
    throw ConfigError(fo.phase_path +
                      ": at least one of 'requests', 'duration', or 'sessions' must be "
                      "specified at " +
                      fo.file + ":" + std::to_string(fo.phase_line));
  }
  for (const FileOption& o : fo.options) {
    if (o.flag != "--api-key" && o.flag != "--header") continue;
    const auto& merged = values[size_t(option_index(o.flag))];
    for (const auto& v : merged) {
      if (v.find(kRedacted) == std::string::npos) continue;
      if (std::find(o.values.begin(), o.values.end(), v) == o.values.end()) continue;
      throw ConfigError(o.path + ": the secret was redacted when this file was written; pass it " +
                        (o.flag == "--api-key" ? std::string("with --api-key")
                                               : "with -H '" + v.substr(0, v.find(':')) + ":...'") +
                        " on the command line (or write it in the file) at " + fo.file + ":" +
                        std::to_string(o.line));
    }
  }
}

std::string locate(const FileOptions& fo, const std::string& message) {
  size_t best = std::string::npos;
  size_t best_len = 0;
  int line = 0;
  for (const FileOption& o : fo.options) {
    const size_t pos = message.find(o.path);
    if (pos == std::string::npos) continue;
    // The earliest mention; of paths found at the same place, the longest (most precise).
    if (best == std::string::npos || pos < best || (pos == best && o.path.size() > best_len)) {
      best = pos;
      best_len = o.path.size();
      line = o.line;
    }
  }
  if (best == std::string::npos) return " (in " + fo.file + ")";
  return line > 0 ? " at " + fo.file + ":" + std::to_string(line) : " (in " + fo.file + ")";
}

}  // namespace aiperf::config::detail

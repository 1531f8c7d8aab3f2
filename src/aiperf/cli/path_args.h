// The argument scanner of the subcommands that take run folders (`aiperf plot`,
// `aiperf speed-bench-report`): positional paths, `--paths P...` and `--empty-paths` (the
// cyclopts list spellings AIPerf accepts), `--flag value` and `--flag=value`.
#pragma once
#include <string>
#include <vector>

#include "aiperf/common/error.h"

namespace aiperf::cli {

class PathArgs {
 public:
  explicit PathArgs(const std::vector<std::string>& args) : args_(args) {}

  /// Moves to the next option (false after the last). Paths, `--paths` and `--empty-paths`
  /// are handled here (paths()); the caller sees every other option through flag().
  bool next() {
    while (++i_ < args_.size()) {
      flag_ = args_[i_];
      inline_ = false;
      if (auto eq = flag_.find('='); flag_.rfind("--", 0) == 0 && eq != std::string::npos) {
        value_ = flag_.substr(eq + 1);
        flag_ = flag_.substr(0, eq);
        inline_ = true;
      }
      if (!is_flag(flag_)) {
        paths_.push_back(flag_);
      } else if (flag_ == "--paths") {
        if (inline_) paths_.push_back(value_);
        while (!inline_ && i_ + 1 < args_.size() && !is_flag(args_[i_ + 1])) {
          paths_.push_back(args_[++i_]);
        }
      } else if (flag_ == "--empty-paths") {
        paths_.clear();
        emptied_ = true;
      } else {
        return true;
      }
    }
    return false;
  }
  const std::string& flag() const { return flag_; }
  /// The current option's value (after `=`, or the next argument).
  std::string value() {
    if (inline_) return value_;
    if (i_ + 1 >= args_.size() || is_flag(args_[i_ + 1])) {
      throw ConfigError(flag_ + ": missing value");
    }
    return args_[++i_];
  }
  const std::vector<std::string>& paths() const { return paths_; }
  bool emptied() const { return emptied_; }  // --empty-paths was given

 private:
  static bool is_flag(const std::string& a) { return a.size() > 1 && a[0] == '-'; }

  const std::vector<std::string>& args_;
  size_t i_ = size_t(-1);
  std::string flag_, value_;
  bool inline_ = false, emptied_ = false;
  std::vector<std::string> paths_;
};

}  // namespace aiperf::cli

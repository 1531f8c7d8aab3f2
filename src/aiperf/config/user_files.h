// `artifacts.user_files` of a config file (AIPerf's UserFile, docs/config-files.md): files of
// the user's own, their `{{ }}` rendered at run time and written into the run's artifact
// directory before the run starts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "aiperf/config/config.h"

namespace aiperf::config {

/// The names a user file's templates see besides the config's variables (AIPerf's run-time
/// context; these win over a variable of the same name).
struct UserFileRun {
  std::string epoch;         // Unix seconds when the run starts
  std::string job_name;      // the run directory's name
  std::string artifact_dir;  // the run directory, absolute
};

/// Renders Config::user_files_json with the variables and `run`, and writes each file under
/// run.artifact_dir (subfolders created). Returns warnings (a variable shadowed by a run-time
/// name). Throws ConfigError naming the file for an undefined name, an expression this build
/// cannot evaluate or a path that leaves the directory, and std::runtime_error when a file
/// cannot be written.
std::vector<std::string> write_user_files(const Config& cfg, const UserFileRun& run);

}  // namespace aiperf::config

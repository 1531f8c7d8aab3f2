// `aiperf profile -f FILE` when FILE asks for several runs (`sweep`, `multi_run`): one Config per
// variation of the file (config::expand_variations, each parsed with the command line on top),
// run by the study stage (study/study.h) with the file's multi_run / sweep settings.
#pragma once
#include <string>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/study/study.h"

namespace aiperf::cli {

/// `base` is parse_profile_args(args) of the same command line (its `study` holds the file's
/// multi_run and sweep settings). Returns the exit code; errors are printed as
/// "aiperf: error: ...". `opts` as for study::run_study (each run's observers).
int run_config_file_study(const std::vector<std::string>& args, const config::Config& base,
                          const study::StudyOptions& opts = {});

}  // namespace aiperf::cli

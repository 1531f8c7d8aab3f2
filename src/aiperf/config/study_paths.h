// Dotted paths of sweep parameters (AIPerf's dotted_path.py rules): bare names such as
// `concurrency` are sugar for `phases.profiling.concurrency`; paths are rooted at the
// `benchmark` body (no `benchmark.` prefix) or at `variables.`; `sweep.`, `multi_run.` and
// `random_seed` are not sweepable. Private to the config stage.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "aiperf/config/config_file.h"
#include "aiperf/config/yaml_reader.h"
#include "aiperf/config/yaml_tree.h"

namespace aiperf::config::detail {

/// The canonical path for `p`; std::invalid_argument with the reason when it is malformed.
std::string resolve_sweep_path(std::string_view p);

/// Sets `value` at dotted `path` under `root`: map keys by name (any spelling), lists of named
/// maps by entry name (`phases.profiling.rate`; `profiling` also finds the only non-warmup
/// phase). Missing map keys are created; a missing named entry is an error
/// (std::invalid_argument).
void set_at_path(YamlNode& root, const std::string& path, const YamlNode& value);

/// A grid sweep made from lists of numbers at a phase's magic keys (concurrency, rate,
/// requests, duration, sessions, users, ...), or nullopt when there are none.
std::optional<StudySpec::Sweep> magic_list_sweep(const YamlNode& envelope);

/// AIPerf's shorthands in the `benchmark` body, rewritten in place to the long forms: `model` ->
/// `models`, `dataset` -> `datasets: [{name: default, ...}]`, `warmup:` / `profiling:` ->
/// `phases: [...]`, a single phase mapping -> a one-entry list named profiling, top-level
/// `isl` / `osl` of a synthetic dataset -> `prompts`. Conflicting forms are errors.
void normalize_body(YamlNode& body, const YamlReader& r);

}  // namespace aiperf::config::detail

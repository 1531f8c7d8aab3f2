// SPEED-Bench dataset files (nvidia/SPEED-Bench, docs/datasets.md "SPEED-Bench"): AIPerf's 32
// `speed_bench_*` values of --custom-dataset-type, each the same reader with an optional
// category filter. Config keeps the name given in Config::speed_bench_format.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/config.h"

namespace aiperf::config {

/// One speed_bench_* format: its --custom-dataset-type name and the `category` its rows must
/// have ("" keeps every row: speed_bench_qualitative and speed_bench_throughput_<isl>).
struct SpeedBenchFormat {
  std::string name;
  std::string category;
};

/// Every speed_bench_* format in AIPerf's order: qualitative, the 11 qualitative categories,
/// throughput_<isl> for 1k..32k, then throughput_<isl>_<low_entropy|mixed|high_entropy>.
const std::vector<SpeedBenchFormat>& speed_bench_formats();

/// The format named `name`, or nullptr.
const SpeedBenchFormat* find_speed_bench_format(std::string_view name);

/// Every --custom-dataset-type name, in AIPerf's order (the CLI choices).
const std::vector<std::string>& custom_dataset_type_names();

/// The --custom-dataset-type name of `c` as given: speed_bench_<...> for a SPEED-Bench file,
/// else to_string(type). `c.custom_dataset_type` must be set.
std::string custom_dataset_format(const Config& c);

}  // namespace aiperf::config

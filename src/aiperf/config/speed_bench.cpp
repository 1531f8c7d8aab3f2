// The speed_bench_* format table (speed_bench.h).
#include "aiperf/config/speed_bench.h"

#include "aiperf/config/workload.h"

namespace aiperf::config {

const std::vector<SpeedBenchFormat>& speed_bench_formats() {
  static const std::vector<SpeedBenchFormat> kAll = [] {
    std::vector<SpeedBenchFormat> v{{"speed_bench_qualitative", ""}};
    for (const char* cat : {"coding", "humanities", "math", "multilingual", "qa", "rag",
                            "reasoning", "roleplay", "stem", "summarization", "writing"}) {
      v.push_back({std::string("speed_bench_") + cat, cat});
    }
    static constexpr const char* kIsl[] = {"1k", "2k", "8k", "16k", "32k"};
    for (const char* isl : kIsl) v.push_back({std::string("speed_bench_throughput_") + isl, ""});
    for (const char* isl : kIsl) {
      for (const char* cat : {"low_entropy", "mixed", "high_entropy"}) {
        v.push_back({std::string("speed_bench_throughput_") + isl + "_" + cat, cat});
      }
    }
    return v;
  }();
  return kAll;
}

const SpeedBenchFormat* find_speed_bench_format(std::string_view name) {
  for (const SpeedBenchFormat& f : speed_bench_formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::vector<std::string>& custom_dataset_type_names() {
  static const std::vector<std::string> kAll = [] {
    std::vector<std::string> v;
    using T = CustomDatasetType;
    for (T t :
         {T::kSingleTurn, T::kMultiTurn, T::kMooncakeTrace, T::kBailianTrace, T::kBurstGptTrace,
          T::kRandomPool, T::kRawPayload, T::kInputsJson, T::kSageMakerDataCapture}) {
      v.emplace_back(to_string(t));
    }
    for (const SpeedBenchFormat& f : speed_bench_formats()) v.push_back(f.name);
    return v;
  }();
  return kAll;
}

std::string custom_dataset_format(const Config& c) {
  if (*c.custom_dataset_type == CustomDatasetType::kSpeedBench) return c.speed_bench_format;
  return to_string(*c.custom_dataset_type);
}

}  // namespace aiperf::config

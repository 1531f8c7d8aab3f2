// Histogram bucket bounds of the servers the mock imitates (as their /metrics show them), one
// "view" per server, in a fixed order that metrics_render.cpp relies on. Times in seconds,
// lengths in tokens. Private to the mock stage.
#pragma once
#include <vector>

namespace aiperf::mock::buckets {

// View indices.
inline constexpr size_t kVllm = 0;    // also TensorRT-LLM (trtllm-serve uses vLLM's buckets)
inline constexpr size_t kSglang = 1;  // ttft, itl, e2e, queue
inline constexpr size_t kDynamo = 2;  // ttft, itl, e2e; lengths use index 1
inline constexpr size_t kAiperf = 3;  // ttft, itl, e2e
inline constexpr size_t kTriton = 4;  // ttft only (rendered in ms)
inline constexpr size_t kTgi = 4;     // itl, e2e; queue uses 2, lengths 2
inline constexpr size_t kLenDynamo = 1, kLenTgi = 2, kQueueTgi = 2;

inline std::vector<double> geometric(double first, double factor, int n) {
  std::vector<double> v;
  double x = first;
  for (int i = 0; i < n; ++i, x *= factor) v.push_back(x);
  return v;
}

/// Dynamo's worker request durations (dynamo_component_request_duration_seconds).
inline std::vector<std::vector<double>> dynamo_component_views() {
  return {{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0}};
}

inline std::vector<std::vector<double>> ttft_views() {
  return {
      {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,  0.25,  0.5,   0.75,
       1.0,   2.5,   5.0,  7.5,  10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0},
      {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,  0.25, 0.5,
       0.75,  1.0,   2.5,  5.0,  7.5,  10.0, 15.0, 20.0, 25.0, 30.0},
      {0.0, 0.0022, 0.0047, 0.01, 0.022, 0.047, 0.1, 0.22, 0.47, 1.0, 2.2, 4.7, 10.0, 22.0, 48.0,
       100.0, 220.0, 480.0},
      {0.00001, 0.000025, 0.00005, 0.000075, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005,
       0.0075,  0.01,     0.025,   0.05,     0.075,  0.1,     0.25,   0.5,     1.0,   2.5},
      {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0},  // Triton first response, 1 ms .. 5 s
  };
}

inline std::vector<std::vector<double>> itl_views() {
  return {
      {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
       20.0, 40.0, 80.0},
      {0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
       0.75, 1.0, 2.5},
      {0.0, 0.0019, 0.0035, 0.0067, 0.013, 0.024, 0.045, 0.084, 0.16, 0.3, 0.56, 1.1, 2.0},
      {0.000001, 0.0000025, 0.000005, 0.0000075, 0.00001, 0.000025, 0.00005, 0.000075, 0.0001,
       0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1},
      geometric(0.00015, 1.5, 35),  // TGI durations
  };
}

inline std::vector<std::vector<double>> e2e_views() {
  return {
      {0.3,  0.5,  0.8,  1.0,  1.5,   2.0,   2.5,   5.0,   10.0,   15.0,  20.0,
       30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0},
      {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0},
      {0.0, 1.9, 3.4, 6.3, 12.0, 22.0, 40.0, 75.0, 140.0, 260.0},
      {0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075,
       0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0},
      geometric(0.00015, 1.5, 35),
  };
}

inline std::vector<std::vector<double>> queue_views() {
  return {
      {0.3,  0.5,  0.8,  1.0,  1.5,   2.0,   2.5,   5.0,   10.0,   15.0,  20.0,
       30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0},
      {0.0, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0},
      geometric(0.00015, 1.5, 35),
  };
}

inline std::vector<std::vector<double>> length_views() {
  std::vector<double> tgi;
  for (int k = 1; k <= 100; ++k) tgi.push_back(5.12 * k);
  return {
      {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0,
       20000.0},
      {0.0, 100.0, 210.0, 430.0, 870.0, 1800.0, 3600.0, 7400.0, 15000.0, 31000.0, 63000.0,
       130000.0},
      tgi,
  };
}

}  // namespace aiperf::mock::buckets

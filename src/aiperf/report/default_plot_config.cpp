// The built-in plot configuration. Preset names, types, axes and defaults follow AIPerf's
// shipped configuration (spec §8.2); the distribution and per-user Pareto presets are ours
// (docs/plots.md).
#include "aiperf/report/plot_config.h"

namespace aiperf::report {

const std::string& default_plot_config_yaml() {
  static const std::string kYaml = R"YAML(# aiperf plot configuration.
#
# `aiperf plot` draws the plots named in the *_defaults lists below, using the presets
# defined under *_plots. Edit this file (~/.aiperf/plot_config.yaml) to change what is drawn;
# pass --config <file> to use another one. See docs/plots.md for every key.
#
# Axis values:
#   single run: a per-request metric tag (time_to_first_token, request_latency, ...) or one of
#               request_number, timestamp, timestamp_s, throughput_tokens_per_sec,
#               active_requests; time slices use the metric's header (source: timeslices).
#   several runs: <metric tag>_<stat> (request_latency_avg, time_to_first_token_p99, ...),
#               output_token_throughput_per_gpu_<stat> and gpu_utilization_<stat> when GPU
#               telemetry was collected, or concurrency.
#   groups: [model] | [run_name] | [experiment_group] | [concurrency]; labels: one column.

visualization:
  # Drawn when the paths hold several runs (a study, a sweep, or runs to compare).
  multi_run_defaults:
    - pareto_curve_throughput_per_gpu_vs_latency
    - pareto_curve_throughput_per_gpu_vs_interactivity
    - ttft_vs_throughput
    - latency_throughput_uncertainty
    - pareto_curve_throughput_per_user_vs_throughput
    - gpu_utilization_vs_throughput

  # Drawn for a single run.
  single_run_defaults:
    - ttft_over_time
    - ttft_timeline
    - itl_over_time
    - latency_over_time
    - timeslices_ttft
    - timeslices_itl
    - gpu_utilization_and_throughput_over_time
    - ttft_distribution
    - itl_distribution
    - latency_distribution

  multi_run_plots:
    pareto_curve_throughput_per_gpu_vs_latency:
      type: pareto
      x: request_latency_avg
      y: output_token_throughput_per_gpu_avg
      labels: [concurrency]
      groups: [model]
      title: "Pareto Curve: Token Throughput per GPU vs Latency"

    pareto_curve_throughput_per_gpu_vs_interactivity:
      type: scatter_line
      x: output_token_throughput_per_gpu_avg
      y: output_token_throughput_per_user_avg
      labels: [concurrency]
      groups: [model]
      title: "Pareto Curve: Token Throughput per GPU vs Interactivity"

    ttft_vs_throughput:
      type: scatter_line
      x: time_to_first_token_avg
      y: request_throughput_avg
      labels: [concurrency]
      groups: [model]
      title: "TTFT vs Throughput"

    latency_throughput_uncertainty:
      type: latency_throughput_uncertainty
      x: request_latency_avg
      y: output_token_throughput_avg
      labels: [concurrency]
      groups: [model]
      ci_level: 0.95
      title: "Latency vs Throughput (with confidence intervals over repeats)"

    pareto_curve_throughput_per_user_vs_throughput:
      type: pareto
      x: output_token_throughput_avg
      y: output_token_throughput_per_user_avg
      labels: [concurrency]
      groups: [model]
      title: "Pareto Curve: Throughput per User vs Total Throughput"

    gpu_utilization_vs_throughput:
      type: scatter_line
      x: output_token_throughput_avg
      y: gpu_utilization_avg
      labels: [concurrency]
      groups: [model]
      title: "GPU Utilization vs Throughput"

  single_run_plots:
    ttft_over_time:
      type: scatter
      x: request_number
      y: time_to_first_token
      title: "TTFT Per Request Over Time"

    ttft_timeline:
      type: request_timeline
      x: timestamp_s
      y: time_to_first_token
      title: "Request Timeline: TTFT"

    itl_over_time:
      type: scatter
      x: request_number
      y: inter_token_latency
      title: "Inter-Token Latency Per Request Over Time"

    latency_over_time:
      type: scatter_with_percentiles
      x: timestamp
      y: request_latency
      title: "Request Latency Over Time with Percentiles"

    dispersed_throughput_over_time:
      type: area
      x: timestamp_s
      y: throughput_tokens_per_sec
      title: "Dispersed Output Token Throughput Over Time"

    latency_percentile_bands:
      type: percentile_bands
      x: timestamp_s
      y: request_latency
      title: "Request Latency Percentile Bands Over Time"

    timeslices_ttft:
      type: histogram
      x: Timeslice
      y: Time to First Token
      stat: avg
      source: timeslices
      title: "Time to First Token Across Time Slices"
      use_slice_duration: true

    timeslices_itl:
      type: histogram
      x: Timeslice
      y: Inter Token Latency
      stat: avg
      source: timeslices
      title: "Inter Token Latency Across Time Slices"
      use_slice_duration: true

    timeslices_throughput:
      type: histogram
      x: Timeslice
      y: Request Throughput
      stat: avg
      source: timeslices
      title: "Request Throughput Across Time Slices"
      use_slice_duration: true

    timeslices_latency:
      type: histogram
      x: Timeslice
      y: Request Latency
      stat: avg
      source: timeslices
      title: "Request Latency Across Time Slices"
      use_slice_duration: true

    gpu_utilization_and_throughput_over_time:
      type: dual_axis
      x: timestamp_s
      y: throughput_tokens_per_sec
      y2: gpu_utilization
      title: "Output Token Throughput with GPU Utilization"
      primary_style:
        mode: lines
        line_shape: hv
      secondary_style:
        mode: lines
        fill: tozeroy
      supplementary_col: active_requests

    ttft_distribution:
      type: histogram
      y: time_to_first_token
      title: "Time to First Token Distribution"

    itl_distribution:
      type: histogram
      y: inter_token_latency
      title: "Inter-Token Latency Distribution"

    latency_distribution:
      type: histogram
      y: request_latency
      title: "Request Latency Distribution"

# Baseline/treatment colouring of runs in multi-run plots (uncomment to use). Patterns are
# globs on the run name; when enabled, runs are grouped by experiment_group.
# experiment_classification:
#   baselines:
#     - "*baseline*"
#   treatments:
#     - "*treatment*"
#   default: treatment
)YAML";
  return kYaml;
}

}  // namespace aiperf::report

// inputs.json (spec §6.1) for a dataset rebuilt just in time (docs/architecture.md "Datasets
// rendered just in time"): the renderer adds each conversation the first time the profiling
// phase prepares it, so the file is written as the run goes, in the order conversations were
// first used, and nothing is rendered twice or held. With AIPerf's default dataset size (one
// entry per request, sequential sampling) a run that completes lists every entry, in dataset
// order: the same file the held dataset writes (docs/differences.md).
#pragma once
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/endpoint/endpoint.h"

namespace aiperf::run {

class InputsJsonStream {
 public:
  /// Creates the file and writes its head; throws ConfigError naming --artifact-dir when it
  /// cannot. `n` conversations may be added. `cfg`, `ep` and `extra` outlive the stream.
  InputsJsonStream(const std::string& path, size_t n, const config::Config& cfg,
                   const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra);
  ~InputsJsonStream();
  InputsJsonStream(const InputsJsonStream&) = delete;
  InputsJsonStream& operator=(const InputsJsonStream&) = delete;

  /// Adds conversation `index` (its turn-0 body as sent; later turns rendered as the dataset
  /// lists them) unless it was added before. Thread-safe. A write error is kept, not thrown.
  void add(size_t index, const dataset::Conversation& conv, std::string_view first_body);
  /// Writes the tail and closes; returns the first write error ("" if none). Idempotent.
  std::string close();
  size_t entries() const;

 private:
  std::string path_;
  const config::Config& cfg_;
  const endpoint::Endpoint& ep_;
  const nlohmann::ordered_json* extra_;
  mutable std::mutex mu_;
  std::FILE* f_ = nullptr;
  std::vector<bool> written_;
  size_t entries_ = 0;
  std::string error_;
  std::string scratch_;
};

/// One entry of the "data" array: session id and every turn's payload (later turns rendered
/// without history, as the dataset lists them), appended to `out`.
void append_inputs_entry(std::string& out, const dataset::Conversation& conv,
                         std::string_view first_body, const config::Config& cfg,
                         const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra);

}  // namespace aiperf::run

#include "aiperf/common/log.h"

#include <filesystem>
#include <memory>
#include <vector>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace aiperf {

namespace {
spdlog::level::level_enum to_spd(LogSeverity s) {
  switch (s) {
    case LogSeverity::kTrace:
      return spdlog::level::trace;
    case LogSeverity::kDebug:
      return spdlog::level::debug;
    case LogSeverity::kInfo:
      return spdlog::level::info;
    case LogSeverity::kWarning:
      return spdlog::level::warn;
    case LogSeverity::kError:
      return spdlog::level::err;
    case LogSeverity::kCritical:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}
}  // namespace

void setup_logging(const std::string& file_path, LogSeverity level) {
  std::vector<spdlog::sink_ptr> sinks;
  auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  console->set_level(level <= LogSeverity::kDebug ? to_spd(level) : spdlog::level::warn);
  console->set_pattern("aiperf: %l: %v");
  sinks.push_back(console);
  if (!file_path.empty()) {
    std::filesystem::create_directories(std::filesystem::path(file_path).parent_path());
    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file_path, true);
    file->set_level(to_spd(level));
    file->set_pattern("%Y-%m-%d %H:%M:%S.%e %-8l %v");
    sinks.push_back(file);
  }
  auto logger = std::make_shared<spdlog::logger>("aiperf", sinks.begin(), sinks.end());
  logger->set_level(to_spd(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void shutdown_logging() {
  if (auto l = spdlog::default_logger()) l->flush();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("aiperf-null"));
}

}  // namespace aiperf

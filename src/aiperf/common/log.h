// Run logging (spec §6.1 `logs/aiperf.log`): spdlog's default logger writes every line at the
// configured level to the artifact directory's log file, and warnings and errors (or everything,
// at DEBUG/TRACE) to stderr as "aiperf: <level>: <message>". Cold paths only: I/O threads never
// log (DESIGN §3). Use spdlog::info(...), spdlog::warn(...), ... after setup_logging().
#pragma once
#include <string>

namespace aiperf {

enum class LogSeverity { kTrace, kDebug, kInfo, kWarning, kError, kCritical };

/// Installs the default logger: `file_path` ("" = no file; parent directories are created) at
/// `level`, stderr at `level` when it is kDebug or kTrace, else at kWarning.
void setup_logging(const std::string& file_path, LogSeverity level);

/// Flushes and drops the file sink (call before exiting).
void shutdown_logging();

}  // namespace aiperf

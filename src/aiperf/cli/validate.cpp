#include "aiperf/cli/validate.h"

#include <cstdio>
#include <optional>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/dataset/trace_tools.h"

namespace aiperf::cli {

namespace {
const char* kUsage =
    "Usage: aiperf validate mooncake-trace --input <path>\n\n"
    "Checks every line of a mooncake-style JSONL trace against the mooncake_trace format of\n"
    "--custom-dataset-type (fields, types, hash_ids, timestamps); stops after 10 bad lines.\n"
    "Exit code 0 when every row is valid, 1 when some are not.\n\n"
    "  mooncake-trace     the format to check (the only one)\n"
    "  --input <path>     the JSONL file (required)\n";
}  // namespace

int run_validate(const std::vector<std::string>& args) {
  std::optional<std::string> target, input;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--input" || a.rfind("--input=", 0) == 0) {
      if (a.size() > 7 && a[7] == '=') {
        input = a.substr(8);
      } else if (i + 1 < args.size()) {
        input = args[++i];
      } else {
        std::fprintf(stderr, "aiperf validate: error: --input: missing value (a JSONL path)\n");
        return 2;
      }
    } else if (a.rfind("-", 0) != 0 && !target) {
      target = a;
    } else {
      std::fprintf(stderr,
                   "aiperf validate: error: unexpected argument '%s' (usage: aiperf validate "
                   "mooncake-trace --input <path>)\n",
                   a.c_str());
      return 2;
    }
  }
  if (!target) {
    std::fprintf(stderr,
                 "aiperf validate: error: missing target (usage: aiperf validate mooncake-trace "
                 "--input <path>)\n");
    return 2;
  }
  if (*target != "mooncake-trace") {
    std::fprintf(stderr, "aiperf validate: error: unknown target '%s' (choices: mooncake-trace)\n",
                 target->c_str());
    return 2;
  }
  if (!input || input->empty()) {
    std::fprintf(stderr, "aiperf validate: error: --input <path> is required\n");
    return 2;
  }
  try {
    dataset::TraceValidation v = dataset::validate_mooncake_trace(*input);
    if (!v.errors.empty()) {
      std::printf("Validation failed with %zu error(s):\n", v.errors.size());
      for (const auto& e : v.errors) std::printf("  %s\n", e.c_str());
      return 1;
    }
    std::printf("Validation passed: %lld rows are Mooncake-compatible.\n",
                static_cast<long long>(v.rows));
    return 0;
  } catch (const InputError& e) {
    std::string msg = e.what();
    if (auto at = msg.find("--input-file"); at != std::string::npos) msg.replace(at, 12, "--input");
    std::fprintf(stderr, "aiperf validate: error: %s\n", msg.c_str());
    return 2;
  }
}

}  // namespace aiperf::cli

#include "aiperf/cli/synthesize.h"

#include <cstdio>
#include <optional>

#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/dataset/trace_tools.h"

namespace aiperf::cli {

namespace {
const char* kUsage =
    "Usage: aiperf synthesize --input-file <trace.jsonl> --output-file <out.jsonl> [options]\n\n"
    "Rewrites a mooncake-style trace with the --synthesis-* transforms of aiperf profile and\n"
    "writes it as JSONL (timestamps, input/output lengths and hash_ids).\n\n"
    "  --input-file <path>                        trace JSONL (required)\n"
    "  --output-file, --output <path>             output JSONL (required)\n"
    "  --synthesis-speedup-ratio <number>         divide timestamps [default: 1.0]\n"
    "  --synthesis-prefix-len-multiplier <number> scale shared prefixes [default: 1.0]\n"
    "  --synthesis-prefix-root-multiplier <int>   disjoint prefix trees [default: 1]\n"
    "  --synthesis-prompt-len-multiplier <number> scale unshared prompts [default: 1.0]\n"
    "  --synthesis-output-len-multiplier <number> scale output lengths [default: 1.0]\n"
    "  --synthesis-max-isl <int>                  drop rows above (count reported)\n"
    "  --synthesis-max-osl <int>                  cap output lengths\n"
    "  --isl-block-size, --block-size <int>       hash_ids block size [default: 512]\n"
    "  --random-seed, --seed <int>                seed of the prefix-root choice\n\n"
    "AIPerf's 'synthesize agentic-code' target is not available in this build.\n";
}  // namespace

int run_synthesize(const std::vector<std::string>& args) {
  config::Config cfg;
  std::optional<std::string> input, output;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "-h" || a == "--help") {
        std::fputs(kUsage, stdout);
        return 0;
      }
      if (i == 0 && a == "agentic-code") {
        throw ConfigError(
            "target 'agentic-code' is not available in this build; use --input-file/"
            "--output-file to rewrite a trace");
      }
      std::string name = a, value;
      bool inline_value = false;
      if (size_t eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      auto need = [&]() {
        if (!inline_value) {
          if (i + 1 >= args.size()) throw ConfigError(name + ": missing value");
          value = args[++i];
        }
      };
      if (name == "--input-file") {
        need();
        input = value;
      } else if (name == "--output-file" || name == "--output") {
        need();
        output = value;
      } else if (name == "--synthesis-speedup-ratio") {
        need();
        cfg.synthesis_speedup_ratio = config::parse_number(name, value, 0, false);
      } else if (name == "--synthesis-prefix-len-multiplier") {
        need();
        cfg.synthesis_prefix_len_multiplier = config::parse_number(name, value, 0, false);
      } else if (name == "--synthesis-prefix-root-multiplier") {
        need();
        cfg.synthesis_prefix_root_multiplier = config::parse_int_at_least(name, value, 1);
      } else if (name == "--synthesis-prompt-len-multiplier") {
        need();
        cfg.synthesis_prompt_len_multiplier = config::parse_number(name, value, 0, false);
      } else if (name == "--synthesis-output-len-multiplier") {
        need();
        cfg.synthesis_output_len_multiplier = config::parse_number(name, value, 0, false);
      } else if (name == "--synthesis-max-isl") {
        need();
        cfg.synthesis_max_isl = config::parse_int_at_least(name, value, 1);
      } else if (name == "--synthesis-max-osl") {
        need();
        cfg.synthesis_max_osl = config::parse_int_at_least(name, value, 1);
      } else if (name == "--isl-block-size" || name == "--block-size") {
        need();
        cfg.isl_block_size = config::parse_int_at_least(name, value, 1);
      } else if (name == "--random-seed" || name == "--seed") {
        need();
        cfg.random_seed = uint64_t(config::parse_int_at_least(name, value, 0));
      } else {
        throw ConfigError("unknown option " + a + " (see aiperf synthesize --help)");
      }
    }
    if (!input) throw ConfigError("--input-file is required (the trace to rewrite)");
    if (!output) throw ConfigError("--output-file is required (where to write the new trace)");
    if (!cfg.random_seed) cfg.random_seed = 42;  // AIPerf's synthesize default seed
    auto o = dataset::synthesize_trace_file(*input, *output, cfg);
    std::printf("Wrote %lld rows to %s\n", (long long)o.written, output->c_str());
    if (o.skipped_over_max_isl > 0) {
      std::printf("Left out %lld rows with input_length above --synthesis-max-isl\n",
                  (long long)o.skipped_over_max_isl);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf synthesize: error: %s\n", e.what());
    return 2;
  }
}

}  // namespace aiperf::cli

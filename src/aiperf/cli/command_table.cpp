#include "aiperf/cli/command_table.h"

namespace aiperf::cli {
namespace {

config::OptionDoc opt(std::vector<std::string> names, bool value, std::string help,
                      std::string metavar = "", bool file = false,
                      std::vector<std::string> choices = {}) {
  config::OptionDoc d;
  d.names = std::move(names);
  d.takes_value = value;
  d.help = std::move(help);
  d.metavar = std::move(metavar);
  d.file_value = file;
  d.choices = std::move(choices);
  return d;
}

CommandDoc command(std::string name, std::string summary, std::vector<config::OptionDoc> options,
                   std::vector<CommandDoc> subcommands = {},
                   std::vector<std::string> positionals = {}, bool file_positional = false) {
  CommandDoc c;
  c.name = std::move(name);
  c.summary = std::move(summary);
  c.options = std::move(options);
  c.subcommands = std::move(subcommands);
  c.positionals = std::move(positionals);
  c.file_positional = file_positional;
  return c;
}

config::OptionDoc help_opt() {
  return opt({"--help", "-h"}, false, "Show the help of the command and exit.");
}

CommandDoc build() {
  CommandDoc root;
  root.name = "aiperf";
  root.summary = "Benchmark generative-AI inference servers (AIPerf-compatible).";
  root.options = {
      help_opt(),
      opt({"--version"}, false, "Show the version and exit."),
      opt({"--install-completion"}, false,
          "Install shell completion for aiperf (with --shell and -o/--output)."),
      opt({"--shell"}, true, "With --install-completion: the shell (default: from $SHELL).",
          "bash|zsh|fish", false, {"bash", "zsh", "fish"}),
      opt({"--output", "-o"}, true,
          "With --install-completion: write the script to this file (- for stdout).", "<path>",
          true),
  };

  CommandDoc analyze = command(
      "analyze-trace", "Statistics of a mooncake-style trace (lengths, prefix reuse).",
      {opt({"--input-file"}, true, "The trace to analyze (JSONL).", "<path>", true),
       opt({"--block-size"}, true, "Tokens per hash_ids block.", "<int>"),
       opt({"--output-file"}, true, "Also write the analysis as JSON here.", "<path>", true),
       help_opt()},
      {}, {}, true);

  CommandDoc init = command(
      "init", "Write a config file from a bundled template.",
      {opt({"--template", "-t"}, true, "Template to write (see --list).", "<name>"),
       opt({"--list", "-l"}, false, "List the templates by category."),
       opt({"--search", "-s"}, true, "List the templates matching a word.", "<text>"),
       opt({"--category", "-c"}, true, "With --list: only this category.", "<name>"),
       opt({"--verbose", "-v"}, false, "Also show tags and difficulty."),
       opt({"--model", "-m"}, true, "Put this model name in the template.", "<name>"),
       opt({"--url", "-u"}, true, "Put this endpoint URL in the template.", "<url>"),
       opt({"--output", "-o"}, true, "Write to this file instead of stdout.", "<path>", true),
       help_opt()});
  CommandDoc expand =
      command("expand", "List the runs (sweep variations) a config file turns into.",
              {opt({"--config-file"}, true, "The config file.", "<path>", true),
               opt({"--full", "-F"}, false, "Also print each run's benchmark body."),
               opt({"--index", "-i"}, true, "Only this run (zero-based; implies --full).", "<int>"),
               opt({"--format", "-f"}, true, "Output format.", "text|yaml|json", false,
                   {"text", "yaml", "json"}),
               help_opt()},
              {}, {}, true);
  CommandDoc validate_cfg = command(
      "validate", "Check a config file the way aiperf profile -f reads it.",
      {opt({"--config-file"}, true, "The config file.", "<path>", true), help_opt()}, {}, {}, true);
  CommandDoc config = command("config", "Config files: init (from a template), expand, validate.",
                              {help_opt()}, {init, expand, validate_cfg});

  CommandDoc profile = command("profile", "Run a benchmark against an OpenAI-compatible server.",
                               config::profile_option_docs());

  CommandDoc synthesize = command(
      "synthesize", "Rewrite a trace with the --synthesis-* transforms.",
      {opt({"--input-file"}, true, "The trace to rewrite.", "<path>", true),
       opt({"--output-file", "--output"}, true, "Where to write the rewritten trace.", "<path>",
           true),
       opt({"--isl-block-size", "--block-size"}, true, "Tokens per hash_ids block.", "<int>"),
       opt({"--random-seed", "--seed"}, true, "Seed of the random choices.", "<int>"),
       opt({"--synthesis-speedup-ratio"}, true, "Divide the timestamps by this.", "<number>"),
       opt({"--synthesis-prefix-len-multiplier"}, true, "Scale the shared prefixes.", "<number>"),
       opt({"--synthesis-prefix-root-multiplier"}, true, "Copies of each prefix tree.", "<int>"),
       opt({"--synthesis-prompt-len-multiplier"}, true, "Scale the unique prompt parts.",
           "<number>"),
       opt({"--synthesis-output-len-multiplier"}, true, "Scale the output lengths.", "<number>"),
       opt({"--synthesis-max-isl"}, true, "Drop records with a longer input.", "<int>"),
       opt({"--synthesis-max-osl"}, true, "Cap the output lengths.", "<int>"), help_opt()});

  CommandDoc tokenize = command(
      "tokenize", "Count or list the tokens of a text with a tokenizer.",
      {opt({"--tokenizer"}, true, "builtin, a tokenizer.json, a .tiktoken file or a hub id.",
           "<name|path>", true),
       opt({"--tokenizer-revision"}, true, "Hub revision.", "<revision>"),
       opt({"--tokenizer-trust-remote-code"}, false, "Accepted for compatibility."),
       opt({"--add-special-tokens"}, false, "Apply the post-processor."),
       opt({"--ids"}, false, "Print the token ids instead of the count."),
       opt({"--decode"}, false, "Also print the ids decoded back to text."),
       opt({"--input-file"}, true, "JSONL file with {\"text\": ...} per line.", "<path>", true),
       help_opt()});

  CommandDoc validate =
      command("validate", "Check a trace file (validate mooncake-trace --input <path>).",
              {opt({"--input"}, true, "The file to check.", "<path>", true), help_opt()}, {},
              {"mooncake-trace"});

  const std::vector<std::string> themes = {"light", "dark"};
  CommandDoc compare = command(
      "compare", "Compare runs: key metrics side by side, change and noise.",
      {opt({"--files", "-f"}, true, "The runs (same as positional arguments).", "<path>...", true),
       opt({"--fail-on-regression"}, true,
           "Exit 1 when a metric is worse than the baseline by more than this percent.", "<pct>"),
       opt({"--output"}, true, "Also write <dir>/compare.html.", "<dir>", true),
       opt({"--theme"}, true, "HTML colours.", "light|dark", false, themes), help_opt()},
      {}, {}, true);
  CommandDoc plot = command(
      "plot", "Plots and an HTML report of runs (or serve it: --dashboard).",
      {opt({"--paths"}, true, "Run directories, folders of runs, or globs.", "<path>...", true),
       opt({"--empty-paths"}, false, "Forget the paths given so far."),
       opt({"--output"}, true, "Where to write (default: <first path>/plots).", "<dir>", true),
       opt({"--theme"}, true, "Colours.", "light|dark", false, themes),
       opt({"--config"}, true, "Plot configuration.", "<yaml>", true),
       opt({"--html"}, false, "Also write <output>/report.html (the default)."),
       opt({"--no-html"}, false, "Do not write the HTML report."),
       opt({"--verbose", "-v"}, false, "Print every file written and every plot left out."),
       opt({"--no-verbose"}, false, "The default."),
       opt({"--dashboard"}, false, "Serve the HTML report over HTTP instead of writing files."),
       opt({"--host"}, true, "Dashboard address.", "<host>"),
       opt({"--port"}, true, "Dashboard port.", "<int>"), help_opt()},
      {}, {}, true);
  CommandDoc plugins =
      command("plugins", "List the plugin registries (endpoints, datasets, ...).",
              {opt({"--all", "-a"}, false, "Every category and its types."),
               opt({"--validate", "-v"}, false, "Check the registries."),
               opt({"--category"}, true, "Only this category.", "<name>"),
               opt({"--name"}, true, "Only this type.", "<name>"),
               opt({"--plugin"}, true, "Load this plugin shared object first.", "<path>", true),
               help_opt()});

  CommandDoc speed_bench = command(
      "speed-bench-report", "SPEED-Bench matrix (models x categories) of several runs.",
      {opt({"--paths"}, true, "Run directories or folders of runs (same as positional arguments).",
           "<path>...", true),
       opt({"--empty-paths"}, false, "Forget the paths given so far."),
       opt({"--output"}, true, "The CSV to write (default: speed_bench_report.csv).", "<file>",
           true),
       opt({"--format"}, true, "What to produce.", "csv|table|both", false,
           {"csv", "table", "both"}),
       opt({"--metric"}, true, "The value of each cell.", "accept_length|accept_rate|throughput",
           false, {"accept_length", "accept_rate", "throughput"}),
       help_opt()},
      {}, {}, true);

  CommandDoc genai_perf =
      command("genai-perf", "GenAI-Perf's command line (also: this binary run as genai-perf).",
              {help_opt()}, {}, {"profile", "compare"});

  root.subcommands = {analyze, compare,     config,     genai_perf, plot,    plugins,
                      profile, speed_bench, synthesize, tokenize,   validate};
  return root;
}

}  // namespace

const CommandDoc& command_tree() {
  static const CommandDoc kTree = build();
  return kTree;
}

}  // namespace aiperf::cli

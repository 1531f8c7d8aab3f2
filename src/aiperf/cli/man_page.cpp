// aiperf(1) in troff, from the command tree (command_table.h), the option table and the
// environment table; aiperf-mock-server(1) from that program's --help.
#include <sstream>

#include "aiperf/cli/cli.h"
#include "aiperf/cli/command_table.h"
#include "aiperf/common/env.h"

namespace aiperf::cli {
namespace {

/// Text for troff: backslashes escaped, dashes as \-, a leading dot or quote neutralized.
std::string esc(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\') {
      out += "\\e";
    } else if (ch == '-') {
      out += "\\-";
    } else {
      out += ch;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string option_line(const config::OptionDoc& o) {
  std::string names;
  // Short names first, as in --help.
  std::vector<std::string> ordered;
  for (const auto& n : o.names) {
    if (n.rfind("--", 0) != 0) ordered.push_back(n);
  }
  for (const auto& n : o.names) {
    if (n.rfind("--", 0) == 0) ordered.push_back(n);
  }
  for (size_t i = 0; i < ordered.size(); ++i) {
    names += (i ? ", " : "") + std::string("\\fB") + esc(ordered[i]) + "\\fR";
  }
  if (o.takes_value && !o.metavar.empty()) names += " \\fI" + esc(o.metavar) + "\\fR";
  std::string text = ".TP\n" + names + "\n" + esc(o.help);
  if (!o.default_text.empty()) text += " [default: " + esc(o.default_text) + "]";
  return text + "\n";
}

void command_section(const CommandDoc& c, const std::string& path, std::string& s) {
  if (c.name != "profile") {
    s += ".SS \"aiperf " + esc(path) + "\"\n" + esc(c.summary) + "\n";
    for (const auto& o : c.options) s += option_line(o);
  }
  for (const auto& sub : c.subcommands) command_section(sub, path + " " + sub.name, s);
}

}  // namespace

std::string man_page() {
  const CommandDoc& root = command_tree();
  std::string s;
  s += ".\\\" aiperf(1), generated from the program's option tables (aiperf-docgen man).\n";
  s += ".TH AIPERF 1 \"\" \"aiperf " + std::string(kVersion) + "\" \"User Commands\"\n";
  s += ".SH NAME\naiperf \\- benchmark generative\\-AI inference servers (AIPerf\\-compatible)\n";
  s += ".SH SYNOPSIS\n.B aiperf\n.I command\n[\\fIoptions\\fR]\n.br\n.B aiperf profile "
       "\\-m\n.I model\n[\\fB\\-u\\fR \\fIurl\\fR] [\\fIoptions\\fR]\n.br\n.B aiperf profile "
       "\\-f\n.I config.yaml\n[\\fIoptions\\fR]\n";
  s += ".SH DESCRIPTION\n"
       "aiperf sends generated or recorded prompts to an OpenAI\\-compatible inference server at a "
       "chosen concurrency or request rate, measures every request (time to first token, "
       "inter\\-token latency, request latency, throughput, goodput) and writes the results as "
       "AIPerf does: profile_export_aiperf.json and .csv, profile_export.jsonl, inputs.json and "
       "run_config.yaml (the run's effective configuration) in the artifact directory.\n"
       ".PP\nThe command line and the YAML config files are those of NVIDIA AIPerf.\n";
  s += ".SH COMMANDS\n";
  for (const auto& c : root.subcommands)
    s += ".TP\n.B " + esc(c.name) + "\n" + esc(c.summary) + "\n";
  s += ".SH OPTIONS\n";
  for (const auto& o : root.options) s += option_line(o);
  s += ".SH \"PROFILE OPTIONS\"\n";
  std::string group;
  for (const auto& sub : root.subcommands) {
    if (sub.name != "profile") continue;
    for (const auto& o : sub.options) {
      if (o.group != group) {
        group = o.group;
        s += ".SS \"" + esc(group) + "\"\n";
      }
      s += option_line(o);
    }
  }
  s += ".SH \"OTHER COMMANDS\"\n";
  for (const auto& sub : root.subcommands) command_section(sub, sub.name, s);
  s += ".SH \"CONFIG FILES\"\n"
       "\\fBaiperf profile \\-f\\fR \\fIFILE\\fR reads an AIPerf YAML config (envelope keys "
       "\\fBbenchmark\\fR, \\fBsweep\\fR, \\fBmulti_run\\fR, \\fBvariables\\fR, "
       "\\fBrandom_seed\\fR); options given on the command line override the file. \\fBaiperf "
       "config init \\-\\-list\\fR shows the bundled templates.\n";
  s += ".SH ENVIRONMENT\n";
  for (const auto& v : env::table()) {
    s += ".TP\n.B " + esc(v.name) + "\n" + esc(v.meaning);
    if (*v.default_text) s += " [default: " + esc(v.default_text) + "]";
    s += "\n";
  }
  s += ".SH \"EXIT STATUS\"\n.TP\n.B 0\nSuccess.\n.TP\n.B 1\nThe benchmark ran but failed (for "
       "example every request errored).\n.TP\n.B 2\nUsage or configuration error, reported "
       "before any connection is made.\n.TP\n.B 130\nInterrupted.\n";
  s += ".SH \"SEE ALSO\"\n.BR aiperf\\-mock\\-server (1)\n";
  return s;
}

std::string man_page_from_help(const std::string& program, const std::string& summary,
                               const std::string& help_text) {
  std::string upper = program;
  for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  std::string s = ".\\\" " + program + "(1), generated from its --help (aiperf-docgen).\n";
  s += ".TH " + esc(upper) + " 1 \"\" \"aiperf " + std::string(kVersion) + "\" \"User Commands\"\n";
  s += ".SH NAME\n" + esc(program) + " \\- " + esc(summary) + "\n";
  s += ".SH SYNOPSIS\n.B " + esc(program) + "\n[\\fIoptions\\fR]\n";
  s += ".SH OPTIONS\n.nf\n";
  std::istringstream in(help_text);
  std::string line;
  while (std::getline(in, line)) s += esc(line) + "\n";
  s += ".fi\n.SH \"SEE ALSO\"\n.BR aiperf (1)\n";
  return s;
}

}  // namespace aiperf::cli

// Shell completion scripts for bash, zsh and fish, generated from the command tree
// (command_table.h; profile's options are the option table), and --install-completion.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "aiperf/cli/command_table.h"
#include "aiperf/common/env.h"
#include "aiperf/common/error.h"

namespace aiperf::cli {
namespace {

namespace fs = std::filesystem;
using config::OptionDoc;

/// The first sentence of a help text, short enough for a completion menu.
std::string brief(const std::string& help) {
  std::string s = help.substr(0, help.find(". "));
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s.size() > 70) s = s.substr(0, 67) + "...";
  return s;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

/// Every command path below the root ("profile", "config init", ...), depth first.
void paths(const CommandDoc& c, const std::string& prefix,
           std::vector<std::pair<std::string, const CommandDoc*>>& out) {
  for (const auto& s : c.subcommands) {
    const std::string p = prefix.empty() ? s.name : prefix + " " + s.name;
    out.emplace_back(p, &s);
    paths(s, p, out);
  }
}

// ------------------------------------------------------------------ bash
std::string bash() {
  const CommandDoc& root = command_tree();
  std::vector<std::pair<std::string, const CommandDoc*>> all;
  paths(root, "", all);
  std::string s =
      "# bash completion for aiperf (generated from its option table; aiperf "
      "--install-completion)\n"
      "_aiperf() {\n"
      "  local cur prev words cword\n"
      "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
      "  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  local cmd=\"\" w i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${COMP_WORDS[i]}\"\n"
      "    case \"$cmd|$w\" in\n";
  for (const auto& [path, c] : all) {
    const auto sp = path.rfind(' ');
    const std::string parent = sp == std::string::npos ? "" : path.substr(0, sp);
    s += "      \"" + parent + "|" + c->name + "\") cmd=\"" + path + "\" ;;\n";
  }
  s += "    esac\n  done\n";
  // Values of the previous option.
  s += "  case \"$cmd|$prev\" in\n";
  auto value_cases = [&](const std::string& path, const CommandDoc& c) {
    for (const auto& o : c.options) {
      if (!o.takes_value) continue;
      std::string pattern;
      for (const auto& n : o.names) {
        if (!pattern.empty()) pattern += '|';
        pattern.append("\"").append(path).append("|").append(n).append("\"");
      }
      if (!o.choices.empty()) {
        s += "    " + pattern + ") COMPREPLY=($(compgen -W \"" + join(o.choices, " ") +
             "\" -- \"$cur\")); return ;;\n";
      } else if (o.file_value) {
        s += "    " + pattern + ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
      } else {
        s += "    " + pattern + ") return ;;\n";
      }
    }
  };
  value_cases("", root);
  for (const auto& [path, c] : all) value_cases(path, *c);
  s += "  esac\n";
  // Words at this position.
  s += "  case \"$cmd\" in\n";
  auto words = [&](const std::string& path, const CommandDoc& c) {
    std::vector<std::string> w;
    for (const auto& sub : c.subcommands) w.push_back(sub.name);
    for (const auto& p : c.positionals) w.push_back(p);
    for (const auto& o : c.options) w.insert(w.end(), o.names.begin(), o.names.end());
    s += "    \"" + path + "\") COMPREPLY=($(compgen -W \"" + join(w, " ") + "\" -- \"$cur\"))";
    if (c.file_positional) s += "; [[ $cur != -* ]] && COMPREPLY+=($(compgen -f -- \"$cur\"))";
    s += " ;;\n";
  };
  words("", root);
  for (const auto& [path, c] : all) words(path, *c);
  s += "  esac\n}\ncomplete -o filenames -F _aiperf aiperf\n";
  return s;
}

// ------------------------------------------------------------------ zsh
std::string zsh_escape(std::string text) {
  std::string out;
  for (char ch : text) {
    if (ch == '[') ch = '(';
    if (ch == ']') ch = ')';
    if (ch == '\'') {
      out += "'\\''";
      continue;
    }
    if (ch == ':' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::string zsh_spec(const OptionDoc& o) {
  std::string action;
  if (o.takes_value) {
    std::string meta = o.metavar.empty() ? "value" : o.metavar;
    if (!o.choices.empty()) {
      action = ":" + zsh_escape(meta) + ":(" + join(o.choices, " ") + ")";
    } else if (o.file_value) {
      action = ":" + zsh_escape(meta) + ":_files";
    } else {
      action = ":" + zsh_escape(meta) + ": ";
    }
  }
  std::string names = o.names.size() == 1 ? o.names.front() : "{" + join(o.names, ",") + "}";
  std::string excl = o.names.size() > 1 ? "'(" + join(o.names, " ") + ")'" : "";
  return "    " + excl + names + "'[" + zsh_escape(brief(o.help)) + "]" + action + "'";
}

void zsh_function(const CommandDoc& c, const std::string& fname, std::string& s) {
  for (const auto& sub : c.subcommands) zsh_function(sub, fname + "_" + sub.name, s);
  s += fname + "() {\n";
  if (c.subcommands.empty()) {
    s += "  _arguments -s \\\n";
    for (const auto& o : c.options) s += zsh_spec(o) + " \\\n";
    if (!c.positionals.empty()) s += "    '1:target:(" + join(c.positionals, " ") + ")' \\\n";
    if (c.file_positional) s += "    '*:file:_files' \\\n";
    s += "    && return 0\n}\n";
    return;
  }
  s += "  local curcontext=\"$curcontext\" state line\n  local -a commands\n  commands=(\n";
  for (const auto& sub : c.subcommands) {
    s += "    '" + sub.name + ":" + zsh_escape(brief(sub.summary)) + "'\n";
  }
  s += "  )\n  _arguments -C \\\n";
  for (const auto& o : c.options) s += zsh_spec(o) + " \\\n";
  s += "    '1: :->command' '*:: :->args' && return 0\n";
  s += "  case $state in\n    command) _describe -t commands command commands ;;\n"
       "    args)\n      case $words[1] in\n";
  for (const auto& sub : c.subcommands) {
    s += "        " + sub.name + ") " + fname + "_" + sub.name + " ;;\n";
  }
  s += "      esac ;;\n  esac\n}\n";
}

std::string zsh() {
  std::string s =
      "#compdef aiperf\n# zsh completion for aiperf (generated from its option table; aiperf "
      "--install-completion)\n";
  std::string fname = "_aiperf";
  zsh_function(command_tree(), fname, s);
  s += "\nif [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n  _aiperf \"$@\"\nelse\n"
       "  compdef _aiperf aiperf\nfi\n";
  return s;
}

// ------------------------------------------------------------------ fish
std::string fish_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

void fish_options(const CommandDoc& c, const std::string& condition, std::string& s) {
  for (const auto& o : c.options) {
    std::string line = "complete -c aiperf -n '" + condition + "'";
    for (const auto& n : o.names) {
      if (n.rfind("--", 0) == 0) {
        line += " -l " + n.substr(2);
      } else if (n.size() == 2) {
        line += " -s " + n.substr(1);
      } else {
        line += " -o " + n.substr(1);  // old-style long option such as -vv
      }
    }
    if (o.takes_value) {
      line += o.file_value ? " -r -F" : " -r -f";
      if (!o.choices.empty()) line += " -a '" + fish_escape(join(o.choices, " ")) + "'";
    }
    line += " -d '" + fish_escape(brief(o.help)) + "'\n";
    s += line;
  }
}

std::string fish() {
  const CommandDoc& root = command_tree();
  std::string s =
      "# fish completion for aiperf (generated from its option table; aiperf "
      "--install-completion)\n"
      "complete -c aiperf -f\n";
  std::vector<std::string> top;
  for (const auto& sub : root.subcommands) top.push_back(sub.name);
  const std::string none = "not __fish_seen_subcommand_from " + join(top, " ");
  fish_options(root, none, s);
  for (const auto& sub : root.subcommands) {
    s += "complete -c aiperf -n '" + none + "' -a " + sub.name + " -d '" +
         fish_escape(brief(sub.summary)) + "'\n";
  }
  for (const auto& sub : root.subcommands) {
    const std::string in = "__fish_seen_subcommand_from " + sub.name;
    if (!sub.subcommands.empty()) {
      std::vector<std::string> names;
      for (const auto& s2 : sub.subcommands) names.push_back(s2.name);
      const std::string none2 = in + "; and not __fish_seen_subcommand_from " + join(names, " ");
      fish_options(sub, none2, s);
      for (const auto& s2 : sub.subcommands) {
        s += "complete -c aiperf -n '" + none2 + "' -a " + s2.name + " -d '" +
             fish_escape(brief(s2.summary)) + "'\n";
        const std::string in2 = in + "; and __fish_seen_subcommand_from " + s2.name;
        fish_options(s2, in2, s);
        if (s2.file_positional) s += "complete -c aiperf -n '" + in2 + "' -F\n";
      }
      continue;
    }
    fish_options(sub, in, s);
    for (const auto& p : sub.positionals) {
      s += "complete -c aiperf -n '" + in + "' -a " + p + "\n";
    }
    if (sub.file_positional) s += "complete -c aiperf -n '" + in + "' -F\n";
  }
  return s;
}

std::string home_path(const char* xdg, const char* fallback) {
  if (auto v = env::raw(xdg)) return *v;
  return env::string("HOME", ".") + "/" + fallback;
}

}  // namespace

std::string completion_script(const std::string& shell) {
  if (shell == "bash") return bash();
  if (shell == "zsh") return zsh();
  if (shell == "fish") return fish();
  throw std::invalid_argument("unsupported shell '" + shell + "' (choose bash, zsh or fish)");
}

int install_completion(const std::vector<std::string>& args) {
  std::string shell, output;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw ConfigError(a + ": missing value");
      return args[++i];
    };
    if (a == "--shell") {
      shell = value();
    } else if (a.rfind("--shell=", 0) == 0) {
      shell = a.substr(8);
    } else if (a == "--output" || a == "-o") {
      output = value();
    } else if (a.rfind("--output=", 0) == 0) {
      output = a.substr(9);
    } else {
      throw ConfigError("--install-completion: unexpected argument '" + a +
                        "' (options: --shell bash|zsh|fish, -o/--output PATH)");
    }
  }
  if (shell.empty()) {
    const std::string sh = env::string("SHELL", "");
    shell = sh.substr(sh.rfind('/') == std::string::npos ? 0 : sh.rfind('/') + 1);
    if (shell != "bash" && shell != "zsh" && shell != "fish") {
      throw ConfigError("--install-completion: cannot tell the shell from $SHELL ('" + sh +
                        "'); pass --shell bash, zsh or fish");
    }
  }
  std::string script;
  try {
    script = completion_script(shell);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("--shell: ") + e.what());
  }
  if (output == "-") {
    std::fputs(script.c_str(), stdout);
    return kExitOk;
  }
  std::string hint;
  if (output.empty()) {
    if (shell == "bash") {
      output = home_path("XDG_DATA_HOME", ".local/share") + "/bash-completion/completions/aiperf";
      hint = "bash-completion loads it in new shells (or: source " + output + ")";
    } else if (shell == "zsh") {
      output = env::string("HOME", ".") + "/.zfunc/_aiperf";
      hint =
          "add to ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath); autoload -Uz compinit && "
          "compinit";
    } else {
      output = home_path("XDG_CONFIG_HOME", ".config") + "/fish/completions/aiperf.fish";
      hint = "fish loads it in new shells";
    }
  }
  std::error_code ec;
  const fs::path p(output);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream f(p, std::ios::binary);
  if (!(f << script)) {
    std::fprintf(stderr, "aiperf: error: --install-completion: cannot write '%s'\n",
                 output.c_str());
    return kExitBenchmarkFailed;
  }
  std::printf("Installed %s completion for aiperf to %s\n", shell.c_str(), output.c_str());
  if (!hint.empty()) std::printf("%s\n", hint.c_str());
  return kExitOk;
}

}  // namespace aiperf::cli

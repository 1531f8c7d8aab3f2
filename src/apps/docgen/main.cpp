// aiperf-docgen: writes the files generated from the program's own tables, at build time (never
// installed):
//   env-md                     docs/environment-variables.md (a unit test keeps it in step)
//   completion bash|zsh|fish   the shell completion scripts the package installs
//   man                        aiperf.1
//   man-from-help PROG SUMMARY PROG's man page from its --help text on stdin
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "aiperf/cli/command_table.h"
#include "aiperf/common/env.h"

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "env-md") {
    std::fputs(aiperf::env::markdown().c_str(), stdout);
    return 0;
  }
  if (what == "completion" && argc == 3) {
    std::fputs(aiperf::cli::completion_script(argv[2]).c_str(), stdout);
    return 0;
  }
  if (what == "man") {
    std::fputs(aiperf::cli::man_page().c_str(), stdout);
    return 0;
  }
  if (what == "man-from-help" && argc == 4) {
    const std::string help((std::istreambuf_iterator<char>(std::cin)),
                           std::istreambuf_iterator<char>());
    std::fputs(aiperf::cli::man_page_from_help(argv[2], argv[3], help).c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr,
               "usage: aiperf-docgen env-md | completion bash|zsh|fish | man | man-from-help "
               "PROGRAM SUMMARY < help.txt\n");
  return 2;
}

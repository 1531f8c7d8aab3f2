// aiperf-docgen: writes the files generated from the program's own tables, at build time (never
// installed). `env-md` -> docs/environment-variables.md (a unit test keeps the committed copy
// in step).
#include <cstdio>
#include <string>

#include "aiperf/common/env.h"

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "env-md") {
    std::fputs(aiperf::env::markdown().c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr, "usage: aiperf-docgen env-md\n");
  return 2;
}

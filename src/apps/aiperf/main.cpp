// Thin entry point: all behaviour lives in the aiperf library (src/aiperf/cli/).
#include "aiperf/cli/cli.h"

int main(int argc, char** argv) {
  return aiperf::cli::main(argc, argv);
}

// aiperf-mock-server: see src/aiperf/mock/mock_server.h and docs/mock-server.md.
#include "aiperf/mock/mock_server.h"

int main(int argc, char** argv) {
  return aiperf::mock::main(argc, argv);
}

// Is this process one rank of several? (docs/scale-out.md "How a rank knows"). Read from the
// environment a launcher leaves (Open MPI's mpirun, PMIx, MPICH's Hydra, Slurm's srun); when it
// says so, the MPI module (libaiperf_mpi.so) is loaded with dlopen and opened. A single process
// never loads MPI.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aiperf/cluster/comm.h"

namespace aiperf::cluster {

struct LaunchInfo {
  bool launched = false;  // more than one rank (or a launcher that does not say how many)
  int rank = -1;          // from the environment; -1 unknown
  int size = -1;          // from the environment; -1 unknown
  std::string evidence;   // e.g. "OMPI_COMM_WORLD_SIZE=3"
};

/// Reads the launcher's variables through `getenv` (std::getenv by default).
LaunchInfo detect_launch(const std::function<const char*(const char*)>& getenv = {});

/// The module file to load: $AIPERF_MPI_MODULE, else libaiperf_mpi.so beside the aiperf
/// executable, else ../lib/aiperf/libaiperf_mpi.so from it. Empty when none exists.
std::string find_mpi_module();

/// Loads the module and opens a Comm (MPI initialized). Throws std::runtime_error with one
/// line naming what is missing and the fix.
std::unique_ptr<Comm> open_mpi(const LaunchInfo& info);

}  // namespace aiperf::cluster

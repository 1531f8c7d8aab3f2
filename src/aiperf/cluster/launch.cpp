#include "aiperf/cluster/launch.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "aiperf/common/env.h"

namespace aiperf::cluster {

namespace fs = std::filesystem;

namespace {

std::optional<int> env_int(const std::function<const char*(const char*)>& get, const char* name) {
  const char* v = get(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 0 || n > 1'000'000) return std::nullopt;
  return int(n);
}

}  // namespace

LaunchInfo detect_launch(const std::function<const char*(const char*)>& getenv_fn) {
  auto get = getenv_fn ? getenv_fn : [](const char* n) -> const char* { return std::getenv(n); };
  LaunchInfo li;
  // (size variable, rank variable), most specific first: Open MPI, MPICH/Intel MPI (Hydra,
  // PMI-1/2, also Slurm's srun --mpi=pmi2), MVAPICH, then PMIx (rank only; srun --mpi=pmix).
  // Slurm's own SLURM_PROCID/SLURM_NTASKS are not evidence: a batch script has them too.
  struct Pair {
    const char* size;
    const char* rank;
  };
  for (Pair p : {Pair{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"}, Pair{"PMI_SIZE", "PMI_RANK"},
                 Pair{"MV2_COMM_WORLD_SIZE", "MV2_COMM_WORLD_RANK"}, Pair{nullptr, "PMIX_RANK"}}) {
    std::optional<int> size = p.size ? env_int(get, p.size) : std::nullopt;
    std::optional<int> rank = env_int(get, p.rank);
    if (!size && !rank) continue;
    if (p.size && !size) continue;  // a rank without its size: keep looking
    li.size = size.value_or(-1);
    li.rank = rank.value_or(-1);
    li.evidence = p.size ? std::string(p.size) + "=" + std::to_string(li.size)
                         : std::string(p.rank) + "=" + std::to_string(li.rank);
    li.launched = li.size != 1;  // one rank is one process: no MPI needed
    return li;
  }
  return li;
}

std::string find_mpi_module() {
  if (auto p = env::raw("AIPERF_MPI_MODULE")) return *p;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  // Beside the binary (the build tree), or where the aiperf-mpi package puts it.
  for (fs::path cand :
       {exe.parent_path() / "libaiperf_mpi.so",
        exe.parent_path().parent_path() / "lib" / "aiperf" / "modules" / "libaiperf_mpi.so"}) {
    if (fs::exists(cand, ec)) return cand.string();
  }
  return "";
}

std::unique_ptr<Comm> open_mpi(const LaunchInfo& info) {
  std::string path = find_mpi_module();
  if (path.empty()) {
    throw std::runtime_error(
        "launched as one of several ranks (" + info.evidence +
        "), but this aiperf has no MPI module: libaiperf_mpi.so is not beside the executable "
        "(build with libopenmpi-dev installed, or set AIPERF_MPI_MODULE to the module's path)");
  }
  // RTLD_GLOBAL: Open MPI loads its own components, which need libmpi's symbols.
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    const char* e = dlerror();
    throw std::runtime_error("cannot load the MPI module " + path + ": " +
                             (e ? e : "unknown error") +
                             " (is the MPI runtime it was built with installed?)");
  }
  auto open = reinterpret_cast<aiperf_comm_open_fn>(dlsym(h, kAiperfCommOpenSymbol));
  if (!open) {
    throw std::runtime_error("the MPI module " + path + " has no " + kAiperfCommOpenSymbol +
                             " symbol (not an aiperf MPI module?)");
  }
  Comm* c = nullptr;
  char err[512] = {0};
  if (!open(kCommAbiVersion, &c, err, sizeof err) || !c) {
    throw std::runtime_error("MPI module " + path + ": " + err);
  }
  // The module stays loaded for the life of the process (MPI cannot be unloaded).
  std::unique_ptr<Comm> comm(c);
  if (info.size > 0 && comm->size() != info.size) {
    int got = comm->size();
    throw std::runtime_error(
        "the launcher started " + std::to_string(info.size) + " ranks (" + info.evidence +
        ") but MPI sees " + std::to_string(got) +
        " (the MPI module and the launcher come from different MPI implementations?)");
  }
  return comm;
}

}  // namespace aiperf::cluster

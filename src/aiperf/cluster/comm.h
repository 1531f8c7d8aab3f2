// The byte transport between the ranks of one run (docs/scale-out.md): point-to-point messages
// with a tag, every wait bounded by a deadline. One process needs none; under a launcher
// (mpirun, srun, an MPIJob) the MPI implementation comes from a shared module loaded at run time
// (src/modules/mpi/, see launch.h), so this header is the whole contract between the module and
// the program: header-only, standard library only, no symbol of the aiperf libraries.
//
// Why point-to-point and not MPI collectives: a collective (barrier, gather) that one dead rank
// never joins blocks or fails for everyone, and says nothing about who was missing. The team
// protocol (team.h) builds its barrier, broadcast and gather from these messages with deadlines
// and names the rank that did not answer.
//
// Threading: every method may be called from any thread; an implementation serializes its own
// library calls. receive() is called by one thread at a time (the team's hub thread).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace aiperf::cluster {

/// Bumped when the Comm vtable or the module entry point changes; the module reports the
/// version it was built with and a mismatch is refused with one line.
inline constexpr int kCommAbiVersion = 1;

struct Message {
  int source = -1;
  int tag = 0;
  std::string bytes;
};

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// The library behind it, e.g. "Open MPI v4.1.4" (for logs and the JSON's per-rank section).
  virtual std::string library() const = 0;
  /// Queues `bytes` for rank `dest` without waiting for it to be received. False when the
  /// library refused the send (the peer is gone); last_error() says why.
  virtual bool send(int dest, int tag, std::string bytes) = 0;
  /// Bytes queued by send() that the library has not finished with yet (back-pressure).
  virtual size_t pending_bytes() = 0;
  /// Waits until every queued send has completed, or until `deadline_mono_ns` (false).
  virtual bool flush(int64_t deadline_mono_ns) = 0;
  /// The next message from any rank with any tag, waiting until `deadline_mono_ns`
  /// (CLOCK_MONOTONIC). nullopt on timeout or failure (last_error() is then set).
  virtual std::optional<Message> receive(int64_t deadline_mono_ns) = 0;
  /// Ends every rank of the job with `code` (MPI_Abort). Does not return.
  virtual void abort(int code) = 0;
  /// Orderly shutdown (MPI_Finalize). Call only when every rank is known to do the same; a
  /// rank that may be gone makes it wait forever on some libraries.
  virtual void finalize() = 0;
  virtual std::string last_error() const = 0;
};

}  // namespace aiperf::cluster

/// The module's entry point (extern "C", looked up with dlsym): fills *out with a new Comm
/// (MPI initialized, errors returned rather than fatal) or returns false with a one-line
/// reason in `error` (a buffer of `error_len` bytes). `abi` is the program's kCommAbiVersion;
/// the module refuses a version it was not built for.
extern "C" {
typedef bool (*aiperf_comm_open_fn)(int abi, aiperf::cluster::Comm** out, char* error,
                                    unsigned long error_len);
}
inline constexpr const char* kAiperfCommOpenSymbol = "aiperf_comm_open";

// profile_export.jsonl's lines rendered behind the run (issue 15, docs/performance.md "Seventh
// round: lines rendered in idle time"): the record pipeline keeps only what a line is made of, in a
// compact binary form (about a quarter of the line's bytes, a memcpy per field), and a thread of
// idle priority (SCHED_IDLE, "aiperf-lines") renders and writes the lines. Where a core is free
// that thread keeps up and the file grows as the run goes; where the client's cores are saturated
// (the client is the bottleneck) it runs only when nothing else of the machine wants the CPU, so
// the 2 KB of JSON per request stop taking CPU from the event loops that take the timestamps,
// and the lines not rendered during the run are rendered when it ends (finish(), on the calling
// thread at its priority). The order of the lines is the order of push(). The renderer starts
// with the first full chunk, on the producer's thread, whose CPUs it inherits (the record
// pipeline's: away from pinned I/O workers).
//
// Memory: chunks of kChunkBytes; beyond memory_bytes of chunks waiting, a sealed chunk goes to an
// unlinked file beside the JSONL (O_TMPFILE) and is read back when its turn comes; its blocks are
// freed (FALLOC_FL_PUNCH_HOLE) once rendered. Without such a file (the file system refuses both
// O_TMPFILE and a temporary name) the spool is not made and the lines are rendered as they come.
// The spill file is written and read with O_DIRECT where the file system takes it (`direct`,
// AIPERF_EXPORT_DIRECT_IO), for the reason record_file.h gives: a buffered write copies every
// byte into page-cache pages the kernel allocates for a file nobody else reads (perf, one core
// saturated at ~100k records/s: 1.6 % of the core in the record pipeline's pwrite). Each
// spilled chunk then starts on a 4 KiB boundary and is written padded to whole blocks from an
// aligned copy; a refusal at the first write turns O_DIRECT off for the rest.
//
// Errors: the sink's exception (a full disk) on the renderer ends the rendering; push() and
// finish() then throw it (std::runtime_error, the sink's message).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "aiperf/export/direct_io.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/record/processed_record.h"

namespace aiperf::exporter::detail {

class LineSpool {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;
  static constexpr size_t kMemoryBytes = 4 << 20;

  /// Called with each pushed record as decode() gives it back (the fields a line reads), in
  /// order, on one thread at a time: the renderer, then finish()'s caller.
  using Sink = std::function<void(const record::ProcessedRecord&, const metrics::RecordValues&)>;

  /// Null when no spill file can be made in `dir` (then render lines as they come).
  static std::unique_ptr<LineSpool> make(const std::string& dir, Sink sink,
                                         size_t chunk_bytes = kChunkBytes,
                                         size_t memory_bytes = kMemoryBytes, bool direct = true);
  ~LineSpool();  // finish(), quietly
  LineSpool(const LineSpool&) = delete;
  LineSpool& operator=(const LineSpool&) = delete;

  /// Keeps what the line of `rec` is made of (rec.trace is not kept: --export-http-trace lines
  /// are rendered as they come).
  void push(const record::ProcessedRecord& rec, const metrics::RecordValues& values);
  /// Hands the records pushed so far to the renderer.
  void hand_over();
  /// Renders every record not rendered yet, on the calling thread, and stops the renderer.
  /// Idempotent.
  void finish();

  /// Chunks that went through the spill file so far (tests).
  int64_t spilled_chunks() const;
  /// Whether the spill file is being written with O_DIRECT (tests).
  bool direct() const { return direct_.load(std::memory_order_relaxed); }

  /// The compact form of the fields a line reads, appended to `out`.
  static void encode(std::string& out, const record::ProcessedRecord& rec,
                     const metrics::RecordValues& values);
  /// Decodes the entry at `p` into `rec` and `values` (their other fields are left as they
  /// are; rec.raw_responses is cleared, rec.end_ns is the line's end) and returns its end.
  static const char* decode(const char* p, record::ProcessedRecord& rec,
                            metrics::RecordValues& values);

 private:
  struct Chunk {
    std::string data;     // in memory, or empty when spilled
    int64_t offset = -1;  // in the spill file
    size_t bytes = 0;
  };
  LineSpool(int spill_fd, bool direct, Sink sink, size_t chunk_bytes, size_t memory_bytes);
  void run();
  void seal();
  /// Writes current_ to the spill file at spill_end_ (padded to whole blocks with O_DIRECT);
  /// false when the file takes no more.
  bool spill(Chunk& c);
  /// Renders `c`; on the sink's exception keeps its message and returns false.
  bool render(Chunk& c, AlignedBuffer& scratch);
  void throw_if_failed();

  const int spill_fd_;
  std::atomic<bool> direct_;  // the fd has O_DIRECT (turned off once by the producer)
  AlignedBuffer stage_;       // the aligned copy of a chunk written with O_DIRECT (producer)
  Sink sink_;
  const size_t chunk_bytes_;
  const size_t memory_bytes_;
  std::string current_;          // the producer's chunk being filled
  int64_t spill_end_ = 0;        // producer only
  record::ProcessedRecord rec_;  // decode targets, one renderer at a time
  metrics::RecordValues values_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk> queue_;
  std::string spare_;        // a rendered chunk's buffer, handed back to the producer
  size_t queued_bytes_ = 0;  // in memory
  int64_t spilled_ = 0;
  bool waiting_ = false;  // the renderer sleeps on cv_
  bool stop_ = false;
  bool finished_ = false;
  bool started_ = false;  // the renderer thread (producer only)
  std::string error_;
  std::thread thread_;
};

}  // namespace aiperf::exporter::detail

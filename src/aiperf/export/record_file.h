// The per-record files' writer (profile_export.jsonl, profile_export_raw.jsonl): lines appended
// through a 1 MiB buffer of its own, written with O_DIRECT where the file system takes it.
//
// Why O_DIRECT: at 60-100k records/s profile_export.jsonl grows by 120-200 MB/s, and a buffered
// write(2) copies every byte into page-cache pages the kernel allocates for it. On this project's
// virtual machines that copy was the record pipeline's largest cost (perf: 46 % of the pipeline
// thread in copy_folio_from_iter_atomic; a fresh guest page faults on the host), and on any
// machine it fills the page cache of the machine being measured with a file nobody reads
// during the run. With O_DIRECT whole 4 KiB blocks go from the aligned buffer to the device;
// the tail that is not a whole block is written at close with O_DIRECT turned off. Where the
// file system refuses O_DIRECT (tmpfs before Linux 6.6, some FUSE file systems: EINVAL at open or
// at the first write), or with AIPERF_EXPORT_DIRECT_IO=false, the same buffer goes out through
// plain write(2)s.
//
// Threading: one thread writes a file. Errors: std::runtime_error "cannot write <path>: <why>".
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "aiperf/export/direct_io.h"

namespace aiperf::exporter::detail {

class RecordFile {
 public:
  static constexpr size_t kBufferBytes = 1 << 20;
  static constexpr size_t kBlockBytes = kDirectBlockBytes;

  /// Creates (truncates) `path`, and its directory; `direct`: try O_DIRECT.
  RecordFile(const std::string& path, bool direct);
  ~RecordFile();  // closes quietly (what is buffered is written)
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  /// Appends `line` and a newline.
  void put_line(std::string_view line);
  /// Hands what is buffered to the kernel (with O_DIRECT, every whole block; the tail waits).
  void flush();
  /// Writes the rest and closes; the file is complete. Idempotent.
  void close();
  /// Whether the file is being written with O_DIRECT (tests).
  bool direct() const { return direct_; }

 private:
  /// Writes the first `n` buffered bytes and moves the rest to the front.
  void write_out(size_t n);
  void write_all(const char* p, size_t n);
  void direct_off();
  [[noreturn]] void fail(int err) const;

  std::string path_;
  int fd_ = -1;
  bool direct_ = false;
  AlignedBuffer buf_;
  size_t used_ = 0;
  size_t unflushed_ = 0;  // bytes put since the last sliced flush
};

}  // namespace aiperf::exporter::detail

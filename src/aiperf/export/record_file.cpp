#include "aiperf/export/record_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "aiperf/common/cpu_affinity.h"

namespace aiperf::exporter::detail {

namespace {

/// While an I/O thread keeps a schedule (affinity::io_raised()), the file is written
/// kSlicedWriteBytes at a time rather than a whole buffer at once: a 1 MB buffered write(2) took
/// 0.3-0.4 ms in the kernel, and a kernel without preemption (PREEMPT_NONE, the default of many
/// server kernels) does not hand the core to the I/O thread that wakes meanwhile; that was the
/// 0.3 ms wait behind the send lateness's p99 at 10k req/s on one core. Closed loops keep the
/// large writes (fewer system calls).
constexpr size_t kSlicedWriteBytes = 64 << 10;

}  // namespace

RecordFile::RecordFile(const std::string& path, bool direct) : path_(path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  if (direct) {
    fd_ = ::open(path.c_str(), kFlags | O_DIRECT, 0644);
    direct_ = fd_ >= 0;
  }
  if (fd_ < 0) fd_ = ::open(path.c_str(), kFlags, 0644);
  if (fd_ < 0) fail(errno);
  if (!buf_.reserve(kBufferBytes)) {
    ::close(fd_);
    fd_ = -1;
    fail(ENOMEM);
  }
}

RecordFile::~RecordFile() {
  try {
    close();
  } catch (const std::exception&) {  // quietly: the owner reports errors through close()
  }
}

void RecordFile::fail(int err) const {
  throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
}

void RecordFile::direct_off() {
  if (!direct_) return;
  direct_ = false;
  if (!drop_direct(fd_)) fail(errno);
}

void RecordFile::write_all(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      // O_DIRECT opened but refused for this file or device (alignment it wants larger than
      // ours): the rest goes through the page cache.
      if (errno == EINVAL && direct_) {
        direct_off();
        continue;
      }
      fail(errno);
    }
    p += w;
    n -= size_t(w);
    // A short direct write (a file-size limit) leaves the offset unaligned: no more O_DIRECT.
    if (n > 0 && direct_ && (size_t(w) % kBlockBytes) != 0) direct_off();
  }
}

void RecordFile::write_out(size_t n) {
  if (n == 0) return;
  write_all(buf_.data(), n);
  std::memmove(buf_.data(), buf_.data() + n, used_ - n);
  used_ -= n;
}

void RecordFile::put_line(std::string_view line) {
  if (fd_ < 0) fail(EBADF);
  const size_t total = line.size() + 1;
  while (!line.empty()) {  // a line longer than the buffer (raw exports) goes in pieces
    if (used_ == kBufferBytes) write_out(direct_ ? kBufferBytes : used_);
    const size_t take = std::min(line.size(), kBufferBytes - used_);
    std::memcpy(buf_.data() + used_, line.data(), take);
    used_ += take;
    line.remove_prefix(take);
  }
  if (used_ == kBufferBytes) write_out(kBufferBytes);
  buf_.data()[used_++] = '\n';
  unflushed_ += total;
  if (unflushed_ >= kSlicedWriteBytes && affinity::io_raised()) flush();
}

void RecordFile::flush() {
  if (fd_ < 0) return;
  write_out(direct_ ? used_ - used_ % kBlockBytes : used_);
  unflushed_ = 0;
}

void RecordFile::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  try {
    flush();
    if (used_ > 0) {  // the tail that is not a whole block
      direct_off();
      write_out(used_);
    }
  } catch (...) {
    ::close(fd);
    fd_ = -1;
    throw;
  }
  fd_ = -1;
  if (::close(fd) != 0) fail(errno);
}

}  // namespace aiperf::exporter::detail

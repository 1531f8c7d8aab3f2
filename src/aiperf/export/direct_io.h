// What the per-record files and the lines' spill file share for O_DIRECT (record_file.h,
// line_spool.h): the block size that memory, offsets and lengths must be whole multiples of, a
// buffer aligned to it, and turning O_DIRECT off on an open file.
#pragma once
#include <fcntl.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>

namespace aiperf::exporter::detail {

inline constexpr size_t kDirectBlockBytes = 4096;

inline size_t round_up_blocks(size_t n) {
  return (n + kDirectBlockBytes - 1) / kDirectBlockBytes * kDirectBlockBytes;
}

/// A buffer aligned to kDirectBlockBytes, whole blocks long.
class AlignedBuffer {
 public:
  /// At least `n` bytes (contents not kept when it grows); null when memory runs out.
  char* reserve(size_t n) {
    if (n > size_) {
      const size_t want = round_up_blocks(std::max(n, size_ * 2));
      char* q = static_cast<char*>(std::aligned_alloc(kDirectBlockBytes, want));
      if (q == nullptr) return nullptr;
      p_.reset(q);
      size_ = want;
    }
    return p_.get();
  }
  char* data() const { return p_.get(); }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> p_;
  size_t size_ = 0;
};

/// Takes O_DIRECT off `fd`'s flags; false (errno set) when fcntl fails.
inline bool drop_direct(int fd) {
  const int fl = ::fcntl(fd, F_GETFL);
  return fl >= 0 && ::fcntl(fd, F_SETFL, fl & ~O_DIRECT) >= 0;
}

}  // namespace aiperf::exporter::detail

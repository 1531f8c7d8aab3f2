#include "aiperf/export/line_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <system_error>

#include "aiperf/common/cpu_affinity.h"

namespace aiperf::exporter::detail {
namespace {

/// The fixed part of an entry, copied as it is; the variable parts follow it: the strings
/// (x_request_id, x_correlation_id, conversation_id, error type, error message), the metric ids
/// (uint16_t each), their values and the inter-chunk latencies (double each).
struct EntryHead {
  uint32_t bytes = 0;  // the whole entry
  uint32_t turn_index = 0;
  uint64_t credit_index = 0;
  int64_t credit_ns = 0;
  int64_t start_ns = 0;
  int64_t start_wall_ns = 0;
  int64_t ack_ns = 0;
  int64_t end_ns = 0;  // the line's end: the last response's, else the record's
  int64_t cancel_ns = 0;
  uint32_t n_icl = 0;
  uint32_t len_conversation = 0;
  uint32_t len_type = 0;
  uint32_t len_message = 0;
  int32_t error_code = 0;
  uint16_t len_request_id = 0;
  uint16_t len_correlation_id = 0;
  uint16_t n_scalars = 0;
  uint16_t worker_id = 0;
  uint8_t phase = 0;
  uint8_t token_split = 0;
  uint8_t error_kind = 0;
  uint8_t flags = 0;
};
constexpr uint8_t kHasError = 1;
constexpr uint8_t kHasCode = 2;
constexpr uint8_t kValid = 4;

template <class T>
char* put(char* p, const T& v) {
  std::memcpy(p, &v, sizeof v);
  return p + sizeof v;
}
char* put(char* p, const std::string& s, size_t n) {
  std::memcpy(p, s.data(), n);
  return p + n;
}

/// Reads `n` bytes at `off` into `p`, of which the first `need` must be there (the rest is a
/// chunk's padding to whole blocks, which a file written without O_DIRECT may not hold).
void read_exact(int fd, char* p, size_t n, int64_t off, size_t need) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, p + got, n - got, off + int64_t(got));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 && got >= need) return;
    if (r <= 0) {
      throw std::runtime_error(std::string("cannot read back the lines' spill file: ") +
                               (r < 0 ? std::strerror(errno) : "it ended early"));
    }
    got += size_t(r);
  }
}

bool write_exact(int fd, const char* p, size_t n, int64_t off) {
  while (n > 0) {
    const ssize_t r = ::pwrite(fd, p, n, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
    off += r;
  }
  return true;
}

/// An unlinked file in `dir`: O_TMPFILE, else a temporary name removed at once; -1 when neither.
/// With `direct`, O_DIRECT where the file system takes it (`direct` says whether it did).
int open_spill(const std::string& dir, bool& direct) {
  const std::string d = dir.empty() ? std::string(".") : dir;
  if (direct) {
    const int fd = ::open(d.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC | O_DIRECT, 0600);
    if (fd >= 0) return fd;
  }
  direct = false;
  int fd = ::open(d.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = d + "/.profile_export.lines.XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.c_str());
  return fd;
}

}  // namespace

void LineSpool::encode(std::string& out, const record::ProcessedRecord& r,
                       const metrics::RecordValues& values) {
  auto u16 = [](size_t n) { return uint16_t(std::min<size_t>(n, UINT16_MAX)); };
  EntryHead h{
      .turn_index = r.turn_index,
      .credit_index = r.credit_index,
      .credit_ns = r.credit_ns,
      .start_ns = r.start_ns,
      .start_wall_ns = r.start_wall_ns,
      .ack_ns = r.ack_ns,
      .end_ns = !r.raw_responses.empty() ? r.raw_responses.back().first : r.end_ns,
      .cancel_ns = r.cancel_ns,
      .n_icl = uint32_t(values.inter_chunk_ns.size()),
      .len_conversation = uint32_t(r.conversation_id.size()),
      .len_request_id = u16(r.x_request_id.size()),
      .len_correlation_id = u16(r.x_correlation_id.size()),
      .n_scalars = u16(values.scalars.size()),
      .worker_id = r.worker_id,
      .phase = uint8_t(r.phase),
      .token_split = uint8_t(r.token_split),
  };
  if (values.valid) h.flags |= kValid;
  if (r.error) {
    h.flags |= kHasError;
    h.error_kind = uint8_t(r.error->kind);
    h.len_type = uint32_t(r.error->type.size());
    h.len_message = uint32_t(r.error->message.size());
    if (r.error->code) {
      h.flags |= kHasCode;
      h.error_code = *r.error->code;
    }
  }
  const size_t bytes = sizeof h + h.len_request_id + h.len_correlation_id + h.len_conversation +
                       h.len_type + h.len_message + h.n_scalars * (sizeof(uint16_t) + 8) +
                       size_t(h.n_icl) * 8;
  h.bytes = uint32_t(bytes);
  const size_t at = out.size();
  out.resize(at + bytes);
  char* p = out.data() + at;
  p = put(p, h);
  p = put(p, r.x_request_id, h.len_request_id);
  p = put(p, r.x_correlation_id, h.len_correlation_id);
  p = put(p, r.conversation_id, h.len_conversation);
  if (r.error) {
    p = put(p, r.error->type, h.len_type);
    p = put(p, r.error->message, h.len_message);
  }
  // Through a local pointer: stores into `out` may alias the vector's own, which the compiler
  // would otherwise load again for every value.
  const std::pair<metrics::MetricId, double>* sc = values.scalars.data();
  const size_t n = h.n_scalars;
  for (size_t i = 0; i < n; ++i) p = put(p, uint16_t(sc[i].first));
  for (size_t i = 0; i < n; ++i) p = put(p, sc[i].second);
  if (h.n_icl > 0) std::memcpy(p, values.inter_chunk_ns.data(), size_t(h.n_icl) * 8);
}

const char* LineSpool::decode(const char* p, record::ProcessedRecord& r,
                              metrics::RecordValues& values) {
  EntryHead h;
  std::memcpy(&h, p, sizeof h);
  const char* const end = p + h.bytes;
  p += sizeof h;
  auto str = [&p](std::string& s, size_t n) {
    s.assign(p, n);
    p += n;
  };
  r.turn_index = h.turn_index;
  r.credit_index = h.credit_index;
  r.credit_ns = h.credit_ns;
  r.start_ns = h.start_ns;
  r.start_wall_ns = h.start_wall_ns;
  r.ack_ns = h.ack_ns;
  r.end_ns = h.end_ns;
  r.raw_responses.clear();
  r.cancel_ns = h.cancel_ns;
  r.worker_id = h.worker_id;
  r.phase = record::Phase(h.phase);
  r.token_split = record::ProcessedRecord::TokenSplit(h.token_split);
  str(r.x_request_id, h.len_request_id);
  str(r.x_correlation_id, h.len_correlation_id);
  str(r.conversation_id, h.len_conversation);
  if (h.flags & kHasError) {
    if (!r.error) r.error.emplace();
    r.error->kind = record::ErrorKind(h.error_kind);
    r.error->code = (h.flags & kHasCode) ? std::optional<int>(h.error_code) : std::nullopt;
    str(r.error->type, h.len_type);
    str(r.error->message, h.len_message);
  } else {
    r.error.reset();
  }
  values.valid = (h.flags & kValid) != 0;
  values.scalars.resize(h.n_scalars);
  const char* ids = p;
  p += size_t(h.n_scalars) * sizeof(uint16_t);
  for (size_t i = 0; i < h.n_scalars; ++i) {
    uint16_t id;
    std::memcpy(&id, ids + i * sizeof id, sizeof id);
    double v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    values.scalars[i] = {metrics::MetricId(id), v};
  }
  values.inter_chunk_ns.resize(h.n_icl);
  if (h.n_icl > 0) std::memcpy(values.inter_chunk_ns.data(), p, size_t(h.n_icl) * 8);
  return end;
}

std::unique_ptr<LineSpool> LineSpool::make(const std::string& dir, Sink sink, size_t chunk_bytes,
                                           size_t memory_bytes, bool direct) {
  const int fd = open_spill(dir, direct);
  if (fd < 0) return nullptr;
  return std::unique_ptr<LineSpool>(
      new LineSpool(fd, direct, std::move(sink), chunk_bytes, memory_bytes));
}

LineSpool::LineSpool(int spill_fd, bool direct, Sink sink, size_t chunk_bytes, size_t memory_bytes)
    : spill_fd_(spill_fd),
      direct_(direct),
      sink_(std::move(sink)),
      chunk_bytes_(chunk_bytes),
      memory_bytes_(memory_bytes) {
  current_.reserve(chunk_bytes_ + 4096);
}

LineSpool::~LineSpool() {
  try {
    finish();
  } catch (const std::exception&) {  // quietly: the owner reports errors through finish()
  }
  ::close(spill_fd_);
}

void LineSpool::throw_if_failed() {
  std::lock_guard<std::mutex> lk(mu_);
  if (!error_.empty()) throw std::runtime_error(error_);
}

void LineSpool::push(const record::ProcessedRecord& rec, const metrics::RecordValues& values) {
  encode(current_, rec, values);
  if (current_.size() >= chunk_bytes_) seal();
}

void LineSpool::hand_over() {
  if (!current_.empty()) seal();
}

void LineSpool::seal() {
  Chunk c;
  c.bytes = current_.size();
  bool to_file;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!error_.empty()) {
      current_.clear();
      throw std::runtime_error(error_);
    }
    to_file = queued_bytes_ + c.bytes > memory_bytes_;
  }
  // A spill file that takes no more (a full disk) leaves the chunk in memory.
  if (to_file && spill(c)) {
    current_.clear();
  } else {
    c.data = std::move(current_);
    current_.clear();
  }
  bool wake;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (c.offset >= 0) {
      ++spilled_;
    } else {
      queued_bytes_ += c.bytes;
    }
    queue_.push_back(std::move(c));
    if (current_.capacity() < chunk_bytes_ && spare_.capacity() >= chunk_bytes_) {
      current_.swap(spare_);
    }
    wake = waiting_;
  }
  if (current_.capacity() < chunk_bytes_) current_.reserve(chunk_bytes_ + 4096);
  if (wake) cv_.notify_one();
  // Started by the first chunk, on the producer's thread: the renderer inherits the CPUs of the
  // record pipeline (affinity::PinScope keeps those apart from the I/O workers' cores).
  if (!started_ && !finished_) {
    started_ = true;
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {  // no thread to be had: finish() renders every line
    }
  }
}

bool LineSpool::spill(Chunk& c) {
  if (direct_.load(std::memory_order_relaxed)) {
    // Whole blocks from an aligned copy (the chunk's string is not aligned); the next chunk
    // starts on a block boundary.
    const size_t padded = round_up_blocks(c.bytes);
    char* buf = stage_.reserve(padded);
    if (buf == nullptr) return false;  // no memory for the copy: the chunk stays in memory
    std::memcpy(buf, current_.data(), c.bytes);
    std::memset(buf + c.bytes, 0, padded - c.bytes);
    const ssize_t w = ::pwrite(spill_fd_, buf, padded, spill_end_);
    if (w == ssize_t(padded)) {
      c.offset = spill_end_;
      spill_end_ += int64_t(padded);
      return true;
    }
    if (w >= 0 || errno != EINVAL) return false;  // short or failed: the chunk stays in memory
    // Refused for this file or device (an alignment larger than 4 KiB): the page cache from
    // now on. Chunks already spilled stay block-aligned, which reads without O_DIRECT accept.
    if (!drop_direct(spill_fd_)) return false;
    direct_.store(false, std::memory_order_relaxed);
  }
  if (!write_exact(spill_fd_, current_.data(), c.bytes, spill_end_)) return false;
  c.offset = spill_end_;
  spill_end_ += int64_t(c.bytes);
  return true;
}

bool LineSpool::render(Chunk& c, AlignedBuffer& scratch) {
  try {
    const char* p;
    if (c.offset >= 0) {
      // A chunk written with O_DIRECT starts on a block and fills whole blocks: read it the
      // same way (the fd may still have O_DIRECT). One written without starts anywhere, and
      // then the fd has no O_DIRECT left.
      const bool whole = c.offset % int64_t(kDirectBlockBytes) == 0;
      const size_t len = whole ? round_up_blocks(c.bytes) : c.bytes;
      char* buf = scratch.reserve(len);
      if (buf == nullptr) throw std::bad_alloc();
      read_exact(spill_fd_, buf, len, c.offset, c.bytes);
      // The blocks are not needed again: give them back to the file system (the chunk's own
      // bytes only: one written without O_DIRECT may share its last block with the next).
      (void)::fallocate(spill_fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, c.offset,
                        int64_t(c.bytes));
      p = buf;
    } else {
      p = c.data.data();
    }
    const char* const end = p + c.bytes;
    while (p < end) {
      p = decode(p, rec_, values_);
      sink_(rec_, values_);
    }
    return true;
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lk(mu_);
    if (error_.empty()) error_ = e.what();
    return false;
  }
}

void LineSpool::run() {
  affinity::enter_role(affinity::ThreadRole::kLines, 0);
  AlignedBuffer scratch;
  for (;;) {
    Chunk c;
    {
      std::unique_lock<std::mutex> lk(mu_);
      waiting_ = true;
      cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      waiting_ = false;
      if (stop_ || !error_.empty()) return;  // finish() renders the rest
      c = std::move(queue_.front());
      queue_.pop_front();
      if (c.offset < 0) queued_bytes_ -= c.bytes;
    }
    const bool ok = render(c, scratch);
    std::lock_guard<std::mutex> lk(mu_);
    if (c.offset < 0 && spare_.capacity() < c.data.capacity()) {
      c.data.clear();
      spare_.swap(c.data);
    }
    if (!ok) return;
  }
}

void LineSpool::finish() {
  if (finished_) return;
  finished_ = true;
  try {
    hand_over();
  } catch (const std::exception&) {  // the renderer's error, thrown below
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  AlignedBuffer scratch;
  while (error_.empty() && !queue_.empty()) {
    Chunk c = std::move(queue_.front());
    queue_.pop_front();
    render(c, scratch);
  }
  queue_.clear();
  throw_if_failed();
}

int64_t LineSpool::spilled_chunks() const {
  std::lock_guard<std::mutex> lk(mu_);
  return spilled_;
}

}  // namespace aiperf::exporter::detail

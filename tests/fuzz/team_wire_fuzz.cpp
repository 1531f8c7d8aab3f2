// libFuzzer target: the record batches ranks send to rank 0 (cluster/record_codec.h, wire.h).
// A batch comes from another process: decoding must never read out of bounds or allocate from
// a hostile count. Oracle: every record decoded re-encodes to bytes that decode to a record
// re-encoding to the same bytes (the encoding is canonical after one round).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "aiperf/cluster/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  aiperf::cluster::RecordDecoder dec(in);
  aiperf::record::ProcessedRecord r;
  int n = 0;
  while (n < 64 && dec.next(r)) {
    ++n;
    std::string once;
    aiperf::cluster::encode_record(r, once);
    aiperf::cluster::RecordDecoder again(once);
    aiperf::record::ProcessedRecord r2;
    bool bad = false;
    if (!again.next(r2, &bad) || bad) std::abort();
    std::string twice;
    aiperf::cluster::encode_record(r2, twice);
    if (twice != once) std::abort();
    aiperf::cluster::shift_clock(r2, -12345, 678);
  }
  return 0;
}

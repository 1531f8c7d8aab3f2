#include "aiperf/record/request_record.h"

namespace aiperf::record {

const char* error_kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::kNone:
      return "none";
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kWrite:
      return "write";
    case ErrorKind::kRead:
      return "read";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kStatus:
      return "status";
    case ErrorKind::kProtocol:
      return "protocol";
    case ErrorKind::kSseError:
      return "sse_error";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kRequestCancelled:
      return "request_cancelled";
    case ErrorKind::kJob:
      return "job";
    case ErrorKind::kGrpcStatus:
      return "grpc_status";
  }
  return "unknown";
}

}  // namespace aiperf::record

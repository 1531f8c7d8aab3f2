#include "aiperf/record/request_record.h"

#include <iterator>
#include <string_view>

namespace aiperf::record {

namespace {
constexpr const char* kGrpcStatusNames[] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};
}  // namespace

const char* grpc_status_name(int code) {
  if (code < 0 || code >= int(std::size(kGrpcStatusNames))) return "UNKNOWN";
  return kGrpcStatusNames[code];
}

int grpc_status_code(std::string_view name) {
  for (size_t i = 0; i < std::size(kGrpcStatusNames); ++i) {
    if (name == kGrpcStatusNames[i]) return int(i);
  }
  return -1;
}

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
